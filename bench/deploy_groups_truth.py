"""Ground truth for deploy groups, built the way a careful reader builds it, without the tool.

For a change set ``OLD-NEW`` of ``../shared/realworld/engine/history`` this script builds
mixed trees (a copy of ``old/src`` with some changed files taken from ``new/src``: added
files added, deleted ones deleted) and runs each in a fresh interpreter (``python -I -B``)
with sockets blocked, AWS credentials faked (no metadata lookups) and a time limit:

1. every module of the tree is imported (tests and ``tests/`` left out: not production);
2. ``lambda_function.lambda_handler`` runs with the engine's own events (Alexa smart-home
   directives — Discovery, PowerController, Authorization, ReportState —, a custom-skill
   launch, the diagnostic ``test_type`` events and the health/API-gateway events its
   handler dispatches), under each mode switch the handlers read (``LAMBDA_MODE``,
   ``LEE_FAILSAFE_ENABLED``);
3. every gateway wrapper (public functions of ``gateway_wrappers*.py``, or of
   ``gateway.py`` when it has no wrapper modules) is called through ``gateway`` with the
   arguments its callers in either end pass (literal arguments read from the call sites;
   a name the caller passes becomes a value of the kind its name says), three times,
   then again past the dispatcher's fast-path threshold (25 calls), each call under a
   time limit (a mixed tree can deadlock on a lock).

Each probe's outcome is ``ok``, ``error`` (a returned error: ``success: False``, an
``error`` key, ``statusCode`` ≥ 500, an Alexa ``ErrorResponse``), ``raise`` or ``hang``.
A *regression* of a mixed tree is a probe that is ``ok`` in the old tree (in both of two
old runs: flaky probes are dropped) and is not ``ok`` in the mixed one; everything else
(what the old tree already fails) is ignored.

Per change set it runs the old tree twice, every file alone, the complete new tree and
every leave-one-out tree (everything but one file), then derives:

- ``safe_alone``: files whose mixed tree has no regression;
- ``do_not_ship``: files f with a regression r in baseline + f that the complete new tree
  also has and that leaving f out of the complete new tree repairs (f brings r in);
- ``groups``: for each other file that fails alone, the smallest clean set containing it,
  found by deleting files one at a time from the clean pool (every changed file but the
  do-not-ship ones), then checked: the group is clean and every member left out breaks it.

Usage::

    python bench/deploy_groups_truth.py [--sets 9d3d21d-278612b,...] [--workers 2]
        [--out bench/deploy_groups_truth.json]
"""

from __future__ import annotations

import argparse
import ast
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

HISTORY = Path(__file__).resolve().parents[2] / "shared/realworld/engine/history"
if not HISTORY.is_dir():
    HISTORY = Path("/work/shared/realworld/engine/history")
_SKIP_DIRS = {"__pycache__", "tests", ".git"}
_REPEATS = (1, 2, 3, 25)  # calls after which the outcome is recorded (fast path at 20)
_CALL_LIMIT = 1.5  # seconds per batch of forked probes before the rest count as hangs
_AT_ONCE = 40
_IDLE_LIMIT = 1.0  # seconds without CPU use after which a probe is a hang
_HARD_LIMIT = 60.0  # probes forked at a time (a hung probe sleeps on its lock)
_CHILD_LIMIT = 240.0

