"""``difflib.get_close_matches(word, names, n=1, cutoff)``, the same answer, for many words.

``index-route`` suggests the nearest file name for every missing target: on the real
knowledge base a hundred targets against four hundred names, and difflib's
``quick_ratio`` counts every name's characters again for every target (a fifth of the
whole lint). Here the names are counted once, as one column of counts per character
(a byte per name), so a word's ``quick_ratio`` against every name is a few
``bytes.translate`` calls and big-integer additions; then ``ratio`` runs on the names
best bound first, only while one could still win. The answer is difflib's: the highest
``(ratio, name)`` with ratio at least ``cutoff``.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from difflib import SequenceMatcher
from functools import lru_cache

__all__ = ["Closest"]


@lru_cache(maxsize=256)
def _capped(limit: int) -> bytes:
    """A ``bytes.translate`` table turning each count into ``min(count, limit)``."""
    return bytes(min(count, limit) for count in range(256))


class Closest:
    """The names to suggest from, counted once."""

    def __init__(self, names: Sequence[str]) -> None:
        self._names = list(names)
        self._lengths = [len(name) for name in self._names]
        # a byte per name holds any count, and the sum over characters (its length) too
        self._packed = all(length < 256 for length in self._lengths)
        columns: dict[str, bytearray] = {}
        counts: list[dict[str, int]] = []
        for position, name in enumerate(self._names):
            found = dict(Counter(name))
            if not self._packed:
                counts.append(found)
                continue
            for character, count in found.items():
                column = columns.get(character)
                if column is None:
                    column = columns[character] = bytearray(len(self._names))
                column[position] = count
        self._columns = {character: bytes(column) for character, column in columns.items()}
        self._counts = counts

    def _matches(self, word: str) -> list[int]:
        """For each name, the characters it shares with ``word`` counting repeats (what
        ``quick_ratio`` counts): the sum over characters of the smaller count."""
        wanted = Counter(word)
        if not self._packed:
            return [
                sum(min(count, wanted[c]) for c, count in found.items() if c in wanted)
                for found in self._counts
            ]
        total = 0
        for character, count in wanted.items():
            column = self._columns.get(character)
            if column is not None:  # fields of a byte never carry: each sum is <= 255
                total += int.from_bytes(column.translate(_capped(min(count, 255))), "big")
        return list(total.to_bytes(len(self._names), "big"))

    def match(self, word: str, cutoff: float = 0.6) -> str | None:
        """The name ``difflib.get_close_matches(word, names, n=1, cutoff=cutoff)`` returns."""
        size = len(word)
        bounds = []
        for name, length, shared in zip(self._names, self._lengths, self._matches(word)):
            total = length + size
            quick = 2.0 * shared / total if total else 1.0  # difflib's formula: same floats
            if quick >= cutoff:  # (then real_quick_ratio, which bounds it, is too)
                bounds.append((quick, name))
        bounds.sort(reverse=True)
        matcher = SequenceMatcher()
        matcher.set_seq2(word)
        best: tuple[float, str] | None = None
        for quick, name in bounds:
            if best is not None and quick < best[0]:
                break  # ratio <= quick_ratio: no later name can reach the best
            matcher.set_seq1(name)
            score = matcher.ratio()
            if score >= cutoff and (best is None or (score, name) > best):
                best = (score, name)
        return best[1] if best is not None else None
