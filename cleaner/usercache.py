"""The user's cache folder: results worth keeping from one run to the next (which rule files'
examples already passed). Everything in it can be deleted at any time; it only saves time.

Where: $CLEANER_CACHE_DIR when set (tests point it at a temporary folder; set it empty to use
no cache), else the platform's cache folder: $XDG_CACHE_HOME/cleaner or ~/.cache/cleaner on
Linux, ~/Library/Caches/cleaner on macOS, %LOCALAPPDATA%\\cleaner\\Cache on Windows.

A cache file is written whole to a temporary name and renamed, so a reader never sees half of
one; a file that is unreadable, corrupt or from another format version is ignored (and
replaced); a cache that cannot be written (read-only home) is silently not kept.
"""
from __future__ import annotations

import json
import os
import sys
import tempfile
from pathlib import Path
from typing import Any

CACHE_ENV = "CLEANER_CACHE_DIR"


def cache_dir() -> Path | None:
    """The cleaner's cache folder (not created here), or None when caching is turned off."""
    configured = os.environ.get(CACHE_ENV)
    if configured is not None:
        return Path(configured).expanduser() if configured.strip() else None
    home = Path.home()
    if sys.platform == "win32":
        return Path(os.environ.get("LOCALAPPDATA") or home / "AppData" / "Local") / "cleaner" / "Cache"
    if sys.platform == "darwin":
        return home / "Library" / "Caches" / "cleaner"
    return Path(os.environ.get("XDG_CACHE_HOME") or home / ".cache") / "cleaner"


class CacheFile:
    """One JSON file in the cache folder holding a mapping; `format` is this file's layout
    version (a file of another version is ignored)."""

    def __init__(self, name: str, format: int, folder: Path | None = None):
        self.folder = folder if folder is not None else cache_dir()
        self.path = self.folder / name if self.folder is not None else None
        self.format = format

    def load(self) -> dict[str, Any]:
        if self.path is None:
            return {}
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):  # missing, unreadable or corrupt: as if empty
            return {}
        if not isinstance(data, dict) or data.get("format") != self.format or not isinstance(data.get("entries"), dict):
            return {}
        return data["entries"]

    def save(self, entries: dict[str, Any]) -> bool:
        """Replace the file's entries; False when the cache cannot be written (it is then just not kept)."""
        if self.path is None:
            return False
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            # A unique temporary name: two processes saving at once must not write into one file.
            fd, tmp = tempfile.mkstemp(prefix=f".{self.path.name}.", suffix=".tmp", dir=self.path.parent)
            try:
                with os.fdopen(fd, "w", encoding="utf-8") as f:
                    json.dump({"format": self.format, "entries": entries}, f, sort_keys=True)
                os.replace(tmp, self.path)
            except BaseException:
                Path(tmp).unlink(missing_ok=True)
                raise
        except OSError:
            return False
        return True
