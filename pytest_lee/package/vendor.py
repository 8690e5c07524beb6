"""Vendor ``requirements`` into the package, as ``sam build`` does: pip, wheels only, for Lambda.

pip installs for the function's runtime and architecture, not for this machine:
``--only-binary=:all: --python-version 3.12 --implementation cp --target DIR`` and
**every** manylinux platform tag up to the runtime's glibc (2.26 for python3.9–3.11,
2.34 for python3.12 and later), newest first — a single ``manylinux2014`` tag silently
picks an older release of a package whose new wheels target a newer glibc.

The installed tree (not only the wheels) is cached, verified (no ``__pycache__``, no
``bin/`` scripts), under the pytest-lee cache directory (``$LEE_CACHE_DIR``, else
``$XDG_CACHE_HOME/pytest-lee``, else ``~/.cache/pytest-lee``; ``rm -rf`` its
``vendor/`` to clear it): ``vendor/trees/<key>`` where the key hashes the resolved
versions, the runtime, the architecture and pip's own configuration. A second index,
keyed by the requirements as written, remembers which tree they resolved to, so a
warm build runs no pip at all and works offline; an unpinned requirement is resolved
again only when the requirements, the target or pip's configuration change (pin, or
clear the cache, to pick up a new release). The same tree gives the same zip bytes.
"""

from __future__ import annotations

import atexit
import hashlib
import json
import os
import re
import shutil
import stat
import subprocess
import sys
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from pytest_lee._atomic import write_atomic
from pytest_lee.errors import PackageError
from pytest_lee.package.compiled import cache_dir, warm
from pytest_lee.package.record import check_tree
from pytest_lee.sandbox import reaper

if TYPE_CHECKING:
    from pytest_lee.package.select import SourceFile
    from pytest_lee.settings import Settings

_RUNTIME = re.compile(r"python3\.(\d+)\Z")
_NO_MATCH = re.compile(r"No matching distribution found for (\S+)")
_PIP_FILES = ("/etc/pip.conf", "/etc/xdg/pip/pip.conf")
_COMPLETE = ".lee-complete"  # written last into a tree: a tree without it is not used
_TREE_NAME = re.compile(r"[0-9a-f]{32}")  # what _digest names a tree: nothing else is followed
_SOURCE_ARCHIVES = (".tar.gz", ".tgz", ".tar.bz2", ".tar.xz", ".tar", ".zip")


def glibc_for(runtime: str) -> tuple[int, int]:
    """The glibc of the Lambda runtime's OS: Amazon Linux 2 (2.26) up to 3.11, AL2023 (2.34) after."""
    minor = _minor(runtime)
    return (2, 34) if minor >= 12 else (2, 26)


def platform_tags(runtime: str, architecture: str) -> list[str]:
    """Every manylinux tag the runtime accepts, newest first (pip prefers earlier tags)."""
    machine = "aarch64" if architecture == "arm64" else "x86_64"
    top = glibc_for(runtime)[1]
    lowest = 17 if machine == "aarch64" else 5
    tags = [f"manylinux_2_{minor}_{machine}" for minor in range(top, lowest - 1, -1)]
    legacy = {17: "manylinux2014", 12: "manylinux2010", 5: "manylinux1"}
    tags += [f"{name}_{machine}" for minor, name in legacy.items() if minor >= lowest]
    return tags


def pip_target_args(runtime: str, architecture: str) -> list[str]:
    """pip's options for installing wheels that Lambda's *runtime* on *architecture* can load."""
    args = [
        "--only-binary=:all:",
        "--implementation",
        "cp",
        "--python-version",
        f"3.{_minor(runtime)}",
    ]
    for tag in platform_tags(runtime, architecture):
        args += ["--platform", tag]
    return args


def pip_fingerprint() -> dict[str, str]:
    """pip's own configuration: its version, ``PIP_*`` variables and config files' content."""
    from importlib import metadata

    found: dict[str, str] = {}
    try:
        found["pip"] = metadata.version("pip")
    except metadata.PackageNotFoundError:
        found["pip"] = "missing"
    for name in sorted(os.environ):
        if name.startswith("PIP_"):
            found[name] = os.environ[name]
    home = Path.home()
    config_home = Path(os.environ.get("XDG_CONFIG_HOME") or home / ".config")
    files = [
        *_PIP_FILES,
        str(home / ".pip" / "pip.conf"),
        str(config_home / "pip" / "pip.conf"),
        str(Path(sys.prefix) / "pip.conf"),
    ]
    for file in files:
        try:
            found[file] = hashlib.sha256(Path(file).read_bytes()).hexdigest()
        except OSError:
            continue
    return found


