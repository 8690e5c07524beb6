"""What a mixed tree breaks, and which files a failure names.

A mixed tree (the baseline with some changed files swapped in) is judged only by
what it breaks that *neither* end breaks: a call site failing in the baseline
is production's old problem, one failing in the complete new tree ships whatever
the order — neither is the fault of shipping a file alone. Comparison is per call
site; a key that fails as a whole (its router does not import) fails every call
site of that key, and a registry that does not load fails every key, so a key
broken at the baseline never makes its call sites look newly broken in a mixed
tree. ``inconclusive`` counts as broken here: a call that bound at both ends and
stops before any handler in a mixed tree (an operation the old router does not
dispatch) is exactly a partial-deployment break.

Attribution reads the files a failure names — both ends of a failed call, an
``ImportError`` naming a module, a ``(at file.py:12)`` frame, a leaf
``module.function`` — so the search adds the right partner instead of guessing.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Mapping, Sequence

from pytest_lee.contracts.treecheck import CallResult, Identity

BROKEN = frozenset({"fail", "inconclusive"})

_MODULE_PATTERNS = (
    re.compile(r"No module named '([\w.]+)'"),
    re.compile(r"cannot import name '\w+' from '([\w.]+)'"),
    re.compile(r"module '([\w.]+)' (?:does not import|has no attribute|has no function)"),
    re.compile(r"`([\w.]+)`"),
    re.compile(r"\bfrom `?([\w.]+)`?"),
    re.compile(r"'([\w.]+)' for \w+"),
)
_FILE = re.compile(r"([\w./-]+\.py)\b")


def _sites(trees: Iterable[Sequence[CallResult]]) -> dict[tuple[str, str], set[str]]:
    """(registry, key) → every call-site description seen for it in any of *trees*."""
    sites: dict[tuple[str, str], set[str]] = {}
    for results in trees:
        for result in results:
            sites.setdefault((result.registry, result.key), set()).add(result.call)
    return sites


def broken(
    results: Sequence[CallResult], sites: Mapping[tuple[str, str], set[str]]
) -> dict[Identity, CallResult]:
    """Every call-site identity *results* break, whole-key and whole-registry failures expanded."""
    found: dict[Identity, CallResult] = {}
    for result in results:
        if result.status not in BROKEN:
            continue
        found.setdefault(result.identity, result)
        if result.call != "*":
            continue
        for (registry, key), calls in sites.items():
            if result.registry not in ("*", registry):
                continue
            if result.key not in ("*", key):
                continue
            for call in calls:
                found.setdefault((registry, key, call), result)
            found.setdefault((registry, key, "*"), result)
    return found


def regressions(
    tree: Sequence[CallResult], base: Sequence[CallResult], full: Sequence[CallResult]
) -> list[CallResult]:
    """The failures of *tree* that neither the baseline (*base*) nor the new tree (*full*) has."""
    sites = _sites((tree, base, full))
    before, after = broken(base, sites), broken(full, sites)
    new: dict[CallResult, None] = {}
    for identity, result in broken(tree, sites).items():
        if identity not in before and identity not in after:
            new.setdefault(result, None)
    return list(new)


def module_file(module: str, paths: Collection[str]) -> str | None:
    """The file of a dotted module name among *paths* (``a.b`` → ``a/b.py`` or ``a/b/__init__.py``)."""
    stem = module.replace(".", "/")
    for candidate in (f"{stem}.py", f"{stem}/__init__.py"):
        if candidate in paths:
            return candidate
    return None


def named_files(result: CallResult, paths: Collection[str]) -> set[str]:
    """The files among *paths* that *result* names: its own files, frames, modules it mentions."""
    text = f"{result.message}\n{result.cause}\n{result.origin}"
    named = {name for name in result.files if name in paths}
    named |= {match for match in _FILE.findall(text) if match in paths}
    for pattern in _MODULE_PATTERNS:
        for dotted in pattern.findall(text):
            parts = dotted.split(".")
            for end in range(len(parts), 0, -1):  # `cache_core.f` names cache_core
                found = module_file(".".join(parts[:end]), paths)
                if found is not None:
                    named.add(found)
                    break
    return named
