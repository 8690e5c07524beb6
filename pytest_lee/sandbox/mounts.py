"""The command chain that puts one child in the sandbox before it execs.

Namespace mode::

    nsenter --net=/proc/self/fd/N -- unshare --mount --propagation private -- \\
        /bin/sh -c 'mount -a -T FSTAB; mount -o remount,bind,ro /; ulimit -t CPU;
                   cd TASK; exec "$@"' sh ... \\
        setpriv --pdeathsig KILL -- CHILD...

- the session's network namespace (``namespace``): only ``lo``;
- a mount namespace whose propagation is made private before anything is mounted,
  then one ``mount -a`` over a generated fstab: the task root and the other inputs
  bound read-only, and the child's own empty directory bound over ``/tmp``; then the
  root file system remounted read-only, as Lambda's is (only ``/tmp`` is writable:
  a cache in ``/var/tmp`` or ``~`` cannot make the next cold start warm). Inputs
  that live under ``/tmp`` (a package unzipped in pytest's basetemp, a venv) are first
  bound into that directory at the same path, so the child still finds them;
- ``cd`` to the task root after the mounts (a working directory taken before them
  would still be the writable original);
- ``ulimit -t``: each process of the child has a CPU-time limit of its own, so a
  spinning grandchild ends even when nobody is left to kill it;
- ``setpriv --pdeathsig KILL``: the child dies with the pytest that started it.

Guard mode keeps the last three. The chain is six small C programs and one shell:
measured in docs/benchmarks.md, it stays within the 10 ms a child may cost.
"""

from __future__ import annotations

import math
import shutil
from collections.abc import Iterable, Mapping
from pathlib import Path

__all__ = ["chain", "fstab_line", "under_tmp"]

TMP = Path("/tmp")
_SCRIPT = (
    'if [ -n "$1" ]; then mount -a -T "$1" && mount -o remount,bind,ro / || exit 125; fi; '
    'ulimit -t "$2" || exit 125; cd "$3" || exit 125; shift 3; exec "$@"'
)


def under_tmp(path: Path) -> Path | None:
    """*path* relative to ``/tmp`` when it lives there (the private ``/tmp`` would hide it)."""
    try:
        return path.resolve().relative_to(TMP.resolve())
    except ValueError:
        return None


def fstab_line(source: Path, target: Path, options: str) -> str:
    return f"{_escape(source)} {_escape(target)} none {options} 0 0"


def _escape(path: Path) -> str:
    text = str(path)
    for char in "\\ \t\n":
        text = text.replace(char, f"\\{ord(char):03o}")
    return text


def chain(
    root: Path,
    *,
    namespace_fd: int | None,
    tools: Mapping[str, str],
    read_only: Iterable[Path],
    writable: Iterable[Path],
    cpu_s: float,
    cwd: Path | None = None,
) -> list[str]:
    """The argv prefix that starts a child in the sandbox: in the namespace *namespace_fd*
    (None: the guard's chain), *root*/``tmp`` as its ``/tmp``; *tools* maps names to paths."""
    fstab = ""
    prefix: list[str] = []
    if namespace_fd is not None:
        fstab = str(_write_fstab(root, read_only, writable))
        prefix = [
            tools.get("nsenter", "nsenter"),
            f"--net=/proc/self/fd/{namespace_fd}",
            "--",
            tools.get("unshare", "unshare"),
            "--mount",
            "--propagation",
            "private",
            "--",
        ]
    setpriv = tools.get("setpriv") or shutil.which("setpriv")
    tail = [setpriv, "--pdeathsig", "KILL", "--"] if setpriv is not None else []
    where = str(cwd if cwd is not None else root)
    return [*prefix, "/bin/sh", "-c", _SCRIPT, "sh", fstab, str(math.ceil(cpu_s)), where, *tail]


def _write_fstab(root: Path, read_only: Iterable[Path], writable: Iterable[Path]) -> Path:
    private = root / "tmp"
    modes = {path.resolve(): "bind" for path in writable}
    modes.update((path.resolve(), "bind,ro") for path in read_only)
    entries = sorted(modes.items())
    lines = []
    for path, options in entries:
        relative = under_tmp(path)
        if relative is None:
            if options != "bind":  # outside /tmp, a writable input needs no mount
                lines.append(fstab_line(path, path, options))
            continue
        target = private / relative
        if path.is_dir():
            target.mkdir(parents=True, exist_ok=True)
        else:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.touch(exist_ok=True)
        lines.append(fstab_line(path, target, options))
    lines.append(fstab_line(private, TMP, "rbind"))
    fstab = root / "fstab"
    fstab.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return fstab
