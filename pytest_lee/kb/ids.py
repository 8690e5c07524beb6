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
from functools import lru_cache

__all__ = [
    "DEFAULT_ID_PATTERN",
    "DEFAULT_SYNTAX",
    "WELL_FORMED",
    "Declaration",
    "IdIndex",
    "IdSyntax",
    "RefId",
    "Resolution",
    "expand_ranges",
    "family_of_name",
    "find_ids",
    "is_well_formed",
    "parse_id",
    "split_id",
]

# A family is the leading ``NM06``/``NMP01``-like segment of a full ID (letters, then two
# digits); a kind is one to four capitalised segments (``LESS``, ``CACHE-DEP``,
# ``LANG-PY``, ``SUGA-ISP-LAM``); a number is two or three digits, and a combined mention
# (``LESS-34-38-42``) names several.
_FAM = r"[A-Z]{2,4}\d{2}[A-Z]?"
# (``E2E``: a digit between letters is part of a kind; ``NM06`` stays a family)
_KIND = r"(?:[A-Z]{2,}|[A-Z]\d[A-Z]+)(?:-[A-Z]{2,}){0,3}"
# (``(?=[A-Z])`` first: most positions of prose fail there, twice as fast as the lookbehind)
_MENTION = re.compile(
    rf"(?=[A-Z])(?<![A-Za-z0-9-])(?:({_FAM})-)?({_KIND})-(\d{{2,3}}(?:-\d{{2,3}})*)(?![A-Za-z0-9])"
)
# An ID without a number (``NM02-CACHE-DEP``, ``ARCH-DD``): a kind of two or more segments.
# Text is full of such words (``SUGA-ISP``, ``HTTP-CLIENT``), so a mention of one counts only
# where the knowledge base declares it (see ``RefId.named``).
_NAMED = re.compile(
    rf"(?=[A-Z])(?<![A-Za-z0-9-])(?:({_FAM})-)?([A-Z]{{2,}}(?:-[A-Z]{{2,}}){{1,3}})(?![A-Za-z0-9]|-[A-Za-z0-9])"
)
# Both in one pass: a numbered mention, or (group 3 empty) an ID without a number.
_ANY = re.compile(
    rf"(?=[A-Z])(?<![A-Za-z0-9-])(?:({_FAM})-)?({_KIND})(?:-(\d{{2,3}}(?:-\d{{2,3}})*))?"
    r"(?(3)(?![A-Za-z0-9])|(?![A-Za-z0-9]|-[A-Za-z0-9]))"
)
# Placeholders a template or a draft leaves where the number goes.
_PLACEHOLDER = r"(?!(?:.*-)?(?:X{2,}|N{2,}|NEW|TBD|TODO|ID)(?:-|$))"
# The built-in ``id_pattern``: every generation of the SIMA knowledge base.
DEFAULT_ID_PATTERN = (
    rf"^{_PLACEHOLDER}(?:{_FAM}-)?(?:{_KIND}-\d{{2,3}}|[A-Z]{{2,}}(?:-[A-Z]{{2,}}){{1,3}})$"
)
WELL_FORMED = re.compile(DEFAULT_ID_PATTERN)
_SPLIT = re.compile(rf"^(?:({_FAM})-)?(.+?)(?:-(\d+))?$")
_RANGE = re.compile(
    rf"((?:{_FAM}-)?{_KIND}-)(\d{{2,3}})\s*(?:through|to|thru|\.\.|–|—|-)\s*(?:(?:{_FAM}-)?{_KIND}-)?(\d{{2,3}})\b"
)
_FAMILY_OF_NAME = re.compile(rf"^({_FAM})(?![0-9])")


@dataclass(frozen=True, order=True, slots=True)
class RefId:
    """One lesson ID. ``family`` is ``"NM06"`` or None for a short ID not yet resolved;
    ``kind`` is ``"LESS"``; ``number`` is the digits as written (``"09"``)."""

    family: str | None
    kind: str
    number: str

    @property
    def named(self) -> bool:
        """An ID without a number (``NM02-CACHE-DEP``, ``ARCH-DD``)."""
        return not self.number

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


def parse_id(text: str, *, named: bool = False) -> RefId | None:
    """Parse one ID written alone (``NM06-LESS-09``, ``LESS-09``; with ``named``, also
    ``NM02-CACHE-DEP``); None if it is not one."""
    text = text.strip()
    match = _MENTION.fullmatch(text)
    if match is not None and "-" not in match.group(3):
        return RefId(match.group(1), match.group(2), match.group(3))
    if named and (match := _NAMED.fullmatch(text)) is not None:
        return RefId(match.group(1), match.group(2), "")
    return None


def split_id(text: str) -> RefId:
    """Any ID a configured ``id_pattern`` accepts, split into family, kind and number as
    far as its shape allows (``ADR-0012`` → kind ADR, number 0012)."""
    match = _SPLIT.match(text)
    assert match is not None  # the pattern matches any non-empty text
    return RefId(match.group(1), match.group(2), match.group(3) or "")


def find_ids(text: str, *, named: bool = False) -> Iterator[tuple[RefId, int, str]]:
    """Every ID mentioned in ``text``: (id, offset of the mention, mention as written).

    A combined mention (``LESS-34-38-42``) yields one ID per number, all at its offset.
    With ``named``, IDs without a number (``NM02-CACHE-DEP``) are yielded too.
    """
    if "-" not in text:  # most lines of prose: no generator, no regex
        return iter(())
    return _find_ids(text, named)


def _find_ids(text: str, named: bool) -> Iterator[tuple[RefId, int, str]]:
    for match in _ANY.finditer(text):
        family, kind, numbers = match.groups()
        if numbers:
            for number in numbers.split("-"):
                yield RefId(family, kind, number), match.start(), match.group(0)
        elif named and "-" in kind:
            yield RefId(family, kind, ""), match.start(), match.group(0)


