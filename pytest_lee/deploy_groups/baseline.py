"""``--lee-baseline REF``: simulate partial deployments and say which files must ship together.

The baseline is what production runs now: a git ref of the repository (its
``[tool.lee] source`` directory, read with ``git archive``), a directory (the
source tree itself, or a project tree that contains the source path) or a zip
(a Lambda package, unzipped safely). This module reads both ends and hands the
changed files to the group search (:mod:`groups`), which checks mixed trees
through :mod:`trees` (contracts per call site, plus the handler's imports) and
judges each one only by what neither end breaks (:mod:`attribution`);
:mod:`deploy_report` turns the search into the report. See docs/deploy-groups.md.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tarfile
import tempfile
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pytest_lee.deploy_groups.links import copy_filter, tar_link_problem, tree_files
from pytest_lee.errors import LeeError

if TYPE_CHECKING:
    from pytest_lee.deploy_groups.signatures import SignatureChange
    from pytest_lee.settings import Settings


class BaselineError(LeeError):
    """The baseline cannot be found or read; the message names it."""


@dataclass(frozen=True)
class Baseline:
    kind: str  # "git", "directory", "zip"
    ref: str
    path: Path | None = None
    commit: str | None = None
    repo: Path | None = None
    subdir: str = ""

    @property
    def label(self) -> str:
        if self.kind == "git":
            return f"{self.ref} (git {self.commit[:10] if self.commit else '?'})"
        return f"{self.ref} ({self.kind})"


def resolve_baseline(ref: str, settings: Settings, invocation_dir: Path) -> Baseline:
    """What *ref* is; under ``--lee-require-compatible`` also that some registry exists at an end."""
    baseline = _resolve(ref, settings, invocation_dir)
    if settings.options.require_compatible:
        _require_a_registry(baseline, settings)
    return baseline


def _require_a_registry(baseline: Baseline, settings: Settings) -> None:
    """A gate that checks nothing must not pass: a registry module missing at both ends is a usage error."""
    for contract in settings.contracts:
        module = contract.registry.partition(":")[0].replace(".", "/")
        candidates = (f"{module}.py", f"{module}/__init__.py")
        current = any((_source(settings) / name).is_file() for name in candidates)
        if current or any(_baseline_has(baseline, settings, name) for name in candidates):
            continue
        raise BaselineError(
            f"--lee-require-compatible: registry {contract.registry} exists neither in the baseline "
            f"{baseline.ref} nor in {_source(settings)} ({' or '.join(candidates)}), so no contract "
            "can be checked; fix [[tool.lee.contract]] registry"
        )


def _baseline_has(baseline: Baseline, settings: Settings, name: str) -> bool:
    if baseline.kind == "zip":
        import zipfile

        assert baseline.path is not None
        with zipfile.ZipFile(baseline.path) as archive:
            return name in archive.namelist()
    if baseline.kind == "git":
        assert baseline.repo is not None and baseline.commit is not None
        inner = f"{baseline.subdir}/{name}" if baseline.subdir else name
        return _git(baseline.repo, "cat-file", "-e", f"{baseline.commit}:{inner}") is not None
    assert baseline.path is not None
    return (_inner_dir(baseline.path, settings) / name).is_file() or (
        baseline.path / name
    ).is_file()


def _inner_dir(tree: Path, settings: Settings) -> Path:
    """Where the source directory sits inside a baseline *tree* (a copy of the project);
    the tree itself when the source is not under the rootdir."""
    try:
        return tree / _source(settings).resolve().relative_to(settings.rootdir.resolve())
    except ValueError:
        return tree


def _resolve(ref: str, settings: Settings, invocation_dir: Path) -> Baseline:
    """What *ref* is: an existing directory or zip (relative to where pytest ran), else a git ref."""
    for base in (invocation_dir, settings.rootdir):
        candidate = Path(base, ref)
        if candidate.is_dir():
            return Baseline("directory", ref, candidate.resolve())
        if candidate.is_file():
            import zipfile

            if not zipfile.is_zipfile(candidate):
                raise BaselineError(f"--lee-baseline {ref}: {candidate} is a file but not a zip")
            return Baseline("zip", ref, candidate.resolve())
    source = _source(settings)
    top = _git(settings.rootdir, "rev-parse", "--show-toplevel")
    if top is None:
        raise BaselineError(
            f"--lee-baseline {ref}: no such directory or zip, and {settings.rootdir} is not a git repository"
        )
    commit = _git(settings.rootdir, "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}")
    if commit is None:
        raise BaselineError(
            f"--lee-baseline {ref}: not a git ref of {top}, nor a directory or zip (expected e.g. a tag, "
            "a branch, HEAD~1, or a path)"
        )
    try:
        subdir = source.resolve().relative_to(Path(top).resolve()).as_posix()
    except ValueError:
        raise BaselineError(
            f"--lee-baseline {ref}: source {source} is outside the git repository {top}"
        ) from None
    return Baseline(
        "git", ref, commit=commit, repo=Path(top), subdir="" if subdir == "." else subdir
    )


def _source(settings: Settings) -> Path:
    return settings.code_root


def _git(cwd: Path, *args: str) -> str | None:
    try:
        # git reads the baseline ref: no user code runs, so not through the sandbox.
        done = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return done.stdout.strip() if done.returncode == 0 else None


def materialize(
    baseline: Baseline, settings: Settings, dest: Path, skipped: list[str] | None = None
) -> Path:
    """Write the baseline's source tree into *dest* and return it; *skipped* gets one
    line per symbolic link left out (absolute, leaving the tree, broken or looping)."""
    skipped = skipped if skipped is not None else []
    dest.mkdir(parents=True, exist_ok=True)
    if baseline.kind == "directory":
        assert baseline.path is not None
        inner = _inner_dir(baseline.path, settings)
        origin = inner if inner.is_dir() and inner != baseline.path else baseline.path
        shutil.copytree(origin, dest, dirs_exist_ok=True, ignore=copy_filter(origin, skipped))
    elif baseline.kind == "zip":
        from pytest_lee.errors import PackageError
        from pytest_lee.package import extract_package

        try:
            extract_package(baseline.path, dest)  # type: ignore[arg-type]
        except PackageError as error:
            raise BaselineError(f"--lee-baseline {baseline.ref}: {error}") from None
    else:
        _git_tree(baseline, dest, skipped)
    return dest


def _git_tree(baseline: Baseline, dest: Path, skipped: list[str]) -> None:
    assert baseline.repo is not None and baseline.commit is not None
    tree = f"{baseline.commit}:{baseline.subdir}" if baseline.subdir else baseline.commit
    if _git(baseline.repo, "cat-file", "-e", tree) is None:
        return  # the source directory did not exist at the baseline: every file is new
    # git archive of the baseline: no user code runs, so not through the sandbox.
    done = subprocess.run(
        ["git", "archive", "--format=tar", tree],
        cwd=baseline.repo,
        capture_output=True,
        timeout=120,
    )
    if done.returncode != 0:
        raise BaselineError(
            f"--lee-baseline {baseline.ref}: git archive failed: {done.stderr.decode(errors='replace').strip()}"
        )
    import io

    with tarfile.open(fileobj=io.BytesIO(done.stdout)) as archive:
        members = []
        for member in archive.getmembers():
            why = tar_link_problem(member)
            if why is None:
                members.append(member)
            else:
                skipped.append(f"{member.name}: {why}; skipped in the baseline")
        if hasattr(tarfile, "data_filter"):
            archive.extractall(dest, members, filter="data")
        else:  # pragma: no cover - Python without extraction filters
            archive.extractall(dest, members)


def changed_files(base: Mapping[str, bytes], current: Mapping[str, bytes]) -> list[str]:
    return sorted(name for name in set(base) | set(current) if base.get(name) != current.get(name))


@dataclass
class Outcome:
    baseline: str
    changed: tuple[str, ...] = ()
    groups: tuple[tuple[str, ...], ...] = ()
    safe_alone: tuple[str, ...] = ()
    unresolved: tuple[str, ...] = ()  # kept for the JSON shape: the search always finds a group
    reasons: dict[str, str] = field(default_factory=dict)  # anchor → why it cannot ship alone
    preexisting: tuple[str, ...] = ()  # calls that fail at the baseline already
    signatures: tuple[SignatureChange, ...] = ()
    trees: int = 0
    seconds: float = 0.0
    group_reasons: list[dict[str, Any]] = field(default_factory=list)
    safe_alone_checks: dict[str, str] = field(default_factory=dict)
    alternatives: dict[str, list[list[str]]] = field(default_factory=dict)
    new_version_failures: list[dict[str, Any]] = field(default_factory=list)
    not_judged: list[str] = field(default_factory=list)
    fail_alone: tuple[str, ...] = ()
    skipped: list[str] = field(default_factory=list)  # symlinks neither end could follow

    def as_entry(self) -> dict[str, Any]:
        return {
            "baseline": self.baseline,
            "changed": list(self.changed),
            "groups": [list(g) for g in self.groups],
            "safe_alone": list(self.safe_alone),
            "unresolved": list(self.unresolved),
            "reasons": self.reasons,
            "preexisting": list(self.preexisting),
            "signatures": [s.as_entry() for s in self.signatures],
            "trees": self.trees,
            "seconds": round(self.seconds, 3),
            "group_reasons": self.group_reasons,
            "safe_alone_checks": self.safe_alone_checks,
            "alternatives": self.alternatives,
            "new_version_failures": self.new_version_failures,
            "not_judged": self.not_judged,
            "fail_alone": list(self.fail_alone),
            "skipped": self.skipped,
        }

    def incompatibilities(self) -> list[str]:
        problems = [
            f"{group[0]} cannot ship alone; deploy together: {' + '.join(group)} ({self.reasons.get(group[0], '')})"
            for group in self.groups
        ]
        problems += [f"not judged: {what}" for what in self.not_judged]
        problems += [
            f"breaking signature change: {change.describe()}"
            for change in self.signatures
            if change.kind == "breaking"
        ]
        return problems


def simulate(baseline: Baseline, settings: Settings, *, workers: int | None = None) -> Outcome:
    from pytest_lee.contracts.results import ContractSpec
    from pytest_lee.deploy_groups.groups import find_groups
    from pytest_lee.deploy_groups.report import outcome_fields
    from pytest_lee.deploy_groups.trees import TreeRunner

    started = time.perf_counter()
    specs = [ContractSpec.from_settings(contract) for contract in settings.contracts]
    with tempfile.TemporaryDirectory(prefix="lee-baseline-") as scratch:
        skipped: list[str] = []
        base_dir = materialize(baseline, settings, Path(scratch, "baseline"), skipped)
        base = tree_files(base_dir, skipped)
        current = tree_files(_source(settings), skipped, "the source")
        changed = changed_files(base, current)
        runner = TreeRunner(
            Path(scratch),
            base,
            current,
            specs,
            handler=settings.handler or None,
            workers=workers or os.cpu_count() or 1,
        )
        try:
            search = find_groups(
                changed,
                runner,
                set(base) | set(current),
                removed=[name for name in changed if name not in current],
                map_parallel=runner.map,
            )
        finally:
            runner.close()
        outcome = Outcome(
            baseline=baseline.label,
            changed=tuple(changed),
            skipped=skipped,
            **outcome_fields(search, [spec.registry for spec in specs]),
        )
        outcome.signatures = tuple(_signature_changes(settings, base, current, changed))
        outcome.trees = runner.trees
    outcome.seconds = time.perf_counter() - started
    return outcome


def _signature_changes(
    settings: Settings, base: Mapping[str, bytes], current: Mapping[str, bytes], changed: list[str]
) -> list[SignatureChange]:
    import fnmatch
    import functools

    from pytest_lee.deploy_groups.hazards import exports, module_names
    from pytest_lee.deploy_groups.signatures import compare_file
    from pytest_lee.registry_files import registry_module_files

    leaf_patterns = [pattern for contract in settings.contracts for pattern in contract.leaves]
    handler_files = set(registry_module_files(settings)) if not leaf_patterns else set()
    modules = module_names(current)
    names = _Names((base, current))
    changes: list[SignatureChange] = []
    for name in changed:
        if not name.endswith(".py"):
            continue
        module = name[:-3].replace("/", ".").removesuffix(".__init__")
        private = name in handler_files or any(
            fnmatch.fnmatchcase(module, p) for p in leaf_patterns
        )
        old = base[name].decode("utf-8", "replace") if name in base else None
        new = current[name].decode("utf-8", "replace") if name in current else None
        offered = exports(module, current, modules) if name in current else set()
        changes.extend(
            compare_file(
                name,
                old,
                new,
                include_private=private,
                still_importable=offered if offered is not None else _Everything(),
                used_elsewhere=functools.partial(names.elsewhere, own=name),
            )
        )
    return changes


class _Everything(frozenset[str]):
    """A module with ``__getattr__``: every name is still importable."""

    def __contains__(self, item: object) -> bool:
        return True


class _Names:
    """Which files name an identifier, at either end: built once, asked per private function."""

    def __init__(self, trees: tuple[Mapping[str, bytes], ...]) -> None:
        import re

        word = re.compile(rb"[A-Za-z_][A-Za-z0-9_]*")
        self.files: dict[bytes, set[str]] = {}
        for tree in trees:
            for name, content in tree.items():
                if name.endswith(".py"):
                    for identifier in set(word.findall(content)):
                        self.files.setdefault(identifier, set()).add(name)

    def elsewhere(self, function: str, *, own: str) -> bool:
        return bool(self.files.get(function.encode(), set()) - {own})
