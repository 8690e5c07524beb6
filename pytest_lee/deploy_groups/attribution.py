"""What a mixed tree breaks, and which files a failure names.

A mixed tree (the baseline with some changed files swapped in) is judged only by
what it breaks that *neither* end breaks: a call site failing in the baseline
is production's old problem, one failing in the complete new tree ships whatever
the order — neither is the fault of shipping a file alone. Comparison is per call
site (the call as written, without its line or file: functions move between files); a key that fails as a whole (its router does not import) fails every call
site of that key, and a registry that does not load fails every key, so a key
broken at the baseline never makes its call sites look newly broken in a mixed
tree. An operation the router does not dispatch, or a parameter it requires
and does not get, is a ``fail`` naming both files (the call site and the
router). ``inconclusive`` counts as broken too: a call that the wiring accepted at
both ends and refuses in a mixed tree, even for a reason the checker cannot
pin on the call site, is a change only the partial deployment brings.

Attribution reads the files a failure names — both ends of a failed call, an
``ImportError`` naming a module, a ``(at file.py:12)`` frame, a leaf
``module.function`` — so the search adds the right partner instead of guessing.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Mapping, Sequence

from pytest_lee.deploy_groups.treecheck import CallResult, Identity

BROKEN = frozenset({"fail", "inconclusive"})

_MODULE_PATTERNS = (
    re.compile(r"No module named '([\w.]+)'"),
    re.compile(r"cannot import name '\w+' from '([\w.]+)'"),
    re.compile(r"\bmodule '([\w.]+)'"),  # does not import, did not finish importing, leaf module
    re.compile(r"`([\w.]+)`"),
    re.compile(r"\bfrom `?([\w.]+)`?"),
    re.compile(r"'([\w.]+)' for \w+"),
)
_FILE = re.compile(r"([\w./-]+\.py)\b")
_MIXED = re.compile(r".*/mix-\d+/(.+)$")  # a mixed tree's absolute path: the part inside it


Sites = Mapping[tuple[str, str], set[str]]


def call_sites(trees: Iterable[Sequence[CallResult]]) -> dict[tuple[str, str], set[str]]:
    """(registry, key) → every call (as written, without line or file) seen in any of *trees*."""
    sites: dict[tuple[str, str], set[str]] = {}
    for results in trees:
        for result in results:
            sites.setdefault((result.registry, result.key), set()).add(result.call)
    return sites


def broken(results: Sequence[CallResult], sites: Sites) -> dict[Identity, CallResult]:
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
    sites = call_sites((tree, base, full))
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
    for match in _FILE.findall(text):
        inside = _MIXED.search(match)
        relative = inside.group(1) if inside else match
        if relative in paths:
            named.add(relative)
    for pattern in _MODULE_PATTERNS:
        for dotted in pattern.findall(text):
            parts = dotted.split(".")
            for end in range(len(parts), 0, -1):  # `cache_core.f` names cache_core
                found = module_file(".".join(parts[:end]), paths)
                if found is not None:
                    named.add(found)
                    break
    return named
