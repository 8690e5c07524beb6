"""Which changed files must ship together: inclusion-minimal groups, found in few trees.

A set S of changed files *ships clean* when the baseline with S swapped in breaks
nothing that neither end breaks (:func:`attribution.regressions`). A file that
ships clean alone is safe alone. For a file f that does not, its groups are the
inclusion-minimal sets G ∋ f that ship clean: dropping any member of G other than
files that are themselves safe alone brings a new failure back. The complete
change set always ships clean (its own failures are subtracted), so every file
has a group — "breaks even with every changed file" cannot happen.

Why it stays tractable on a 50-file change set (2^49 subsets per file):

1. one tree per changed file (plus both ends), in parallel; files present only in
   the baseline are removed in one tree, then singly only when that tree fails;
2. a file that fails alone grows by the files its failures *name* (attribution),
   which is one or two trees in practice; each named file is then left out once,
   side by side (they are nearly always all needed);
3. when the failures name no other changed file, the group is cut out of the
   whole change set by bisection (QuickXplain: O(k log n) trees for k partners);
4. a group of up to four partners is checked exactly (every smaller subset), a
   larger one is checked one member at a time; each partner p is asked once for
   an alternative (is there a clean set for f without p?), one tree each.

Every tree is memoised by its file set, so the steps share work.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from pytest_lee.deploy_groups.attribution import named_files, regressions
from pytest_lee.deploy_groups.treecheck import CallResult

_EXACT = 4  # partners up to which minimality is checked over every subset
_SIDE_BY_SIDE = 16  # candidates up to which each is left out in parallel before bisecting


class Oracle(Protocol):
    """Checks the baseline with a set of changed files swapped in (memoised, thread-safe)."""

    def prefetch(self, sets: Collection[frozenset[str]]) -> None:
        """Check these sets, in parallel where it can."""

    def results(self, files: frozenset[str]) -> Sequence[CallResult]:
        """The call-site results of the baseline with *files* swapped in."""


@dataclass(frozen=True)
class Group:
    files: tuple[str, ...]  # the anchor (a file that cannot ship alone) first
    ties: tuple[tuple[str, CallResult], ...]  # (member, the new failure once it is left out)
    exact: bool  # minimality checked over every subset (else one member at a time)


@dataclass
class Search:
    changed: tuple[str, ...]
    groups: list[Group] = field(default_factory=list)
    safe_alone: dict[str, str] = field(default_factory=dict)  # file → how it was checked
    fail_alone: list[str] = field(default_factory=list)
    alternatives: dict[str, list[tuple[str, ...]]] = field(default_factory=dict)
    base: Sequence[CallResult] = ()
    full: Sequence[CallResult] = ()


class _Judge:
    """Regressions of file sets, against both ends, over the oracle."""

    def __init__(self, oracle: Oracle, changed: Sequence[str]) -> None:
        self.oracle = oracle
        self.everything = frozenset(changed)
        oracle.prefetch([frozenset(), self.everything])
        self.base = oracle.results(frozenset())
        self.full = oracle.results(self.everything)

    def new(self, files: frozenset[str]) -> list[CallResult]:
        if files == self.everything:
            return []
        return regressions(self.oracle.results(files), self.base, self.full)

    def clean(self, files: frozenset[str]) -> bool:
        return not self.new(files)


def find_groups(
    changed: Sequence[str],
    oracle: Oracle,
    paths: Collection[str],
    *,
    removed: Collection[str] = (),
    map_parallel: Callable[[Callable[[str], Group], Sequence[str]], list[Group]] | None = None,
) -> Search:
    """Safe-alone files and groups of *changed*; *removed* are the files only the baseline has.

    *paths* are every file of either end (to resolve the modules a failure names);
    *map_parallel* runs the per-file searches concurrently (default: in turn).
    """
    search = Search(tuple(changed))
    if not changed:
        return search
    judge = _Judge(oracle, changed)
    search.base, search.full = judge.base, judge.full
    removed_set = set(removed) & set(changed)
    singles = [name for name in changed if name not in removed_set]
    oracle.prefetch([frozenset({name}) for name in singles] + _removed_batch(removed_set))
    suspects = list(singles)
    if removed_set:
        together = frozenset(removed_set)
        failures = judge.new(together)
        named = {f for r in failures for f in named_files(r, paths)} & removed_set
        if failures and not named:
            named = set(removed_set)  # the failure names none of them: check each alone
        for name in sorted(removed_set - named):
            search.safe_alone[name] = (
                "checked once with every file only the baseline has removed: nothing new breaks"
            )
        oracle.prefetch([frozenset({name}) for name in named])
        suspects += sorted(named)
    anchors = []
    for name in suspects:
        if judge.clean(frozenset({name})):
            search.safe_alone[name] = _safe_note(oracle.results(frozenset({name})))
        else:
            anchors.append(name)
    search.fail_alone = list(anchors)

    def one(anchor: str) -> Group:
        return _group_for(anchor, judge, changed, paths)

    found = map_parallel(one, anchors) if map_parallel else [one(a) for a in anchors]
    seen: dict[frozenset[str], Group] = {}
    oracle.prefetch(  # every "all but this partner" tree of the alternatives, side by side
        [
            judge.everything - {name}
            for group in found
            if len(group.files) - 1 <= _EXACT
            for name in group.files[1:]
        ]
    )
    for anchor, group in zip(anchors, found):
        seen.setdefault(frozenset(group.files), group)
        for other in _alternatives(anchor, group, judge, changed):
            seen.setdefault(frozenset(other.files), other)
            search.alternatives.setdefault(anchor, [group.files]).append(other.files)
    search.groups = list(seen.values())
    order = {name: index for index, name in enumerate(changed)}
    search.safe_alone = dict(sorted(search.safe_alone.items(), key=lambda item: order[item[0]]))
    return search


def _removed_batch(removed: set[str]) -> list[frozenset[str]]:
    return [frozenset(removed)] if removed else []


def _safe_note(results: Sequence[CallResult]) -> str:
    calls = sum(1 for r in results if r.call != "*")
    failing = sum(1 for r in results if r.status != "ok")
    note = f"checked: baseline + this file, {calls} call site{'s' if calls != 1 else ''}"
    if failing:
        return f"{note}; its {failing} failure{'s' if failing != 1 else ''} also fail at one end"
    return f"{note}, no failure"


def _group_for(anchor: str, judge: _Judge, changed: Sequence[str], paths: Collection[str]) -> Group:
    start = frozenset({anchor})
    grown: frozenset[str] | None = start
    for _ in range(len(changed)):
        assert grown is not None
        failures = judge.new(grown)
        if not failures:
            break
        named = {f for r in failures for f in named_files(r, paths)} & judge.everything
        if not named - grown:
            grown = None
            break
        grown |= named
    attributed = grown is not None and judge.clean(grown)
    if not attributed:
        grown = judge.everything
    assert grown is not None
    pool = sorted(grown - start, key=changed.index)
    if attributed or len(pool) <= _SIDE_BY_SIDE:
        # Leave each one out, side by side: the ones that cannot be left out stay for sure,
        # and bisection only runs over the rest. Files the failures named are nearly all
        # needed, so this is one parallel batch where bisection would cost O(k log n) trees
        # in turn (pull request 6's gateway split, 26 files: 25 trees, not over a hundred).
        judge.oracle.prefetch([grown - {name} for name in pool])
        needed = [name for name in pool if not judge.clean(grown - {name})]
        spare = [name for name in pool if name not in needed]
        partners = needed + _quickxplain(judge, start | frozenset(needed), spare)
    else:
        partners = _quickxplain(judge, start, pool)
    return _minimal(anchor, sorted(partners, key=changed.index), judge, changed)


def _quickxplain(judge: _Judge, base: frozenset[str], candidates: list[str]) -> list[str]:
    """A minimal subset X of *candidates* with ``base ∪ X`` clean (``base ∪ candidates`` is)."""

    def solve(background: frozenset[str], pool: list[str], added: bool) -> list[str]:
        if added and judge.clean(background):
            return []
        if len(pool) == 1:
            return pool
        half = len(pool) // 2
        first, second = pool[:half], pool[half:]
        judge.oracle.prefetch([background | frozenset(first), background | frozenset(second)])
        x2 = solve(background | frozenset(first), second, True)
        x1 = solve(background | frozenset(x2), first, bool(x2))
        return x1 + x2

    if not candidates or judge.clean(base):
        return []
    return solve(base, candidates, False)


def _minimal(anchor: str, partners: list[str], judge: _Judge, changed: Sequence[str]) -> Group:
    exact = len(partners) <= _EXACT
    if exact:
        subsets = [
            frozenset({anchor, *chosen})
            for size in range(len(partners))
            for chosen in itertools.combinations(partners, size)
        ]
        judge.oracle.prefetch(subsets)
        smaller = next((s for s in subsets if judge.clean(s)), None)
        if smaller is not None:
            partners = sorted(smaller - {anchor}, key=changed.index)
    else:
        judge.oracle.prefetch([frozenset({anchor, *partners}) - {p} for p in partners])
        for partner in list(partners):
            if judge.clean(frozenset({anchor, *partners}) - {partner}):
                partners.remove(partner)
    members = frozenset({anchor, *partners})
    judge.oracle.prefetch([members - {p} for p in partners])
    ties = [(anchor, judge.new(frozenset({anchor}))[0])]
    for partner in partners:
        failures = judge.new(members - {partner})
        if failures:
            ties.append((partner, failures[0]))
    return Group((anchor, *sorted(partners, key=changed.index)), tuple(ties), exact)


def _alternatives(anchor: str, group: Group, judge: _Judge, changed: Sequence[str]) -> list[Group]:
    """Other minimal groups for *anchor*: one per partner it can do without."""
    if len(group.files) - 1 > _EXACT:
        return []
    found = []
    partners = [name for name in group.files if name != anchor]
    for partner in partners:
        rest = judge.everything - {partner}
        if judge.clean(rest):
            pool = sorted(rest - {anchor}, key=changed.index)
            others = _quickxplain(judge, frozenset({anchor}), pool)
            alternative = _minimal(anchor, others, judge, changed)
            if set(alternative.files) != set(group.files):
                found.append(alternative)
    return found
