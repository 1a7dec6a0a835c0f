"""Remember which strings a run has seen (document ids, output file names) in 8 bytes each.

A Python set of a million strings, or even of a million ints, costs 60-100 MB; a batch of
millions of documents must not grow like that. `SeenSet` keeps a 64-bit hash of each string: a
small set of recent hashes, merged now and then into one sorted array searched by bisection
(the set may grow to an eighth of the array, so merging costs a few passes over it in all).
Two different strings sharing a 64-bit hash is a one-in-10^19 event per pair.
"""
from __future__ import annotations

import hashlib
import heapq
from array import array
from bisect import bisect_left


def key64(text: str) -> int:
    return int.from_bytes(hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=8).digest(), "big")


class SeenSet:
    """`add` strings, ask `in`; about 8 bytes per string.

    >>> seen = SeenSet(recent_limit=2)
    >>> [seen.add(name) for name in ("a", "b", "c", "a")]
    [True, True, True, False]
    >>> "a" in seen, "c" in seen, "d" in seen, len(seen)
    (True, True, False, 3)
    """

    def __init__(self, recent_limit: int = 1 << 16):
        self._sorted = array("Q")
        self._recent: set[int] = set()
        self._recent_limit = recent_limit

    def __contains__(self, text: str) -> bool:
        return self._has(key64(text))

    def _has(self, key: int) -> bool:
        if key in self._recent:
            return True
        i = bisect_left(self._sorted, key)
        return i < len(self._sorted) and self._sorted[i] == key

    def add(self, text: str) -> bool:
        """Remember `text`; False when it was already there."""
        return self.add_key(key64(text))

    def add_key(self, key: int) -> bool:
        """Remember a string by its key64 (computed elsewhere: a cluster worker); False when it
        was already there."""
        if self._has(key):
            return False
        self._recent.add(key)
        if len(self._recent) >= max(self._recent_limit, len(self._sorted) // 8):
            # Streamed merge: no list of Python ints as large as the array is ever built.
            self._sorted = array("Q", heapq.merge(self._sorted, sorted(self._recent)))
            self._recent = set()
        return True

    def __len__(self) -> int:
        return len(self._sorted) + len(self._recent)
