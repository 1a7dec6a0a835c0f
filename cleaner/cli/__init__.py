"""The `cleaner` command line (entry point `cleaner.cli:main`)."""
from cleaner.cli.app import main

__all__ = ["main"]
