"""``--lee-baseline REF``: simulate deploying each changed file alone, and group the ones that can't.

The baseline is what production runs now: a git ref of the repository (its
``[tool.lee] source`` directory, read with ``git archive``), a directory (the
source tree itself, or a project tree that contains the source path) or a zip
(a Lambda package, unzipped safely). For every file that differs from the
working tree, the mixed tree "baseline + this one file" is built and every
contract is checked against it in a fresh interpreter — in parallel, one process
per core. A file whose lone deployment breaks a key that holds at the baseline is
grouped with the changed files that repair it: the files named at both ends of
the failing calls are added until the mixed tree passes (or, when the failures
name no other changed file, every changed file is tried). Overlapping groups
merge. Probes that already fail at the baseline (say, the configured probe passing
a keyword the old code never took) are left out of the judgement and listed.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
from collections.abc import Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pytest_lee.errors import LeeError

if TYPE_CHECKING:
    from pytest_lee.contracts.signatures import SignatureChange
    from pytest_lee.settings import Settings

_PACKAGE_ROOT = str(Path(__file__).resolve().parents[2])
_CHILD = (
    "import sys; sys.path.insert(0, {root!r}); from pytest_lee.contracts._child import main; main()"
)
_SKIP = {"__pycache__", ".git", ".lee"}


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
        done = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return done.stdout.strip() if done.returncode == 0 else None


def materialize(baseline: Baseline, settings: Settings, dest: Path) -> Path:
    """Write the baseline's source tree into *dest* and return it."""
    dest.mkdir(parents=True, exist_ok=True)
    if baseline.kind == "directory":
        assert baseline.path is not None
        try:
            inner = baseline.path / _source(settings).resolve().relative_to(
                settings.rootdir.resolve()
            )
        except ValueError:
            inner = baseline.path
        origin = inner if inner.is_dir() and inner != baseline.path else baseline.path
        shutil.copytree(
            origin, dest, dirs_exist_ok=True, ignore=shutil.ignore_patterns(*_SKIP, "*.pyc")
        )
    elif baseline.kind == "zip":
        from pytest_lee.errors import PackageError
        from pytest_lee.package import extract_package

        try:
            extract_package(baseline.path, dest)  # type: ignore[arg-type]
        except PackageError as error:
            raise BaselineError(f"--lee-baseline {baseline.ref}: {error}") from None
    else:
        _git_tree(baseline, dest)
    return dest


def _git_tree(baseline: Baseline, dest: Path) -> None:
    assert baseline.repo is not None and baseline.commit is not None
    tree = f"{baseline.commit}:{baseline.subdir}" if baseline.subdir else baseline.commit
    if _git(baseline.repo, "cat-file", "-e", tree) is None:
        return  # the source directory did not exist at the baseline: every file is new
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
        if hasattr(tarfile, "data_filter"):
            archive.extractall(dest, filter="data")
        else:  # pragma: no cover - Python without extraction filters
            archive.extractall(dest)


def tree_files(root: Path) -> dict[str, bytes]:
    files: dict[str, bytes] = {}
    for directory, dirnames, filenames in os.walk(root):
        dirnames[:] = [name for name in dirnames if name not in _SKIP]
        for name in filenames:
            if name.endswith(".pyc"):
                continue
            path = Path(directory, name)
            files[path.relative_to(root).as_posix()] = path.read_bytes()
    return files


def changed_files(base: Mapping[str, bytes], current: Mapping[str, bytes]) -> list[str]:
    return sorted(name for name in set(base) | set(current) if base.get(name) != current.get(name))


@dataclass
class Outcome:
    baseline: str
    changed: tuple[str, ...] = ()
    groups: tuple[tuple[str, ...], ...] = ()
    safe_alone: tuple[str, ...] = ()
    unresolved: tuple[str, ...] = ()  # files that fail even with every changed file
    reasons: dict[str, str] = field(default_factory=dict)  # file → why it cannot ship alone
    preexisting: tuple[str, ...] = ()  # probe calls that fail at the baseline already
    signatures: tuple[SignatureChange, ...] = ()
    trees: int = 0
    seconds: float = 0.0

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
        }

    def incompatibilities(self) -> list[str]:
        problems = [
            f"{group[0]} cannot ship alone; deploy together: {' + '.join(group)} ({self.reasons.get(group[0], '')})"
            for group in self.groups
        ]
        problems += [
            f"{name} breaks a contract even with every changed file" for name in self.unresolved
        ]
        problems += [
            f"breaking signature change: {change.describe()}"
            for change in self.signatures
            if change.kind == "breaking"
        ]
        return problems


def simulate(baseline: Baseline, settings: Settings, *, workers: int | None = None) -> Outcome:
    from pytest_lee.contracts.check import ContractSpec

    started = time.perf_counter()
    specs = [ContractSpec.from_settings(contract).as_dict() for contract in settings.contracts]
    with tempfile.TemporaryDirectory(prefix="lee-baseline-") as scratch:
        base_dir = materialize(baseline, settings, Path(scratch, "baseline"))
        base = tree_files(base_dir)
        current = tree_files(_source(settings))
        changed = changed_files(base, current)
        runner = _Runner(Path(scratch), base, current, specs, workers or os.cpu_count() or 1)
        outcome = _group(runner, changed)
        outcome.baseline = baseline.label
        outcome.signatures = tuple(_signature_changes(settings, base, current, changed))
        outcome.trees = len(runner.results)
    outcome.seconds = time.perf_counter() - started
    return outcome


