#!/usr/bin/env python3
"""Rebuild the bundled snapshot of the FiveFilters site configs (cleaner/ftr/site-config.zip and its
list of file names, cleaner/ftr/site-config.hosts) from a checkout of ftr-site-config or an archive
of one (.tar.xz / .tar.gz / .zip).

    git clone https://github.com/fivefilters/ftr-site-config /tmp/ftr-site-config
    python tools/update_ftr_snapshot.py /tmp/ftr-site-config --commit $(git -C /tmp/ftr-site-config rev-parse --short HEAD)
    python tools/update_ftr_snapshot.py ../shared/data/ftr-site-config/ftr-site-config.tar.xz --commit e607dc1

The archive keeps every site config file (NAME.txt with a dot in NAME), the collection's LICENSE.txt
(CC0, public domain) and README.md, and a SNAPSHOT.txt naming where and when it was taken. It is
written byte for byte the same from the same files (sorted names, fixed times), so an update's diff
is the update.
"""
from __future__ import annotations

import argparse
import io
import sys
import tarfile
import zipfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from cleaner.ftr.collection import BUNDLED_ARCHIVE, BUNDLED_INDEX, is_site_config_name  # noqa: E402

KEPT_BESIDE = ("LICENSE.txt", "README.md")
FIXED_TIME = (2000, 1, 1, 0, 0, 0)


def read_files(source: Path) -> dict[str, bytes]:
    """File name -> bytes of every top-level file of the checkout or archive (one folder deep in an
    archive: the collection's own folder)."""
    files: dict[str, bytes] = {}
    if source.is_dir():
        for path in sorted(source.iterdir()):
            if path.is_file():
                files[path.name] = path.read_bytes()
        return files
    if zipfile.is_zipfile(source):
        with zipfile.ZipFile(source) as archive:
            for info in archive.infolist():
                name = info.filename.rstrip("/").split("/")[-1]
                if not info.is_dir() and info.filename.count("/") <= 1:
                    files[name] = archive.read(info)
        return files
    with tarfile.open(source) as archive:
        for member in archive.getmembers():
            parts = member.name.strip("./").split("/")
            if member.isfile() and len(parts) <= 2:
                files[parts[-1]] = archive.extractfile(member).read()
    return files


def write_snapshot(files: dict[str, bytes], origin: str, archive_path: Path, index_path: Path) -> int:
    configs = sorted(name for name in files if is_site_config_name(name))
    if not configs:
        raise SystemExit(f"no site config files (NAME.txt) in {origin}")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        note = (f"FiveFilters ftr-site-config, {origin}: {len(configs)} site config files.\n"
                "Released to the public domain by FiveFilters and the collection's contributors (CC0, LICENSE.txt).\n"
                "https://github.com/fivefilters/ftr-site-config\n")
        for name, data in [("SNAPSHOT.txt", note.encode())] + [(n, files[n]) for n in KEPT_BESIDE if n in files] \
                + [(n, files[n]) for n in configs]:
            info = zipfile.ZipInfo(name, FIXED_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, data)
    archive_path.write_bytes(buffer.getvalue())
    index_path.write_text("".join(name + "\n" for name in configs), encoding="utf-8")
    return len(configs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("source", type=Path, help="a checkout folder of ftr-site-config, or an archive of one")
    parser.add_argument("--commit", default="", help="the collection's commit the files are from (for SNAPSHOT.txt)")
    args = parser.parse_args()
    origin = f"commit {args.commit}" if args.commit else f"taken from {args.source.name}"
    count = write_snapshot(read_files(args.source), origin, BUNDLED_ARCHIVE, BUNDLED_INDEX)
    print(f"{count} site config files -> {BUNDLED_ARCHIVE} ({BUNDLED_ARCHIVE.stat().st_size:,} bytes), {BUNDLED_INDEX}")


if __name__ == "__main__":
    main()
