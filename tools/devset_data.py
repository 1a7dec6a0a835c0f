"""Reading and scoring the development set, for the tools beside this file.

Scores are segment level, as ../shared/tools/devset.py computes them (that script is not
importable from the repository): an annotated article segment counts when it appears in the
output, whitespace normalised; a boilerplate segment counts against the output when it does.
"""
from __future__ import annotations

import re
import tarfile
from pathlib import Path


def norm(text: str | None) -> str:
    return re.sub(r"\s+", " ", text or "").strip()


def segment_scores(evaldata: dict, outputs: dict[str, str]) -> tuple[float, float, float]:
    """Precision, recall and F over all pages' annotated segments."""
    tp = fp = fn = 0
    for doc_id, segments in evaldata.items():
        out = norm(outputs.get(doc_id))
        for s in segments["with"]:
            if norm(s) in out:
                tp += 1
            else:
                fn += 1
        fp += sum(norm(s) in out for s in segments["without"])
    precision, recall = tp / max(1, tp + fp), tp / max(1, tp + fn)
    return precision, recall, 2 * precision * recall / max(1e-9, precision + recall)


def load_html(devset: Path) -> dict[str, bytes]:
    """The development set's HTML pages by file name (evaldata's "file")."""
    pages = {}
    with tarfile.open(devset / "pages.tar.xz") as archive:
        for member in archive:
            if member.isfile() and member.name.endswith(".html"):
                pages[Path(member.name).name] = archive.extractfile(member).read()
    return pages
