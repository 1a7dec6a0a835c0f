"""`python -m cleaner ...`: the same command line as the `cleaner` program."""
from cleaner.cli import main

if __name__ == "__main__":
    main()