EVENTS: list[tuple[str, dict[str, Any]]] = [
    (
        "alexa-discovery",
        {
            "directive": {
                "header": {
                    "namespace": "Alexa.Discovery",
                    "name": "Discover",
                    "payloadVersion": "3",
                    "messageId": "m-1",
                },
                "payload": {"scope": {"type": "BearerToken", "token": "tok"}},
            }
        },
    ),
    (
        "alexa-power-on",
        {
            "directive": {
                "header": {
                    "namespace": "Alexa.PowerController",
                    "name": "TurnOn",
                    "payloadVersion": "3",
                    "messageId": "m-2",
                    "correlationToken": "c-2",
                },
                "endpoint": {
                    "scope": {"type": "BearerToken", "token": "tok"},
                    "endpointId": "light.kitchen",
                    "cookie": {},
                },
                "payload": {},
            }
        },
    ),
    (
        "alexa-accept-grant",
        {
            "directive": {
                "header": {
                    "namespace": "Alexa.Authorization",
                    "name": "AcceptGrant",
                    "payloadVersion": "3",
                    "messageId": "m-3",
                },
                "payload": {
                    "grant": {"type": "OAuth2.AuthorizationCode", "code": "code"},
                    "grantee": {"type": "BearerToken", "token": "tok"},
                },
            }
        },
    ),
    (
        "alexa-report-state",
        {
            "directive": {
                "header": {
                    "namespace": "Alexa",
                    "name": "ReportState",
                    "payloadVersion": "3",
                    "messageId": "m-4",
                    "correlationToken": "c-4",
                },
                "endpoint": {
                    "scope": {"type": "BearerToken", "token": "tok"},
                    "endpointId": "light.kitchen",
                },
                "payload": {},
            }
        },
    ),
    (
        "alexa-launch",
        {
            "version": "1.0",
            "session": {"new": True, "sessionId": "s-1"},
            "request": {"type": "LaunchRequest", "requestId": "r-1"},
        },
    ),
    ("diagnostic-full", {"test_type": "full"}),
    ("diagnostic-network", {"test_type": "network_test"}),
    ("diagnostic-configuration", {"test_type": "configuration"}),
    ("health-check", {"health_check": True}),
    ("api-health", {"httpMethod": "GET", "path": "/health", "queryStringParameters": {}}),
]
MODES: list[tuple[str, dict[str, str]]] = [
    ("default", {}),
    ("failsafe", {"LAMBDA_MODE": "failsafe", "LEE_FAILSAFE_ENABLED": "true"}),
    ("diagnostic", {"LAMBDA_MODE": "diagnostic"}),
    ("emergency", {"LAMBDA_MODE": "emergency"}),
]


# ----------------------------------------------------------------------------- child side


def _child(tree: str, plan_file: str) -> None:
    """Runs inside the fresh interpreter: prints one JSON object of probe → outcome."""
    import socket
    import threading

    def blocked(*_args: Any, **_kwargs: Any) -> Any:
        raise OSError(101, "network blocked (ground-truth harness)")

    socket.socket.connect = blocked  # type: ignore[method-assign]
    socket.socket.connect_ex = blocked  # type: ignore[method-assign]
    socket.create_connection = blocked
    socket.getaddrinfo = blocked
    plan = json.loads(Path(plan_file).read_text())
    sys.path.insert(0, tree)
    os.chdir(tree)
    out: dict[str, str] = {}
    real_stdout = sys.stdout
    sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - the engine prints a lot
    logging_off()

    def timed(function: Any) -> str:
        box: list[str] = []

        def run() -> None:
            try:
                box.append(classify(function()))
            except BaseException as error:
                box.append(f"raise {type(error).__name__}: {str(error)[:160]}")

        thread = threading.Thread(target=run, daemon=True)
        thread.start()
        thread.join(_CALL_LIMIT)
        return box[0] if box else "hang"

    for module in plan["modules"]:
        out[f"import {module}"] = timed(lambda m=module: __import__(m) and None)
    probes: list[tuple[str, Any]] = []
    for mode, env in MODES:
        for name, event in EVENTS:
            probes.append((f"handler {mode} {name}", ("handler", env, event)))
    for wrapper, module, arguments in plan["calls"]:
        probes.append((f"call {wrapper}({arguments})", ("call", wrapper, module, arguments)))
    for start in range(0, len(probes), _AT_ONCE):
        out.update(_forked(probes[start : start + _AT_ONCE]))
    sys.stdout = real_stdout
    print(json.dumps(out))
    sys.stdout.flush()
    os._exit(0)


