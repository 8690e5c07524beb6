"""One control group per Lambda child: its CPU quota and memory limit, then its removal.

Where: under the process's OWN cgroup in each hierarchy (``/proc/self/cgroup`` read
against ``/proc/self/mountinfo``), so a session confined by its CI runner stays inside
its confinement and never writes to a hierarchy it was not placed in. A cgroup v1
controller mounted on its own (``cpu``, ``memory``) wins over the v2 hierarchy, where
a controller is usable only when the parent's ``cgroup.subtree_control`` can enable it
(the "no internal processes" rule refuses that for a non-root cgroup holding
processes, pytest's own among them).

Names are ``lee-<pid>-<n>``: the pid of the session that made it. At the first
creation in a process, ``lee-*`` cgroups whose session is gone (its pid is not
running and the cgroup is older than a minute, so a session in another pid namespace
that just made one is left alone) are removed if empty; ``rmdir`` refuses a cgroup
that still holds a process, so a sweep never touches one in use.

Removal, whatever happened to the child: every process still listed in it (only the
child's descendants can be there) is killed, then ``rmdir`` is retried until the
kernel has let them go.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import signal
import time
from dataclasses import dataclass
from pathlib import Path

__all__ = ["ChildCgroup", "Hierarchy", "create_child_cgroup", "find_hierarchy"]

PREFIX = "lee-"
_STALE_AFTER_S = 60.0
_counter = itertools.count(1)
_swept: set[Path] = set()
_hierarchies: dict[str, Hierarchy | str] = {}


@dataclass(frozen=True)
class Hierarchy:
    """Where one controller can be used: the mount and this process's own cgroup in it."""

    controller: str
    version: int  # 1 or 2
    own: Path  # this process's cgroup directory in that hierarchy


class CgroupUnavailable(Exception):
    """No usable cgroup for a controller; the message says why, for the report."""


def find_hierarchy(controller: str, *, proc: Path = Path("/proc/self")) -> Hierarchy:
    """The writable hierarchy holding *controller* for this process, or ``CgroupUnavailable``."""
    key = f"{proc}:{controller}"
    if key not in _hierarchies:
        try:
            _hierarchies[key] = _find(controller, proc)
        except CgroupUnavailable as why:
            _hierarchies[key] = str(why)
    found = _hierarchies[key]
    if isinstance(found, str):
        raise CgroupUnavailable(found)
    return found


def _find(controller: str, proc: Path) -> Hierarchy:
    try:
        mountinfo = (proc / "mountinfo").read_text(encoding="utf-8")
        membership = (proc / "cgroup").read_text(encoding="utf-8")
    except OSError as error:
        raise CgroupUnavailable(f"cannot read {error.filename}: {error.strerror}") from None
    v1_paths: dict[str, str] = {}
    v2_path = None
    for line in membership.splitlines():
        number, _, rest = line.partition(":")
        names, _, path = rest.partition(":")
        if number == "0" and not names:
            v2_path = path
        for name in names.split(","):
            v1_paths[name] = path
    v2_mount = None
    for line in mountinfo.splitlines():
        fields = line.split()
        if "-" not in fields:
            continue
        dash = fields.index("-")
        root, mount_point = fields[3], fields[4]
        fstype, options = fields[dash + 1], fields[dash + 3] if len(fields) > dash + 3 else ""
        if fstype == "cgroup" and controller in options.split(",") and controller in v1_paths:
            return _checked(
                Hierarchy(controller, 1, _join(mount_point, root, v1_paths[controller]))
            )
        if fstype == "cgroup2":
            v2_mount = (mount_point, root)
    if v2_mount is not None and v2_path is not None:
        own = _join(v2_mount[0], v2_mount[1], v2_path)
        available = _read(own / "cgroup.controllers").split()
        if controller not in available:
            raise CgroupUnavailable(
                f"cgroup v2 at {own}: the {controller} controller is not delegated to this cgroup"
            )
        _enable_v2(own, controller)
        return _checked(Hierarchy(controller, 2, own))
    raise CgroupUnavailable(f"no cgroup hierarchy with the {controller} controller is mounted")


def _join(mount_point: str, root: str, path: str) -> Path:
    """The directory of cgroup *path* under a mount whose root is *root* (cgroup namespaces)."""
    relative = path
    if root != "/" and (path == root or path.startswith(root.rstrip("/") + "/")):
        relative = path[len(root) :]
    return Path(mount_point) / relative.lstrip("/")


def _enable_v2(own: Path, controller: str) -> None:
    if controller in _read(own / "cgroup.subtree_control").split():
        return
    try:
        (own / "cgroup.subtree_control").write_text(f"+{controller}")
    except OSError as error:
        raise CgroupUnavailable(
            f"cgroup v2 at {own}: cannot enable {controller} for sub-cgroups ({error.strerror}; "
            "a cgroup holding processes cannot delegate, run the session in its own scope)"
        ) from None


def _checked(hierarchy: Hierarchy) -> Hierarchy:
    if not os.access(hierarchy.own, os.W_OK):
        raise CgroupUnavailable(
            f"cgroup v{hierarchy.version} {hierarchy.controller} at {hierarchy.own}: "
            "not writable by this user"
        )
    return hierarchy


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except OSError:
        return ""


