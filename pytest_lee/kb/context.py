"""What every rule sees: the parsed knowledge base, its IDs, its checklist items, the tests'
claims on them, and the waivers — built once per run by ``build_context``.

Enforcement is computed here rather than in the two ``*-unenforced`` rules because the
summary, ``test-unknown-ref`` and ``lee-kb matrix`` all need the same answer.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from fnmatch import fnmatchcase
from functools import lru_cache
from pathlib import Path

from pytest_lee.kb.config import KbConfig, Waiver
from pytest_lee.kb.ids import Declaration, IdIndex, parse_id
from pytest_lee.kb.model import ChecklistItem, Document, Entry
from pytest_lee.kb.tests_index import TestIndex, TestRef

_NOT_WORD = re.compile(r"[\W_]+")

__all__ = ["Claim", "Context", "Finding", "ItemRef", "build_context", "normalise"]


@dataclass(frozen=True, slots=True)
class Finding:
    """One problem. ``severity`` is filled from the rule's configured level unless the rule
    sets it (``related-unknown`` gives external IDs ``info``)."""

    rule: str
    path: str
    line: int
    message: str
    severity: str | None = None
    column: int = 1


@dataclass(frozen=True, slots=True)
class ItemRef:
    """A checklist item with where it lives: ``owner`` is the entry key or the file stem."""

    owner: str
    item: ChecklistItem
    document: Document


@dataclass(frozen=True)
class Claim:
    """A test mark resolved: the owner key it names (None if unresolved) and the problem."""

    test: TestRef
    owner: str | None
    problem: str | None = None
    rule: str = "test-unknown-ref"  # or ``ref-ambiguous``: a stem that several files share


@dataclass
class Context:
    """Everything the rules read. ``owners`` maps an entry key (aliases included) or a file
    stem to its checklist items; ``enforced``/``waived`` hold entry keys and
    ``(owner, normalised item)`` pairs; ``claims`` the tests' resolved marks."""

    config: KbConfig
    documents: list[Document]
    tests: TestIndex
    ids: IdIndex = field(default_factory=IdIndex)
    entries: dict[str, list[tuple[Document, Entry]]] = field(default_factory=dict)
    stems: dict[str, list[Document]] = field(default_factory=dict)
    owners: dict[str, list[ItemRef]] = field(default_factory=dict)
    claims: list[Claim] = field(default_factory=list)
    item_problems: list[tuple[TestRef, str]] = field(default_factory=list)
    enforced: dict[object, list[TestRef]] = field(default_factory=dict)
    waived: dict[object, str] = field(default_factory=dict)
    waiver_problems: list[tuple[Waiver, str]] = field(default_factory=list)
    base: Path | None = None

    def is_external(self, *names: str | None) -> bool:
        return any(
            name and fnmatchcase(name, pattern)
            for name in names
            for pattern in self.config.external
        )

    def file_owner(self, document: Document) -> str:
        """The name tests give a checklist outside any entry: the file's stem, or — when
        several files share it (``README``) — its path (``sig/README.md``)."""
        stem = document.stem
        return stem if len(self.stems.get(stem, ())) <= 1 else document.display

    def ambiguous_stem(self, name: str) -> list[Document]:
        """The files a bare stem names when it names several (else [])."""
        found = self.stems.get(name.strip(), [])
        return found if len(found) > 1 else []

    def resolve_owner(
        self, name: str, context_family: str | None = None
    ) -> tuple[str | None, str | None]:
        """An ID, a file stem or a file path a test or waiver names → (owner key, problem)."""
        name = name.strip()
        if name in self.stems:
            files = self.stems[name]
            if len(files) == 1:
                return name, None
            return None, _ambiguous(name, files)
        if name.lower().endswith((".md", ".markdown")) or "/" in name:
            wanted = name.removeprefix("./")
            files = [
                d for d in self.documents if d.display == wanted or d.display.endswith("/" + wanted)
            ]
            if len(files) == 1:
                return self.file_owner(files[0]), None
            if files:
                return None, _ambiguous(name, files)
            hint = _suggest(wanted, [d.display for d in self.documents])
            return None, f"'{name}', which is no file of the knowledge base{hint}"
        ref = parse_id(name)
        if ref is None:
            hint = _suggest(name, [*self.entries, *self.stems])
            return (
                None,
                f"'{name}', which is neither a lesson ID nor the stem of a knowledge-base file{hint}",
            )
        resolution = self.ids.resolve(ref, context_family)
        if resolution.status == "ambiguous":
            return (
                None,
                f"'{name}', which is ambiguous: {' or '.join(resolution.candidates)}; write the full ID",
            )
        if resolution.full is None or resolution.full not in self.entries:
            hint = _suggest(resolution.full or name, list(self.entries))
            return None, f"'{name}', which is declared nowhere in the knowledge base{hint}"
        return self.canonical(resolution.full), None

    def canonical(self, key: str) -> str:
        """An alias (LESS-39 of ``NM06-LESS-27 (combined with LESS-39)``) → its entry's key."""
        found = self.entries.get(key)
        return found[0][1].key if found else key


