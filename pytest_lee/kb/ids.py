"""REF IDs of the lessons knowledge base: parsing, finding in text, resolving short IDs.

Two generations of the knowledge base name the same lesson differently: combined files
declare full IDs (``**REF:** NM06-LESS-09``), single-entry files declare short ones
(``# LESS-09: Title``) whose family (``NM06``) comes from the file name. A short ID
mentioned anywhere (``BUG-03``, ``DEC-05``) resolves through the family that declares that
kind of ID somewhere in the knowledge base — LESS in NM06, DEC in NM04 — so the linter
needs the whole knowledge base before it can judge any one mention.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

__all__ = [
    "WELL_FORMED",
    "Declaration",
    "IdIndex",
    "RefId",
    "Resolution",
    "expand_ranges",
    "family_of_name",
    "find_ids",
    "is_well_formed",
    "parse_id",
]

# A mention: optional family, a kind of two or more capitals (one hyphenated part allowed,
# as CACHE-DEP), and one or more two/three-digit numbers (``LESS-34-38-42`` names three).
_MENTION = re.compile(
    r"(?<![A-Za-z0-9-])(?:(NM\d{2})-)?([A-Z][A-Z]+(?:-[A-Z]{2,})?)-(\d{2,3}(?:-\d{2,3})*)(?![A-Za-z0-9])"
)
# The one shape a declared REF may take: NMdd-KIND-NN (NN two or three digits).
WELL_FORMED = re.compile(r"^NM\d{2}-[A-Z]+(?:-[A-Z]+)?-\d{2,3}$")
_SHORT_WELL_FORMED = re.compile(r"^[A-Z]+(?:-[A-Z]+)?-\d{2,3}$")
_RANGE = re.compile(
    r"((?:NM\d{2}-)?[A-Z][A-Z]+-)(\d{2,3})\s*(?:through|to|thru|\.\.|–|—|-)\s*(?:(?:NM\d{2}-)?[A-Z][A-Z]+-)?(\d{2,3})\b"
)
_FAMILY_OF_NAME = re.compile(r"^(NM\d{2})(?![0-9])")


@dataclass(frozen=True, order=True)
class RefId:
    """One lesson ID. ``family`` is ``"NM06"`` or None for a short ID not yet resolved;
    ``kind`` is ``"LESS"``; ``number`` is the digits as written (``"09"``)."""

    family: str | None
    kind: str
    number: str

    @property
    def short(self) -> str:
        return f"{self.kind}-{self.number}" if self.number else self.kind

    @property
    def full(self) -> str:
        """``NM06-LESS-09``, or the short form when the family is unknown."""
        return f"{self.family}-{self.short}" if self.family else self.short

    def with_family(self, family: str | None) -> RefId:
        return RefId(family, self.kind, self.number)

    def __str__(self) -> str:
        return self.full


def family_of_name(name: str) -> str | None:
    """The family a file name gives its short IDs: ``NM06-Lessons-Operations_LESS-09.md`` → NM06."""
    match = _FAMILY_OF_NAME.match(name)
    return match.group(1) if match else None


def parse_id(text: str) -> RefId | None:
    """Parse one ID written alone (``NM06-LESS-09``, ``LESS-09``); None if it is not one."""
    text = text.strip()
    match = _MENTION.fullmatch(text)
    if match is None or "-" in match.group(3):
        return None
    return RefId(match.group(1), match.group(2), match.group(3))


def find_ids(text: str) -> Iterator[tuple[RefId, int, str]]:
    """Every ID mentioned in ``text``: (id, offset of the mention, mention as written).

    A combined mention (``LESS-34-38-42``) yields one ID per number, all at its offset.
    """
    for match in _MENTION.finditer(text):
        family, kind = match.group(1), match.group(2)
        for number in match.group(3).split("-"):
            yield RefId(family, kind, number), match.start(), match.group(0)


def expand_ranges(text: str) -> list[RefId]:
    """IDs a statistics line lists, with ranges spelled out: ``NM06-BUG-01 through
    NM06-BUG-04`` is four IDs. Other IDs are taken as they stand."""
    ids: list[RefId] = []
    consumed: list[tuple[int, int]] = []
    for match in _RANGE.finditer(text):
        prefix, low, high = match.group(1), match.group(2), match.group(3)
        first = parse_id(prefix + low)
        if first is None or int(high) < int(low) or int(high) - int(low) > 500:
            continue
        width = len(low)
        ids.extend(
            RefId(first.family, first.kind, str(n).zfill(width))
            for n in range(int(low), int(high) + 1)
        )
        consumed.append(match.span())
    for ref, offset, _ in find_ids(text):
        if not any(start <= offset < end for start, end in consumed):
            ids.append(ref)
    return ids


@dataclass(frozen=True)
class Declaration:
    """Where an ID is declared: the file (as displayed), the line, and whether it is the
    entry's own REF (``alias=False``) or a combined one (``NM06-LESS-27 (combined with
    LESS-39)`` declares LESS-39 as an alias of the same entry)."""

    ref: RefId
    path: str
    line: int
    alias: bool = False


@dataclass(frozen=True)
class Resolution:
    """The outcome of resolving a mention. ``full`` is the resolved full ID (for an unknown
    ID, the best guess of what it would be called); ``candidates`` lists the full IDs an
    ambiguous short ID could mean."""

    written: str
    full: str | None
    declared: bool
    candidates: tuple[str, ...] = ()

    @property
    def status(self) -> str:
        """``declared``, ``ambiguous`` or ``unknown``."""
        if self.declared:
            return "declared"
        return "ambiguous" if len(self.candidates) > 1 else "unknown"


@dataclass
class IdIndex:
    """Every declaration of the knowledge base, and which families declare which kinds."""

    declared: dict[str, list[Declaration]] = field(default_factory=dict)
    families_by_kind: dict[str, set[str]] = field(default_factory=dict)

    @classmethod
    def build(cls, declarations: Iterable[Declaration]) -> IdIndex:
        index = cls()
        for declaration in declarations:
            index.add(declaration)
        return index

    def add(self, declaration: Declaration) -> None:
        ref = declaration.ref
        self.declared.setdefault(ref.full, []).append(declaration)
        if ref.family:
            self.families_by_kind.setdefault(ref.kind, set()).add(ref.family)

    def resolve(self, ref: RefId | str, context_family: str | None = None) -> Resolution:
        """Resolve a full or short ID. A short ID resolves through the families that declare
        exactly that ID; with several, the mentioning file's own family wins, else it is
        ambiguous. An undeclared short ID is given the family that declares its kind (or
        the file's own) so the message can name what it would be called."""
        if isinstance(ref, str):
            parsed = parse_id(ref)
            if parsed is None:
                return Resolution(ref, None, False)
            ref = parsed
        written = ref.full
        if ref.family:
            return Resolution(written, ref.full, ref.full in self.declared)
        families = sorted(self.families_by_kind.get(ref.kind, ()))
        candidates = tuple(
            f"{family}-{ref.short}"
            for family in families
            if f"{family}-{ref.short}" in self.declared
        )
        if (
            not candidates and ref.short in self.declared
        ):  # declared short, in a file whose name gives no family
            candidates = (ref.short,)
        if len(candidates) == 1:
            return Resolution(written, candidates[0], True)
        if len(candidates) > 1:
            own = f"{context_family}-{ref.short}" if context_family else None
            if own in candidates:
                return Resolution(written, own, True)
            return Resolution(written, None, False, candidates)
        guess = families[0] if len(families) == 1 else context_family
        return Resolution(written, ref.with_family(guess).full, False)

    def declarations(self, full: str) -> list[Declaration]:
        return self.declared.get(full, [])


def is_well_formed(text: str, *, short_allowed: bool = False) -> bool:
    """True if ``text`` is a REF as the knowledge base should write it."""
    if WELL_FORMED.match(text):
        return True
    return short_allowed and bool(_SHORT_WELL_FORMED.match(text))