def requirement_lines(requirements: Path | tuple[str, ...], what: str) -> list[str]:
    """The requirements as pip reads them (a file's lines, comments dropped)."""
    if isinstance(requirements, tuple):
        return list(requirements)
    try:
        text = requirements.read_text(encoding="utf-8")
    except OSError as error:
        raise PackageError(
            f"{requirements}: cannot read ({what}): {error.strerror or error}", during="build"
        ) from None
    lines = [line.split(" #", 1)[0].strip() for line in text.splitlines()]
    return [line for line in lines if line and not line.startswith("#")]


@dataclass(frozen=True)
class VendoredTree:
    """An installed tree that matched its ``RECORD`` files: where, and each file's SHA-256."""

    path: Path
    digests: Mapping[str, str]


def vendored_files(settings: Settings, notes: list[str] | None = None) -> list[SourceFile]:
    """``[tool.lee] requirements`` as files to archive at the package's root (vendored).

    *notes* receives one line per thing the build should say (a refused cached tree,
    an unusable cache directory)."""
    if settings.requirements is None:
        return []
    function = settings.function
    return tree_files(
        settings,
        vendored_tree(
            settings.requirements,
            function.runtime,
            function.architecture,
            what="[tool.lee] requirements",
            notes=notes,
        ),
    )


def tree_files(settings: Settings, tree: VendoredTree | None, prefix: str = "") -> list[SourceFile]:
    """The verified files of a vendored *tree*, named under *prefix*, the user's excludes
    applied; each carries the SHA-256 it was verified with, which the archive checks again."""
    import dataclasses

    from pytest_lee.package.select import select_files

    if tree is None:
        return []
    return [
        dataclasses.replace(item, name=prefix + item.name, digest=tree.digests[item.name])
        for item in select_files(tree.path, settings.exclude, vendored=True).files
        if item.name in tree.digests
    ]


def merge(own: list[SourceFile], vendored: list[SourceFile]) -> list[SourceFile]:
    """Both lists in archive-name order; the project's own file wins over a vendored one
    of the same name (as ``sam build`` copies the code over its dependencies)."""
    if not vendored:
        return own
    names = {item.name for item in own}
    merged = own + [item for item in vendored if item.name not in names]
    return sorted(merged, key=lambda item: item.name)


def vendored_tree(
    requirements: Path | tuple[str, ...],
    runtime: str,
    architecture: str,
    *,
    what: str,
    notes: list[str] | None = None,
) -> VendoredTree | None:
    """The verified installed tree of *requirements* for *runtime*/*architecture* (None
    when there are none): from the cache when its tree still matches its ``RECORD`` files,
    else installed by pip (into the cache when it is usable, else into a temporary
    directory removed at exit)."""
    lines = requirement_lines(requirements, what)
    if not lines:
        return None
    refuse_sources(lines, what)
    notes = notes if notes is not None else []
    target: dict[str, object] = {
        "runtime": runtime,
        "architecture": architecture,
        "pip": pip_fingerprint(),
    }
    wanted = _digest({"requirements": lines, **target})
    root, problem = usable_cache(cache_dir() / "vendor")
    if problem is not None:
        notes.append(problem)
    index = root / "index" / f"{wanted}.json"
    tree = _indexed_tree(root, index, notes)
    if tree is not None:
        check = check_tree(tree, ignore=(_COMPLETE,))
        if not check.problems:
            return VendoredTree(tree, check.digests)
        notes.append(
            f"{what}: the cached tree {tree} does not match its RECORD files ({check.summary()}); "
            "refused, installed again"
        )
        shutil.rmtree(tree, ignore_errors=True)
    tree = _install(lines, runtime, architecture, target=target, root=root, what=what)
    check = check_tree(tree, ignore=(_COMPLETE,))
    if check.problems:
        raise PackageError(
            f"{what}: the tree pip installed does not match its RECORD files ({check.summary()})",
            during="build",
        )
    if problem is None:
        try:
            write_atomic(index, json.dumps({"tree": tree.name, "requirements": lines}) + "\n")
        except OSError:
            pass  # the cache is only slower for it
    return VendoredTree(tree, check.digests)


def _indexed_tree(root: Path, index: Path, notes: list[str]) -> Path | None:
    """The complete tree *index* names, only if it names one of the cache's own trees."""
    try:
        named = json.loads(index.read_text(encoding="utf-8"))["tree"]
    except (OSError, ValueError, KeyError, TypeError):
        return None
    if not isinstance(named, str) or not _TREE_NAME.fullmatch(named):
        notes.append(
            f"{index}: names {str(named)[:200]!r}, not a tree of the cache; ignored, installed again"
        )
        return None
    tree = root / "trees" / named
    try:
        if not stat.S_ISDIR(tree.lstat().st_mode) or not (tree / _COMPLETE).is_file():
            return None
    except OSError:
        return None
    return tree


def refuse_sources(lines: list[str], what: str) -> None:
    """Vendoring is wheels only: a local directory, a source archive or an editable
    requirement would be built from source on this machine, not for Lambda."""
    refused = [line for line in lines if _is_source(line)]
    if refused:
        raise PackageError(
            [
                f"{line}: a local directory or source distribution ({what}); vendoring is wheels "
                "only: build a wheel for the runtime and name the .whl, or publish it to an index"
                for line in refused
            ],
            during="build",
        )