def _forked(probes: list[tuple[str, Any]]) -> dict[str, str]:
    """Each probe in a fork of the imported interpreter (a probe that deadlocks on a lock
    poisons only itself), up to ``_AT_ONCE`` at a time, all under one time limit."""
    import select
    import signal

    running: dict[int, tuple[str, int]] = {}
    found: dict[str, str] = {}
    for label, probe in probes:
        read, write = os.pipe()
        pid = os.fork()
        if pid == 0:
            os.close(read)
            try:
                result = _probe(label, probe)
            except BaseException as error:
                result = {label: f"raise {type(error).__name__}: {str(error)[:160]}"}
            os.write(write, json.dumps(result).encode())
            os._exit(0)
        os.close(write)
        running[read] = (label, pid)
    # A probe hangs when it sleeps without using CPU (a deadlock on a lock), not when the
    # machine is slow: wall-clock limits alone made load look like hangs.
    started = time.monotonic()
    buffers: dict[int, bytes] = {fd: b"" for fd in running}
    open_fds = set(running)
    last: dict[int, tuple[float, float]] = {}  # fd → (cpu seconds, when it last changed)
    while open_fds and time.monotonic() - started < _HARD_LIMIT:
        ready, _, _ = select.select(list(open_fds), [], [], 0.25)
        for fd in ready:
            chunk = os.read(fd, 65536)
            if chunk:
                buffers[fd] += chunk
            else:
                open_fds.discard(fd)
        now = time.monotonic()
        for fd in list(open_fds):
            cpu = _cpu_seconds(running[fd][1])
            before = last.get(fd)
            if before is None or cpu != before[0]:
                last[fd] = (cpu, now)
            elif now - before[1] > _IDLE_LIMIT and now - started > _CALL_LIMIT:
                open_fds.discard(fd)  # idle: deadlocked or sleeping for good
                buffers[fd] = b"hang"
    for fd, (label, pid) in running.items():
        if fd in open_fds or buffers[fd] == b"hang":
            os.kill(pid, signal.SIGKILL)
            found[label] = "hang"
        else:
            try:
                found.update(json.loads(buffers[fd].decode()))
            except ValueError:
                found[label] = "crash"
        os.close(fd)
        os.waitpid(pid, 0)
    return found