@lru_cache(maxsize=4096)
def normalise(text: str) -> str:
    """Item names compared as words: case, whitespace, emoji and punctuation ignored
    (``"✅ Cold-start timing logged!"`` and ``"cold start timing logged"`` are one name)."""
    if not text.isascii():
        text = unicodedata.normalize("NFKC", text)
    return " ".join(_NOT_WORD.sub(" ", text.casefold()).split())


def build_context(
    config: KbConfig, documents: list[Document], tests: TestIndex, *, base: Path | None = None
) -> Context:
    """Index ``documents`` and resolve the tests' marks and the waivers against them;
    ``base`` is the directory finding paths are relative to (default: the config root)."""
    context = Context(config=config, documents=documents, tests=tests, base=base or config.root)
    declarations = []
    for document in documents:
        context.stems.setdefault(document.stem, []).append(document)
    for document in documents:
        for entry in document.entries:
            if not entry.valid:  # a placeholder declares nothing (ref-format reports it)
                continue
            for ref, alias in ((entry.ref, False), *((a, True) for a in entry.aliases)):
                declarations.append(Declaration(ref, document.display, entry.line, alias))
                context.entries.setdefault(ref.full, []).append((document, entry))
        for checklist in document.checklists:
            owner = checklist.owner or context.file_owner(document)
            for item in checklist.items:
                context.owners.setdefault(owner, []).append(ItemRef(owner, item, document))
    context.ids = IdIndex.build(declarations)
    _claims(context)
    _waivers(context)
    return context


def _claims(context: Context) -> None:
    for test in context.tests.refs:
        owner, problem = context.resolve_owner(test.ref)
        rule = "ref-ambiguous" if problem and _is_ambiguous_name(context, test.ref) else None
        context.claims.append(Claim(test, owner, problem, rule or "test-unknown-ref"))
        if owner is None:
            continue
        context.enforced.setdefault(owner, []).append(test)
        items = context.owners.get(owner, [])
        names = {normalise(i.item.text): i for i in items}
        for name in test.items:
            key = normalise(name)
            if key in names:
                context.enforced.setdefault((owner, key), []).append(test)
            else:
                context.item_problems.append((test, _unknown_item(name, owner, items)))


def _is_ambiguous_name(context: Context, name: str) -> bool:
    name = name.strip()
    if context.ambiguous_stem(name):
        return True
    wanted = name.removeprefix("./")
    if not (wanted.lower().endswith((".md", ".markdown")) or "/" in wanted):
        return False
    hits = [d for d in context.documents if d.display == wanted or d.display.endswith("/" + wanted)]
    return len(hits) > 1


def _waivers(context: Context) -> None:
    for document in context.documents:
        for entry in document.entries:
            if entry.waiver:
                context.waived.setdefault(entry.key, entry.waiver)
    for owner, items in context.owners.items():
        for ref in items:
            if ref.item.waiver:
                context.waived.setdefault((owner, normalise(ref.item.text)), ref.item.waiver)
    for waiver in context.config.waivers:
        waiver_owner, problem = context.resolve_owner(waiver.ref)
        if waiver_owner is None:
            context.waiver_problems.append((waiver, f"waiver names {problem}"))
            continue
        owner = waiver_owner
        if not waiver.items:
            context.waived.setdefault(owner, waiver.reason)
        items = context.owners.get(owner, [])
        names = {normalise(i.item.text) for i in items}
        for name in waiver.items:
            key = normalise(name)
            if key in names:
                context.waived.setdefault((owner, key), waiver.reason)
            else:
                context.waiver_problems.append(
                    (waiver, "waiver " + _unknown_item(name, owner, items))
                )


def _unknown_item(name: str, owner: str, items: Iterable[ItemRef]) -> str:
    texts = {normalise(i.item.text): i.item.text for i in items}
    if not texts:
        return f"names item '{name}' of {owner}, which has no checklist items"
    close = difflib.get_close_matches(normalise(name), list(texts), n=1, cutoff=0.5)
    hint = f"; did you mean '{texts[close[0]]}'?" if close else ""
    return f"names item '{name}', which no checklist of {owner} has{hint}"


def _ambiguous(name: str, files: list[Document]) -> str:
    shown = ", ".join(sorted(d.display for d in files)[:5])
    more = f" and {len(files) - 5} more" if len(files) > 5 else ""
    example = sorted(d.display for d in files)[0]
    return (
        f"'{name}', which {len(files)} files share ({shown}{more}); "
        f"name the file: lee_ref({example!r}, …)"
    )


def _suggest(name: str, known: list[str]) -> str:
    close = difflib.get_close_matches(name, known, n=1, cutoff=0.6)
    return f"; did you mean '{close[0]}'?" if close else ""