@dataclass(frozen=True)
class IdSyntax:
    """What an ID looks like in this knowledge base: ``[tool.lee.kb] id_pattern`` (None:
    the built-in SIMA forms). ``valid`` judges a declared ID; ``find``/``parse`` read IDs in
    text — with a configured pattern, its matches (so an unseen convention is found too)."""

    pattern: str | None = None
    # where a file declares its entry's ID (``[tool.lee.kb] id_from``), and how an ID is
    # read from a file name (``filename_id``, named groups) and written (``filename_id_format``)
    id_from: tuple[str, ...] = ("field", "filename", "heading")
    filename_id: str = r"^(?P<id>[A-Z]+-\d+)"
    filename_id_format: str = "{id}"

    @property
    def compiled(self) -> re.Pattern[str]:
        return _compiled(self.pattern)

    def from_filename(self, name: str) -> str | None:
        """The ID a file name gives (``AP-05-Flat-File-Structure.md`` → ``AP-05``;
        ``0001-use-x.md`` → ``ADR-0001`` with ``filename_id_format = "ADR-{number}"``)."""
        if "filename" not in self.id_from:
            return None
        match = _compiled(self.filename_id).search(name)
        if match is None:
            return None
        try:
            written = self.filename_id_format.format(**match.groupdict(default=""))
        except (KeyError, IndexError, ValueError):
            return None
        return written if self.parse(written) is not None else None

    def valid(self, text: str) -> bool:
        return self.compiled.fullmatch(text) is not None

    def parse(self, text: str) -> RefId | None:
        """One ID written alone, numbered or not; None when it is not an ID at all."""
        text = text.strip()
        if self.pattern is None:
            return parse_id(text, named=True)
        return split_id(text) if self.valid(text) else parse_id(text, named=True)

    def find(self, text: str, *, named: bool = False) -> Iterator[tuple[RefId, int, str]]:
        if self.pattern is None:
            return find_ids(text, named=named)
        return self._find_configured(self.pattern, text, named)

    @staticmethod
    def _find_configured(pattern: str, text: str, named: bool) -> Iterator[tuple[RefId, int, str]]:
        seen = set()
        for match in _finder(pattern).finditer(text):
            seen.add(match.start())
            yield split_id(match.group(0)), match.start(), match.group(0)
        for ref, offset, written in find_ids(text, named=named):
            if offset not in seen:
                yield ref, offset, written


DEFAULT_SYNTAX = IdSyntax()


@lru_cache(maxsize=8)
def _compiled(pattern: str | None) -> re.Pattern[str]:
    return WELL_FORMED if pattern is None else re.compile(pattern)


@lru_cache(maxsize=8)
def _finder(pattern: str) -> re.Pattern[str]:
    """A configured whole-ID pattern as a finder: anchors dropped, word edges required."""
    body = pattern.removeprefix("^").removesuffix("$").removesuffix(r"\Z")
    return re.compile(rf"(?<![A-Za-z0-9-])(?:{body})(?![A-Za-z0-9])")


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
    kind_counts: dict[tuple[str, str], int] = field(default_factory=dict)  # (kind, family) → IDs
    tails: dict[str, list[str]] = field(default_factory=dict)  # "PY-05" → ["LANG-PY-05"]
    lettered: dict[str, list[str]] = field(
        default_factory=dict
    )  # "AWS-LESS-10" → ["AWS06-LESS-10"]

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
            key = (ref.kind, ref.family)
            self.kind_counts[key] = self.kind_counts.get(key, 0) + 1
        if ref.family and ref.number:  # AWS06-LESS-10 is also written AWS-LESS-10
            letters = ref.family.rstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ").rstrip("0123456789")
            self.lettered.setdefault(f"{letters}-{ref.short}", []).append(ref.full)
        if "-" in ref.kind and ref.number:  # LANG-PY-05 is also written PY-05
            tail = f"{ref.kind.rsplit('-', 1)[1]}-{ref.number}"
            self.tails.setdefault(tail, []).append(ref.full)

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
            home = self._home(ref.kind, candidates)
            if home is not None:
                return Resolution(written, home, True)
            return Resolution(written, None, False, candidates)
        lettered = sorted(set(self.lettered.get(ref.short, ())))
        if len(lettered) == 1:
            return Resolution(written, lettered[0], True)
        tails = sorted(set(self.tails.get(ref.short, ())))
        if len(tails) == 1:  # PY-05 for LANG-PY-05: the kind's last part names it
            return Resolution(written, tails[0], True)
        guess = families[0] if len(families) == 1 else context_family
        return Resolution(written, ref.with_family(guess).full, False)

    def _home(self, kind: str, candidates: tuple[str, ...]) -> str | None:
        """The candidate of the family that is home to ``kind``: it declares at least three
        times as many IDs of that kind as any other (LESS lives in NM06; a project file
        that numbers three lessons of its own does not make ``LESS-02`` ambiguous)."""
        counts = sorted(
            ((self.kind_counts.get((kind, c.split("-", 1)[0]), 0), c) for c in candidates),
            reverse=True,
        )
        if len(counts) > 1 and counts[0][0] >= 3 * max(counts[1][0], 1):
            return counts[0][1]
        return None

    def declarations(self, full: str) -> list[Declaration]:
        return self.declared.get(full, [])


def is_well_formed(text: str, *, short_allowed: bool = True) -> bool:
    """True if ``text`` is an ID as the built-in ``id_pattern`` accepts it (short IDs
    included: the newest layout declares ``GATE-01`` in files whose name gives no family)."""
    return WELL_FORMED.match(text) is not None and (short_allowed or text[:2] == "NM")