class _Runner:
    """Builds mixed trees and checks them in parallel fresh interpreters, memoised per file set."""

    def __init__(
        self,
        scratch: Path,
        base: Mapping[str, bytes],
        current: Mapping[str, bytes],
        specs: list[dict[str, Any]],
        workers: int,
    ) -> None:
        self.scratch, self.base, self.current, self.specs = scratch, base, current, specs
        self.workers = max(1, workers)
        self.results: dict[frozenset[str], list[dict[str, Any]]] = {}

    def run(self, sets: Iterable[frozenset[str]]) -> None:
        todo = [files for files in dict.fromkeys(sets) if files not in self.results]
        with ThreadPoolExecutor(max_workers=min(self.workers, max(1, len(todo)))) as pool:
            for files, results in zip(todo, pool.map(self._check, todo)):
                self.results[files] = results

    def _check(self, files: frozenset[str]) -> list[dict[str, Any]]:
        tree = Path(tempfile.mkdtemp(prefix="mix-", dir=self.scratch))
        for name, content in self.base.items():
            if name not in files:
                _write(tree / name, content)
        for name in files:
            if name in self.current:
                _write(tree / name, self.current[name])
        request = json.dumps({"source": str(tree), "contracts": self.specs})
        done = subprocess.run(
            [sys.executable, "-I", "-B", "-c", _CHILD.format(root=_PACKAGE_ROOT)],
            input=request,
            capture_output=True,
            text=True,
            cwd=tree,
            timeout=300,
        )
        shutil.rmtree(tree, ignore_errors=True)
        if done.returncode != 0:
            tail = (done.stderr.strip().splitlines() or ["no output"])[-1]
            return [
                {
                    "registry": "*",
                    "key": "*",
                    "call": "*",
                    "status": "fail",
                    "message": f"contract check crashed: {tail}",
                    "implicated": [],
                }
            ]
        return json.loads(done.stdout)

    def failures(
        self, files: frozenset[str], ignore: set[tuple[str, str, str]]
    ) -> list[dict[str, Any]]:
        return [
            r for r in self.results[files] if r["status"] == "fail" and _identity(r) not in ignore
        ]


def _identity(record: Mapping[str, Any]) -> tuple[str, str, str]:
    return record["registry"], record["key"], record.get("call", "*")


def _write(path: Path, content: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)


def _group(runner: _Runner, changed: list[str]) -> Outcome:
    outcome = Outcome(baseline="", changed=tuple(changed))
    if not changed:
        return outcome
    everything = frozenset(changed)
    runner.run([frozenset(), *(frozenset({name}) for name in changed)])
    ignore = {_identity(r) for r in runner.failures(frozenset(), set())}
    outcome.preexisting = tuple(sorted(call for _, _, call in ignore))
    pending: dict[str, frozenset[str]] = {}
    for name in changed:
        broken = runner.failures(frozenset({name}), ignore)
        if broken:
            outcome.reasons[name] = broken[0].get("cause") or broken[0]["message"].split("\n")[0]
            pending[name] = frozenset({name})
    found: dict[str, tuple[str, ...]] = {}
    unresolved: list[str] = []
    while pending:
        following: dict[str, frozenset[str]] = {}
        for name, files in pending.items():
            failing = runner.failures(files, ignore)
            if not failing:
                found[name] = (name, *sorted(files - {name}))
                continue
            named = {f for r in failing for f in r.get("implicated", [])} & everything
            if not named - files:
                named = everything
            if named - files:
                following[name] = files | named
            else:
                unresolved.append(name)
        runner.run(following.values())
        pending = following
    outcome.groups = _merge(found.values())
    grouped = {name for group in outcome.groups for name in group}
    outcome.unresolved = tuple(sorted(unresolved))
    outcome.safe_alone = tuple(
        name for name in changed if name not in grouped and name not in unresolved
    )
    return outcome


def _merge(groups: Iterable[tuple[str, ...]]) -> tuple[tuple[str, ...], ...]:
    merged: list[list[str]] = []
    for group in groups:
        overlapping = [m for m in merged if set(m) & set(group)]
        combined = list(dict.fromkeys([*(name for m in overlapping for name in m), *group]))
        merged = [m for m in merged if m not in overlapping] + [combined]
    return tuple(tuple(group) for group in merged)


def _signature_changes(
    settings: Settings, base: Mapping[str, bytes], current: Mapping[str, bytes], changed: list[str]
) -> list[SignatureChange]:
    import fnmatch

    from pytest_lee.contracts.required import registry_module_files
    from pytest_lee.contracts.signatures import compare_file

    leaf_patterns = [pattern for contract in settings.contracts for pattern in contract.leaves]
    handler_files = set(registry_module_files(settings)) if not leaf_patterns else set()
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
        changes.extend(compare_file(name, old, new, include_private=private))
    return changes