def _is_source(line: str) -> bool:
    text = line.strip()
    if text.startswith(("-e", "--editable", "--no-binary")):
        return True
    if text.startswith("-"):
        return False  # other pip options (--index-url, --find-links): pip's own business
    reference = text.split(" @ ", 1)[1].strip() if " @ " in text else text
    reference = reference.split(";", 1)[0].split("#", 1)[0].strip()
    if reference.lower().endswith(".whl"):
        return False
    local = reference.startswith((".", "/", "~", "file:")) or "/" in reference.split("[", 1)[0]
    archive = reference.lower().endswith(_SOURCE_ARCHIVES)
    return local or archive or reference.startswith(("git+", "hg+", "svn+", "bzr+"))


def usable_cache(root: Path) -> tuple[Path, str | None]:
    """*root* when the vendoring cache can be written there; else a temporary directory
    (removed at exit) and the one line that says why the cache is not used."""
    try:
        root.mkdir(parents=True, exist_ok=True)
        probe = tempfile.mkdtemp(prefix=".probe-", dir=root)
        os.rmdir(probe)
        return root, None
    except OSError as error:
        fallback = Path(tempfile.mkdtemp(prefix="lee-vendor-"))
        atexit.register(shutil.rmtree, fallback, ignore_errors=True)
        return fallback, (
            f"{root.parent}: cannot use the vendoring cache ({error.strerror or error}); "
            "vendored without a cache (set LEE_CACHE_DIR to a writable directory)"
        )


def _install(
    lines: list[str],
    runtime: str,
    architecture: str,
    *,
    target: Mapping[str, object],
    root: Path,
    what: str,
) -> Path:
    (root / "trees").mkdir(parents=True, exist_ok=True)
    reaper.remove_gone(root)  # a killed session's scratch: its pid and start time are gone
    scratch = Path(tempfile.mkdtemp(prefix=f"install-{reaper.session_tag()}-", dir=root))
    try:
        requirements = scratch / "requirements.txt"
        requirements.write_text("\n".join(lines) + "\n", encoding="utf-8")
        report = scratch / "report.json"
        installed = scratch / "tree"
        command = [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--disable-pip-version-check",
            "--no-input",
            "--no-compile",
            "--quiet",
            *pip_target_args(runtime, architecture),
            "--target",
            str(installed),
            "--report",
            str(report),
            "-r",
            str(requirements),
        ]
        # pip installs wheels only (sdists refused above): no user code runs, so not through the sandbox.
        done = subprocess.run(command, capture_output=True, text=True, stdin=subprocess.DEVNULL)
        if done.returncode != 0:
            raise PackageError(
                _pip_failure(done.stderr, runtime, architecture, what), during="build"
            )
        resolved = sorted(
            f"{entry['metadata']['name']}=={entry['metadata']['version']}"
            for entry in json.loads(report.read_text(encoding="utf-8")).get("install", [])
        )
        _clean(installed)
        warm(installed, (3, _minor(runtime)))  # verified once, as it enters the cache
        key = _digest({"resolved": resolved, **target})
        tree = root / "trees" / key
        if not (tree / _COMPLETE).is_file():
            shutil.rmtree(tree, ignore_errors=True)
            (installed / _COMPLETE).write_text("\n".join(resolved) + "\n", encoding="utf-8")
            try:
                os.replace(installed, tree)
            except OSError:  # another process (an xdist worker) put the same tree there first
                if not (tree / _COMPLETE).is_file():
                    raise
        return tree
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def _clean(tree: Path) -> None:
    """What Lambda must not get: scripts for this machine's shell, bytecode caches."""
    shutil.rmtree(tree / "bin", ignore_errors=True)
    for cache in sorted(tree.rglob("__pycache__"), reverse=True):
        shutil.rmtree(cache, ignore_errors=True)


def _pip_failure(stderr: str, runtime: str, architecture: str, what: str) -> str:
    glibc = ".".join(map(str, glibc_for(runtime)))
    target = f"{runtime} on {architecture} (cp3{_minor(runtime)}, manylinux up to glibc {glibc})"
    missing = _NO_MATCH.search(stderr)
    if missing:
        return f"{missing.group(1)}: no wheel for {target} ({what})"
    lines = [line.strip() for line in stderr.splitlines() if line.strip()]
    errors = [line for line in lines if line.startswith("ERROR:")]
    last = (errors or lines or ["pip failed without a message"])[-1]
    return f"{what}: pip could not vendor the requirements for {target}: {last}"


def _minor(runtime: str) -> int:
    match = _RUNTIME.match(runtime)
    return int(match.group(1)) if match else sys.version_info[1]


def _digest(value: object) -> str:
    return hashlib.sha256(json.dumps(value, sort_keys=True).encode()).hexdigest()[:32]