def _cpu_seconds(pid: int) -> float:
    """User + system CPU time of *pid* (Linux ``/proc``); 0 when it cannot be read."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return 0.0


def _probe(label: str, probe: Any) -> dict[str, str]:
    if probe[0] == "handler":
        _kind, env, event = probe
        os.environ.update(env)
        try:
            value = __import__("lambda_function").lambda_handler(event, _Context())
            return {label: classify(value)}
        except BaseException as error:
            return {label: f"raise {type(error).__name__}: {str(error)[:160]}"}
    _kind, wrapper, module, arguments = probe
    target = None
    try:
        target = getattr(__import__("gateway"), wrapper, None)
    except BaseException:
        pass
    if target is None:
        try:
            target = getattr(__import__(module), wrapper, None)
        except BaseException:
            target = None
    if target is None:
        return {f"{label} #{count}": "raise missing wrapper" for count in _REPEATS}
    args, kwargs = ast.literal_eval(arguments)
    result: dict[str, str] = {}
    done = 0
    for count in _REPEATS:
        while done < count:
            try:
                outcome = classify(target(*args, **kwargs))
            except BaseException as error:
                outcome = f"raise {type(error).__name__}: {str(error)[:160]}"
            done += 1
        result[f"{label} #{count}"] = outcome
    return result


class _Context:
    function_name = "lee-truth"
    function_version = "$LATEST"
    invoked_function_arn = "arn:aws:lambda:us-east-1:123456789012:function:lee-truth"
    memory_limit_in_mb = 128
    aws_request_id = "req-1"
    log_group_name = "/aws/lambda/lee-truth"
    log_stream_name = "stream"

    def get_remaining_time_in_millis(self) -> int:
        return 30000


def logging_off() -> None:
    import logging

    logging.disable(logging.CRITICAL)


def classify(value: Any) -> str:
    """``ok`` or ``error …`` for a returned value (an error the code reports without raising)."""
    if isinstance(value, dict):
        if value.get("success") is False:
            return f"error {str(value.get('error', ''))[:120]}"
        if value.get("error") and value.get("error") is not True:
            return f"error {str(value.get('error'))[:120]}"
        status = value.get("statusCode")
        if isinstance(status, int) and status >= 500:
            return f"error status {status}"
        header = (
            value.get("event", {}).get("header", {}) if isinstance(value.get("event"), dict) else {}
        )
        if isinstance(header, dict) and header.get("name") == "ErrorResponse":
            payload = value.get("event", {}).get("payload", {})
            return f"error alexa {payload.get('type', '?') if isinstance(payload, dict) else '?'}"
    return "ok"


# ----------------------------------------------------------------------------- parent side


def modules_of(root: Path) -> list[str]:
    """Importable production modules of *root* (packages too; tests left out)."""
    found = []
    for path in sorted(root.rglob("*.py")):
        rel = path.relative_to(root)
        if any(part in _SKIP_DIRS for part in rel.parts) or rel.name.startswith("test_"):
            continue
        if rel.parts == ("__init__.py",):
            continue
        parts = list(rel.with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        if all(part.isidentifier() for part in parts):
            found.append(".".join(parts))
    return found


def _wrappers(root: Path) -> dict[str, str]:
    """Wrapper name → its module: public functions of ``gateway_wrappers*.py`` (else ``gateway.py``)."""
    files = sorted(root.glob("gateway_wrappers*.py")) or sorted(root.glob("gateway.py"))
    found: dict[str, str] = {}
    for path in files:
        try:
            tree = ast.parse(path.read_text(errors="replace"))
        except SyntaxError:
            continue
        for node in tree.body:
            if isinstance(node, ast.FunctionDef) and not node.name.startswith("_"):
                if path.name == "gateway.py" and "execute_operation" not in ast.unparse(node):
                    continue
                found.setdefault(node.name, path.stem)
    return found


_KINDS = (
    (
        (
            "data",
            "body",
            "payload",
            "dict",
            "params",
            "config",
            "context",
            "event",
            "kwargs",
            "headers",
            "metadata",
            "dimensions",
            "tags",
            "details",
            "state",
            "attributes",
        ),
        {},
    ),
    (
        (
            "count",
            "ttl",
            "timeout",
            "size",
            "limit",
            "value_ms",
            "duration",
            "seconds",
            "amount",
            "threshold",
            "max",
            "retries",
        ),
        1,
    ),
    (("list", "items", "keys", "entities", "names"), []),
    (("enabled", "flag", "force", "verbose"), True),
)


def _placeholder(node: ast.expr) -> Any:
    try:
        return ast.literal_eval(node)
    except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
        pass
    name = ast.unparse(node).lower()
    if isinstance(node, ast.JoinedStr):
        return "test"
    for words, value in _KINDS:
        if any(word in name for word in words):
            return value
    return "test"


def call_plan(ends: Iterable[Path]) -> list[tuple[str, str, str]]:
    """(wrapper, module, ``repr((args, kwargs))``) for every distinct call a caller makes."""
    ends = list(ends)
    wrappers: dict[str, str] = {}
    for root in ends:
        for name, module in _wrappers(root).items():
            wrappers.setdefault(name, module)
    seen: dict[str, list[str]] = {}
    for root in ends:
        for path in sorted(root.rglob("*.py")):
            rel = path.relative_to(root)
            if any(part in _SKIP_DIRS for part in rel.parts) or rel.name.startswith("test_"):
                continue
            try:
                tree = ast.parse(path.read_text(errors="replace"))
            except SyntaxError:
                continue
            for node in ast.walk(tree):
                if not isinstance(node, ast.Call):
                    continue
                func = node.func
                name = (
                    func.id
                    if isinstance(func, ast.Name)
                    else func.attr
                    if isinstance(func, ast.Attribute)
                    else None
                )
                if name not in wrappers:
                    continue
                if isinstance(func, ast.Attribute) and ast.unparse(func.value) not in (
                    "gateway",
                    "gw",
                ):
                    continue
                if any(isinstance(a, ast.Starred) for a in node.args) or any(
                    k.arg is None for k in node.keywords
                ):
                    continue
                args = tuple(_placeholder(a) for a in node.args)
                kwargs = {k.arg: _placeholder(k.value) for k in node.keywords if k.arg}
                text = repr((args, kwargs))
                calls = seen.setdefault(name, [])
                if text not in calls and len(calls) < 3:
                    calls.append(text)
    plan = []
    for name, module in sorted(wrappers.items()):
        for text in seen.get(name) or [repr(((), {}))]:
            plan.append((name, module, text))
    return plan


class Pair:
    """One change set: its two ends, the changed files, and memoised mixed-tree runs."""

    def __init__(self, name: str, scratch: Path) -> None:
        self.name = name
        self.old = HISTORY / name / "old/src"
        self.new = HISTORY / name / "new/src"
        self.scratch = scratch
        old_files = {
            p.relative_to(self.old).as_posix()
            for p in self.old.rglob("*")
            if p.is_file() and "__pycache__" not in p.parts
        }
        new_files = {
            p.relative_to(self.new).as_posix()
            for p in self.new.rglob("*")
            if p.is_file() and "__pycache__" not in p.parts
        }
        self.changed = sorted(
            n
            for n in old_files | new_files
            if n not in old_files
            or n not in new_files
            or (self.old / n).read_bytes() != (self.new / n).read_bytes()
        )
        modules = sorted(set(modules_of(self.old)) | set(modules_of(self.new)))
        self.plan_file = scratch / f"{name}-plan.json"
        self.plan_file.write_text(
            json.dumps({"modules": modules, "calls": call_plan((self.old, self.new))})
        )
        self.cache: dict[frozenset[str], dict[str, str]] = {}
        self.runs = 0
        self.seconds: list[float] = []

    def build(self, files: frozenset[str], where: Path) -> None:
        shutil.copytree(self.old, where, ignore=shutil.ignore_patterns("__pycache__"))
        for name in files:
            target = where / name
            source = self.new / name
            if source.is_file():
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(source, target)
            elif target.exists():
                target.unlink()

    def run(self, files: frozenset[str], *, fresh: bool = False) -> dict[str, str]:
        if files in self.cache and not fresh:
            return self.cache[files]
        where = Path(tempfile.mkdtemp(dir=self.scratch)) / "src"
        self.build(files, where)
        env = {
            "PATH": os.environ.get("PATH", ""),
            "HOME": str(where.parent),
            "AWS_ACCESS_KEY_ID": "testing",
            "AWS_SECRET_ACCESS_KEY": "testing",
            "AWS_DEFAULT_REGION": "us-east-1",
            "AWS_EC2_METADATA_DISABLED": "true",
            "AWS_MAX_ATTEMPTS": "1",
            "PYTHONHASHSEED": "0",
        }
        started = time.perf_counter()
        try:
            done = subprocess.run(
                [sys.executable, "-I", "-B", __file__, "--child", str(where), str(self.plan_file)],
                capture_output=True,
                text=True,
                timeout=_CHILD_LIMIT,
                env=env,
                cwd=where,
            )
            lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
            result = json.loads(lines[-1]) if lines else {"child": f"crash {done.stderr[-300:]}"}
        except subprocess.TimeoutExpired:
            result = {"child": "hang"}
        self.seconds.append(time.perf_counter() - started)
        self.runs += 1
        shutil.rmtree(where.parent, ignore_errors=True)
        if not fresh:
            self.cache[files] = result
        return result


_TIMING = ("Rate limit exceeded",)  # outcomes that depend on calls per second, not on code


def regressions(
    old: dict[str, str], old_again: dict[str, str], mixed: dict[str, str]
) -> dict[str, str]:
    """Probes ``ok`` in both old runs and not ``ok`` in *mixed* → the mixed outcome."""
    return {
        probe: mixed.get(probe, "missing")
        for probe, outcome in old.items()
        if outcome == "ok"
        and old_again.get(probe) == "ok"
        and mixed.get(probe, "missing") != "ok"
        and not any(word in mixed.get(probe, "") for word in _TIMING)
    }


def establish(name: str, scratch: Path, workers: int) -> dict[str, Any]:
    started = time.perf_counter()
    pair = Pair(name, scratch)
    everything = frozenset(pair.changed)
    pool = ThreadPoolExecutor(max_workers=workers)

    def batch(sets: list[frozenset[str]]) -> None:
        list(pool.map(pair.run, [s for s in sets if s not in pair.cache]))

    old = pair.run(frozenset())
    old_again = pair.run(frozenset(), fresh=True)
    singles = [frozenset({n}) for n in pair.changed]
    batch([everything, *singles])

    confirmed: dict[frozenset[str], dict[str, str]] = {}

    def reg(files: frozenset[str]) -> dict[str, str]:
        """Regressions seen in two runs of the tree (a slow machine must not make one up)."""
        if files not in confirmed:
            found = regressions(old, old_again, pair.run(files))
            if found:
                again = regressions(old, old_again, pair.run(files, fresh=True))
                found = {probe: outcome for probe, outcome in found.items() if probe in again}
            confirmed[files] = found
        return confirmed[files]

    full = reg(everything)
    alone = {n: reg(frozenset({n})) for n in pair.changed}
    safe = [n for n in pair.changed if not alone[n]]
    # leave-one-out trees, for the files whose breaks the complete new version has too
    batch(
        [
            everything - {n}
            for n in pair.changed
            if set(alone[n]) & set(full) and len(pair.changed) > 1
        ]
    )
    do_not_ship: dict[str, dict[str, str]] = {}
    for n in pair.changed:
        blamed = {
            probe: outcome
            for probe, outcome in alone[n].items()
            if probe in full and probe not in reg(everything - {n})
        }
        if blamed:
            do_not_ship[n] = blamed
    candidates = [n for n in pair.changed if n not in do_not_ship]
    clean_pool = frozenset(candidates)

    def clean(files: frozenset[str]) -> bool:
        allowed = set(full) if files == clean_pool else set()
        return not (set(reg(files)) - allowed)

    groups: list[list[str]] = []
    notes: list[str] = []
    pool_regressions = set(reg(clean_pool))
    # what leaving each file out of the complete new version breaks (already run)
    anchors = [n for n in candidates if n not in safe]
    if anchors:  # which files the complete new version cannot do without: partner candidates
        batch([everything - {n} for n in candidates])
    left_out = {n: set(reg(everything - {n})) - set(full) for n in candidates} if anchors else {}
    for anchor in candidates:
        if anchor in safe:
            continue
        members = {anchor}
        for _ in range(len(candidates)):
            missing = set(reg(frozenset(members))) - pool_regressions
            if not missing:
                break
            partners = {
                g for g in candidates if g not in members and left_out.get(g, set()) & missing
            }
            if not partners:
                members = set(clean_pool)  # nothing names a partner: delete from the whole pool
                break
            members |= partners
        target = set(reg(frozenset(members)))
        for other in sorted(members - {anchor}, key=pair.changed.index):
            trial = frozenset(members - {other})
            if set(reg(trial)) <= target | pool_regressions:
                members.discard(other)
        if set(reg(frozenset(members))) - pool_regressions:
            notes.append(f"{anchor}: no clean group found")
        group = [anchor] + sorted(members - {anchor}, key=pair.changed.index)
        if sorted(group) not in [sorted(g) for g in groups]:
            groups.append(group)
    # confirm each group: clean, and each member left out breaks it
    checked = []
    for group in groups:
        files = frozenset(group)
        base_regressions = set(reg(files))
        needed = (
            all(set(reg(files - {m})) - base_regressions for m in group[1:])
            if len(group) > 1
            else True
        )
        checked.append(
            {
                "files": group,
                "regressions": sorted(base_regressions)[:5],
                "each_member_needed": needed,
            }
        )
    pool.shutdown()
    return {
        "changed": pair.changed,
        "safe_alone": safe,
        "fail_alone": {n: _first(alone[n]) for n in pair.changed if alone[n]},
        "do_not_ship": {n: _first(v) for n, v in do_not_ship.items()},
        "groups": checked,
        "new_version_regressions": len(full),
        "new_version_examples": _first_n(full, 6),
        "baseline_probes": len(old),
        "baseline_ok": sum(1 for p, o in old.items() if o == "ok" and old_again.get(p) == "ok"),
        "flaky": sorted(p for p, o in old.items() if (o == "ok") != (old_again.get(p) == "ok"))[
            :10
        ],
        "trees": pair.runs,
        "seconds": round(time.perf_counter() - started, 1),
        "median_tree_seconds": round(sorted(pair.seconds)[len(pair.seconds) // 2], 2),
        "notes": notes,
    }


def _first(found: dict[str, str]) -> str:
    probe = sorted(found)[0]
    return f"{len(found)} probe(s), e.g. {probe} -> {found[probe]}"


def _first_n(found: dict[str, str], count: int) -> list[str]:
    return [f"{p} -> {found[p]}" for p in sorted(found)[:count]]


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        _child(sys.argv[2], sys.argv[3])
        return
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sets", default="")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--out", default="")
    options = parser.parse_args()
    if not HISTORY.is_dir():
        raise SystemExit(f"no {HISTORY}: the ground truth needs ../shared")
    names = options.sets.split(",") if options.sets else sorted(p.name for p in HISTORY.iterdir())
    print(f"load: {os.getloadavg()}", flush=True)
    truth: dict[str, Any] = {}
    out = Path(options.out) if options.out else None
    if out is not None and out.is_file():
        truth = json.loads(out.read_text())
    with tempfile.TemporaryDirectory(prefix="lee-truth-") as scratch:
        for name in names:
            truth[name] = establish(name, Path(scratch), options.workers)
            entry = truth[name]
            print(
                f"{name}: {len(entry['changed'])} files, safe {len(entry['safe_alone'])}, "
                f"groups {[g['files'] for g in entry['groups']]}, do-not-ship {sorted(entry['do_not_ship'])}, "
                f"{entry['trees']} trees, {entry['seconds']} s, load {os.getloadavg()[0]:.1f}",
                flush=True,
            )
            if out is not None:
                out.write_text(json.dumps(truth, indent=1, sort_keys=True) + "\n")


if __name__ == "__main__":
    main()