@dataclass
class ChildCgroup:
    """The cgroup directories one child runs in (v1: one per controller; v2: one)."""

    directories: dict[str, Path]  # controller → directory
    versions: dict[str, int]

    @property
    def procs_files(self) -> list[Path]:
        unique = dict.fromkeys(self.directories.values())
        return [directory / "cgroup.procs" for directory in unique]

    def set_cpu_quota(self, quota_us: int, period_us: int) -> None:
        directory = self.directories["cpu"]
        if self.versions["cpu"] == 1:
            (directory / "cpu.cfs_period_us").write_text(str(period_us))
            (directory / "cpu.cfs_quota_us").write_text(str(quota_us))
        else:
            (directory / "cpu.max").write_text(f"{quota_us} {period_us}")

    def quota_text(self, quota_us: int, period_us: int) -> str:
        """What the quota file takes for *quota_us* per *period_us* (v1: the quota alone)."""
        return str(quota_us) if self.versions["cpu"] == 1 else f"{quota_us} {period_us}"

    def open_cpu_quota(self) -> int:
        """The quota file opened for writing: handed to the child, which lowers its own
        quota at the end of init (``--lee-cpu lambda-throttled``) without a round trip."""
        directory = self.directories["cpu"]
        name = "cpu.cfs_quota_us" if self.versions["cpu"] == 1 else "cpu.max"
        return os.open(directory / name, os.O_WRONLY | os.O_CLOEXEC)

    def set_memory_limit(self, limit_bytes: int) -> None:
        """The limit on memory AND swap: a child over it is killed, never swapped out."""
        directory = self.directories["memory"]
        if self.versions["memory"] == 1:
            (directory / "memory.limit_in_bytes").write_text(str(limit_bytes))
            swap = directory / "memory.memsw.limit_in_bytes"
            if swap.exists():  # only with swap accounting; must be >= the memory limit
                swap.write_text(str(limit_bytes))
        else:
            (directory / "memory.max").write_text(str(limit_bytes))
            swap = directory / "memory.swap.max"
            if swap.exists():
                swap.write_text("0")

    def peak_memory_mb(self) -> float | None:
        """The cgroup's peak usage (what Lambda's "Max Memory Used" reads), if the kernel says."""
        directory = self.directories.get("memory")
        if directory is None:
            return None
        name = "memory.max_usage_in_bytes" if self.versions["memory"] == 1 else "memory.peak"
        text = _read(directory / name).strip()
        return int(text) / (1024 * 1024) if text.isdigit() else None

    def oom_killed(self) -> bool:
        """True when the kernel's OOM killer killed a process of this cgroup."""
        directory = self.directories.get("memory")
        if directory is None:
            return False
        name = "memory.oom_control" if self.versions["memory"] == 1 else "memory.events"
        for line in _read(directory / name).splitlines():
            key, _, value = line.partition(" ")
            if key == "oom_kill" and value.strip().isdigit():
                return int(value) > 0
        return False

    def remove(self, *, wait_s: float = 2.0) -> bool:
        """Kill what is left in it, then remove every directory; True when all are gone."""
        deadline = time.monotonic() + wait_s
        remaining = list(dict.fromkeys(self.directories.values()))
        while remaining:
            for directory in list(remaining):
                _kill_members(directory)
                try:
                    directory.rmdir()
                except FileNotFoundError:
                    pass
                except OSError:  # EBUSY while killed members are being torn down
                    continue
                remaining.remove(directory)
            if remaining:
                if time.monotonic() > deadline:
                    return False
                time.sleep(0.005)
        return True


def _kill_members(directory: Path) -> None:
    for pid in _read(directory / "cgroup.procs").split():
        with contextlib.suppress(ProcessLookupError, PermissionError, ValueError):
            os.kill(int(pid), signal.SIGKILL)


def create_child_cgroup(controllers: tuple[str, ...]) -> ChildCgroup:
    """A new empty cgroup for each of *controllers*; ``CgroupUnavailable`` says why not."""
    hierarchies = [find_hierarchy(controller) for controller in controllers]
    name = f"{PREFIX}{os.getpid()}-{next(_counter)}"
    made = ChildCgroup({}, {})
    try:
        for hierarchy in hierarchies:
            if hierarchy.own not in _swept:
                _swept.add(hierarchy.own)
                sweep_stale(hierarchy.own)
            directory = hierarchy.own / name
            if not directory.is_dir():
                directory.mkdir()
            made.directories[hierarchy.controller] = directory
            made.versions[hierarchy.controller] = hierarchy.version
    except OSError as error:
        made.remove()
        raise CgroupUnavailable(
            f"cannot create a cgroup in {error.filename}: {error.strerror}"
        ) from None
    return made


def sweep_stale(parent: Path, *, now: float | None = None) -> list[Path]:
    """Remove the empty ``lee-*`` cgroups under *parent* whose session is gone."""
    now = time.time() if now is None else now
    removed: list[Path] = []
    try:
        entries = list(parent.glob(f"{PREFIX}*"))
    except OSError:
        return removed
    for entry in entries:
        owner = entry.name[len(PREFIX) :].partition("-")[0]
        if not owner.isdigit() or _running(int(owner)):
            continue
        try:
            if now - entry.stat().st_mtime < _STALE_AFTER_S:
                continue
            entry.rmdir()  # refused (EBUSY) while a process is still in it
        except OSError:
            continue
        removed.append(entry)
    return removed


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
