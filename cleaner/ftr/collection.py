"""Where site config files come from (the bundled snapshot, a user's checkout) and which one serves
a host.

A file is named by the hosts it serves, as the collection names its files:
`example.com.txt` serves example.com and www.example.com; `.example.com.txt` every subdomain of
example.com (not example.com itself); `sport.example.com.txt` that host. The nearest name wins
(sport.example.com.txt before .example.com.txt).

The bundled snapshot is one zip archive beside this module plus a plain list of its file names
(`site-config.hosts`): looking a host up reads only that list, once per process, and the archive
is opened only for a host that has a file. A user's checkout (`--rules DIR`) is a folder of such
files; its files win over the bundled ones of the same name (it is newer).
"""
from __future__ import annotations

import os
import zipfile
from functools import lru_cache
from pathlib import Path
from typing import Iterable, Iterator

from cleaner.ftr.parse import SiteConfig, parse_site_config

BUNDLED_ARCHIVE = Path(__file__).with_name("site-config.zip")
BUNDLED_INDEX = Path(__file__).with_name("site-config.hosts")
# Files of a checkout that are not site configs: they have no dot in their stem (LICENSE.txt,
# README, global.txt, which Full-Text RSS merges into every site's config: applying it to every
# page would change pages of every host, so it is left out).


def is_site_config_name(name: str) -> bool:
    return name.endswith(".txt") and "." in name[:-4].strip(".") and "/" not in name


def host_patterns(host: str) -> list[str]:
    """The file patterns (names without .txt) that could serve a host, nearest first.

    >>> host_patterns("www.sport.example.com")
    ['sport.example.com', '.example.com']
    >>> host_patterns("Example.com")
    ['example.com']
    """
    host = host.lower().rstrip(".")
    host = host.removeprefix("www.")
    labels = host.split(".")
    patterns = [host] if len(labels) >= 2 else []
    for start in range(1, len(labels) - 1):  # every parent with at least two labels
        patterns.append("." + ".".join(labels[start:]))
    return patterns


def looks_like_checkout(path: str | os.PathLike[str]) -> bool:
    """A folder of site config files and no YAML rule files (a checkout of ftr-site-config), or one
    site config file."""
    path = Path(path)
    if path.is_file():
        return is_site_config_name(path.name)
    if not path.is_dir():
        return False
    names = os.listdir(path)
    return any(is_site_config_name(n) for n in names) and not any(n.endswith((".yaml", ".yml")) for n in names)


class _Source:
    """Files of one place, by name."""

    label: str

    def names(self) -> list[str]:
        raise NotImplementedError

    def read(self, name: str) -> str:
        raise NotImplementedError

    def file(self, name: str) -> str:
        raise NotImplementedError


class BundledSource(_Source):
    label = "bundled snapshot"

    def __init__(self, archive: Path = BUNDLED_ARCHIVE, index: Path = BUNDLED_INDEX):
        self.archive, self.index = archive, index
        self._zip: zipfile.ZipFile | None = None

    def names(self) -> list[str]:
        return [n for n in self.index.read_text(encoding="utf-8").split("\n") if n]

    def read(self, name: str) -> str:
        if self._zip is None:
            self._zip = zipfile.ZipFile(self.archive)
        return self._zip.read(name).decode("utf-8", "replace")

    def file(self, name: str) -> str:
        return f"{self.archive.name}:{name}"  # short: a removal's file is printed on every problem line

    def __getstate__(self) -> dict:
        return {"archive": self.archive, "index": self.index, "_zip": None}  # reopened in a worker


class FolderSource(_Source):
    """A checkout folder, or one file."""

    def __init__(self, path: Path):
        self.path = path
        self.label = str(path)

    def names(self) -> list[str]:
        if self.path.is_file():
            return [self.path.name] if is_site_config_name(self.path.name) else []
        return sorted(n for n in os.listdir(self.path) if is_site_config_name(n) and (self.path / n).is_file())

    def _path(self, name: str) -> Path:
        return self.path if self.path.is_file() else self.path / name

    def read(self, name: str) -> str:
        return self._path(name).read_text(encoding="utf-8", errors="replace")

    def file(self, name: str) -> str:
        return str(self._path(name))


class SiteConfigs:
    """The site configs of some sources (later sources win for the same file name), looked up by
    host. The index is built on the first lookup; each file is parsed when first needed."""

    def __init__(self, sources: Iterable[_Source]):
        self.sources = list(sources)
        self._index: dict[str, _Source] | None = None
        self._parsed: dict[str, SiteConfig] = {}

    @classmethod
    def for_rules(cls, paths: Iterable[str | os.PathLike[str]] = (), bundled: bool = True) -> "SiteConfigs":
        """The bundled snapshot (unless left out) and every checkout among rule paths."""
        sources: list[_Source] = [BundledSource()] if bundled and BUNDLED_INDEX.is_file() else []
        sources += [FolderSource(Path(p)) for p in paths if looks_like_checkout(p)]
        return cls(sources)

    def __getstate__(self) -> dict:
        return {"sources": self.sources, "_index": None, "_parsed": {}}  # cheap to rebuild in a worker

    def index(self) -> dict[str, _Source]:
        if self._index is None:
            index: dict[str, _Source] = {}
            for source in self.sources:
                for name in source.names():
                    index[name[:-4]] = source
            self._index = index
        return self._index

    def __len__(self) -> int:
        return len(self.index())

    def pattern_for(self, host: str | None) -> str | None:
        """The pattern of the file serving this host, or None."""
        if not host:
            return None
        index = self.index()
        for pattern in host_patterns(host):
            if pattern in index:
                return pattern
        return None

    def get(self, pattern: str) -> SiteConfig:
        config = self._parsed.get(pattern)
        if config is None:
            source = self.index()[pattern]
            name = pattern + ".txt"
            config = self._parsed[pattern] = parse_site_config(source.read(name), pattern, source.file(name))
        return config

    def for_host(self, host: str | None) -> SiteConfig | None:
        pattern = self.pattern_for(host)
        return self.get(pattern) if pattern is not None else None

    def __iter__(self) -> Iterator[SiteConfig]:
        for pattern in sorted(self.index()):
            yield self.get(pattern)


@lru_cache(maxsize=1)
def bundled_configs() -> SiteConfigs:
    """The bundled snapshot alone (shared by every cleaner of the process that uses it as it is)."""
    return SiteConfigs.for_rules()


def site_configs_for(paths: Iterable[str | os.PathLike[str]] = (), bundled: bool = True) -> SiteConfigs:
    """The site configs a cleaner with these rule paths uses: the bundled snapshot (unless left
    out) and every checkout among the paths. Nothing is read until a host is looked up."""
    checkouts = [p for p in paths if looks_like_checkout(p)]
    if not checkouts:
        return bundled_configs() if bundled else SiteConfigs([])
    return SiteConfigs.for_rules(checkouts, bundled)
