"""The parent side of a contract check: one child process per tree, watched, restarted.

pytest never imports the user's modules: a registry module that loops, calls
``os._exit``, starts a non-daemon thread, raises ``KeyboardInterrupt``, prints
100 MB or patches ``json.dumps`` at import would take the session with it. This
module reads the source statically (probes, import graph, the leaf modules the
registry reaches), sends it to one child (``_child``) that imports the tree once
and checks every key, and reads its events as they come.

Time limits: each step that runs user code — one import, one probe — has
``[tool.lee.function] timeout_s`` (Lambda's own limit for an invocation), enforced
in the child by ``SIGALRM`` and here by a watchdog that allows two more seconds.
Nothing limits the child as a whole: a tree of 130 modules and 170 probes takes
what it takes. When the child is stopped or dies during a step, that step is
charged with it (a probe: ``fail``; an import: the module fails to import for
the next child) and a new child carries on, skipping what is done.

Entry points (no pytest in here: the items, the fixture, the deploy-group simulation
and tools call them): :func:`run_tree` (every key of every contract, one child per
tree), :func:`run_key` (one key, optionally with explicit probes), :func:`run_keys`
(each contract's key labels only).
"""

from __future__ import annotations

import fnmatch
import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from pytest_lee.contracts.calls import sideways_records
from pytest_lee.contracts.child.facts import import_graph, reach, tree_files
from pytest_lee.contracts.child.registry import ContractSetupError
from pytest_lee.contracts.child.spies import LeafCall
from pytest_lee.contracts.probes import Probe, call_site_probes, configured_probe
from pytest_lee.contracts.results import ContractSpec, KeyResult, ProbeResult, summarise
from pytest_lee.contracts.watch import Events, run_child

MAX_CHILDREN = 50
_MEMO: dict[str, list[KeyResult]] = {}


def run_tree(
    source: Path,
    specs: Sequence[ContractSpec],
    *,
    files: Iterable[str] | None = None,
    timeout_s: float = 3.0,
    environment: Mapping[str, str] | None = None,
    paths: Sequence[str] = (),
) -> list[KeyResult]:
    """Every key of every contract of the tree at *source*, checked in one child process.

    *files* are the files that go into the package (relative, posix): only they give
    call sites and import edges (default: every ``.py`` under *source*). A contract
    whose registry cannot be loaded gives one result with key ``*``. Results are
    memoised per tree content, so the items of one session share one child.
    """
    source = Path(source).resolve()
    names = None if files is None else sorted(files)
    contracts = [contract_request(source, spec, names) for spec in specs]
    memo = _memo_key(source, contracts, names, timeout_s, environment, paths=paths)
    known = _MEMO.get(memo)
    if known is None:

        def probes() -> dict[str, Any]:
            return {
                "probes": [_wired(contract_probes(source, spec, names)) for spec in specs],
                "calls": [contract_calls(source, spec, names) for spec in specs],
            }

        request = {**_request(source, contracts, timeout_s), "paths": list(paths)}
        events = _run(request, probes, timeout_s, environment, source)
        known = _assemble(specs, events)
        # One tree at a time (a simulation's mixed trees are each checked once); the
        # result is returned from the local, so a thread checking another tree that
        # clears the memo meanwhile cannot take it away.
        _MEMO.clear()
        _MEMO[memo] = known
    return list(known)


def run_key(
    source: Path,
    spec: ContractSpec,
    label: str,
    probes: Sequence[Probe] | None,
    *,
    files: Iterable[str] | None = None,
    timeout_s: float = 3.0,
    environment: Mapping[str, str] | None = None,
    paths: Sequence[str] = (),
) -> KeyResult:
    """One key: every default probe (*probes* None), or exactly *probes* (a hand-written check)."""
    source = Path(source).resolve()
    if probes is None:
        results = run_tree(
            source,
            [spec],
            files=files,
            timeout_s=timeout_s,
            environment=environment,
            paths=paths,
        )
    else:
        names = None if files is None else sorted(files)
        contract = contract_request(source, spec, names, keys=[label])
        wired = {"probes": [_wired(probes)], "calls": [[]]}
        request = {**_request(source, [contract], timeout_s), "paths": list(paths)}
        events = _run(request, lambda: wired, timeout_s, environment, source)
        results = _assemble([spec], events, keys=[label])
    for result in results:
        if result.key in (label, "*"):
            return result
    known = [result.key for result in results]
    return KeyResult(
        spec.registry,
        label,
        "fail",
        f"registry {spec.registry} has no key {label!r} (keys: {', '.join(known)})",
    )


def run_keys(
    source: Path,
    specs: Sequence[ContractSpec],
    *,
    timeout_s: float = 3.0,
    environment: Mapping[str, str] | None = None,
    paths: Sequence[str] = (),
) -> list[list[str] | ContractSetupError]:
    """Each contract's key labels, or why its registry cannot be loaded; one child for all."""
    source = Path(source).resolve()
    contracts = [{"spec": spec.as_dict(), "keys_only": True} for spec in specs]
    request = {**_request(source, contracts, timeout_s), "paths": list(paths)}
    events = _run(request, dict, timeout_s, environment, source)
    answers: list[list[str] | ContractSetupError] = []
    for number, spec in enumerate(specs):
        if (number, "*") in events.setups:
            answers.append(ContractSetupError(events.setups[(number, "*")]))
        elif number in events.keys:
            answers.append(events.keys[number])
        else:
            cause = events.crash or "no keys reported"
            answers.append(ContractSetupError(f"registry {spec.registry}: {cause}"))
    return answers


def contract_request(
    source: Path,
    spec: ContractSpec,
    files: Iterable[str] | None,
    *,
    keys: Sequence[str] | None = None,
) -> dict[str, Any]:
    """What the child needs to import for one contract, read statically (and cheaply)."""
    paths = tree_files(source, files)
    graph = import_graph(source, paths)
    wiring = {spec.registry.partition(":")[0]}
    if spec.dispatcher:
        wiring.add(spec.dispatcher.partition(":")[0])
    reached = reach(graph, wiring)
    leaf_modules = sorted(
        name
        for name in reached
        if name not in wiring and any(fnmatch.fnmatchcase(name, p) for p in spec.leaves)
    )
    anywhere = any(
        name not in wiring and any(fnmatch.fnmatchcase(name, p) for p in spec.leaves)
        for name in graph
    )
    return {
        "spec": spec.as_dict(),
        "keys": None if keys is None else list(keys),
        "leaves_exist": anywhere,  # none reached statically: a computed import may reach one
        "graph": {name: graph[name] for name in sorted(reached) if name in graph},
        "leaf_modules": leaf_modules,
    }


def contract_probes(source: Path, spec: ContractSpec, files: Iterable[str] | None) -> list[Probe]:
    """The configured probe (unless ``operation = false``) and every call site of the dispatcher."""
    probes = [configured_probe(spec.operation, spec.kwargs)] if spec.operation is not None else []
    if spec.dispatcher:
        probes += list(call_site_probes(source, spec.dispatcher, files))
    return probes


def contract_calls(
    source: Path, spec: ContractSpec, files: Iterable[str] | None
) -> list[dict[str, Any]]:
    """The calls between the modules the registry network reaches (``calls``), as records."""
    paths = tree_files(source, files)
    graph = import_graph(source, paths)
    wiring = {spec.registry.partition(":")[0]}
    if spec.dispatcher:
        wiring.add(spec.dispatcher.partition(":")[0])
    skip = [spec.dispatcher.partition(":")[::2]] if spec.dispatcher else []
    module, _, attribute = spec.registry.partition(":")
    lookups = (attribute.rpartition(".")[2], module.rpartition(".")[2])
    return sideways_records(source, paths, reach(graph, wiring), graph, skip=skip, lookups=lookups)


def _wired(probes: Sequence[Probe]) -> list[dict[str, Any]]:
    return [probe.to_wire() for probe in probes]


def _request(source: Path, contracts: list[dict[str, Any]], timeout_s: float) -> dict[str, Any]:
    return {"protocol": 2, "source": str(source), "timeout_s": timeout_s, "contracts": contracts}


def _memo_key(
    source: Path,
    contracts: list[dict[str, Any]],
    files: list[str] | None,
    timeout_s: float,
    environment: Mapping[str, str] | None,
    *,
    paths: Sequence[str],
) -> str:
    stamps = []
    for path in tree_files(source, files):
        stat = path.stat()
        stamps.append((str(path), stat.st_mtime_ns, stat.st_size))
    return json.dumps(
        [str(source), contracts, timeout_s, sorted((environment or {}).items()), paths, stamps],
        sort_keys=True,
        default=repr,
    )


def _run(
    request: dict[str, Any],
    probes: Callable[[], dict[str, Any]],
    timeout_s: float,
    environment: Mapping[str, str] | None,
    cwd: Path,
) -> Events:
    events = Events()
    known: list[dict[str, Any]] = []

    def wired() -> dict[str, Any]:
        if not known:
            known.append(probes())
        return known[0]

    broken: dict[str, str] = {}
    skip: set[tuple[int, str, int]] = set()
    for _ in range(MAX_CHILDREN):
        attempt = {**request, "broken": broken, "skip": sorted(skip)}
        stopped = run_child(
            attempt, wired, timeout_s=timeout_s, environment=environment, cwd=cwd, events=events
        )
        if stopped is None:
            return events
        step, reason = stopped
        if step is None:
            events.crash = reason
            return events
        if step["event"] == "import" and step["module"] not in broken:
            broken[step["module"]] = reason.replace("did not finish", "did not finish importing")
        elif step["event"] == "probe":
            number = (step["contract"], step["key"], step["index"])
            skip.add(number)
            events.results[number] = _lost_probe(wired()["probes"], step, reason)
        else:
            events.crash = reason
            return events
    events.crash = f"stopped after {MAX_CHILDREN} contract child processes"
    return events


def _lost_probe(
    probes: list[list[dict[str, Any]]], step: dict[str, Any], reason: str
) -> dict[str, Any]:
    probe = probes[step["contract"]][step["index"]]
    origin = probe["origin"]
    where = "configured probe" if origin.startswith("[") else f"call site {origin}"
    call = f"operation {probe['operation']!r} ({where})"
    return {
        "status": "fail",
        "message": f"{call} {reason}",
        "call": call,
        "origin": origin,
        "reached": [],
        "implicated": [origin.rpartition(":")[0]] if ":" in origin else [],
        "cause": reason,
    }


def _assemble(
    specs: Sequence[ContractSpec], events: Events, keys: Sequence[str] | None = None
) -> list[KeyResult]:
    grouped: dict[tuple[int, str], list[tuple[int, dict[str, Any]]]] = {}
    for (number, label, index), event in events.results.items():
        grouped.setdefault((number, label), []).append((index, event))
    results: list[KeyResult] = []
    for number, spec in enumerate(specs):
        if (number, "*") in events.setups:
            results.append(KeyResult(spec.registry, "*", "fail", events.setups[(number, "*")]))
            continue
        labels = events.keys.get(number)
        if labels is None:
            cause = events.crash or "the contract child reported nothing"
            results.append(
                KeyResult(spec.registry, "*", "fail", f"registry {spec.registry}: {cause}")
            )
            continue
        for label in labels:
            if keys is not None and label not in keys:
                continue
            found = sorted(grouped.get((number, label), []), key=lambda item: item[0])
            results.append(_key_result(spec, number, label, events, [e for _, e in found]))
    return results


def _key_result(
    spec: ContractSpec, number: int, label: str, events: Events, found: list[dict[str, Any]]
) -> KeyResult:
    if (number, label) in events.setups:
        return KeyResult(spec.registry, label, "fail", events.setups[(number, label)])
    probes = [_probe_result(spec.registry, label, event) for event in found]
    if (number, label) not in events.checked and events.crash:
        message = f"not checked: {events.crash}"
        return KeyResult(spec.registry, label, "fail", message, tuple(probes))
    return summarise(spec.registry, label, probes)


def _probe_result(registry: str, label: str, event: Mapping[str, Any]) -> ProbeResult:
    return ProbeResult(
        registry,
        label,
        event["call"],
        event["origin"],
        event["status"],
        event["message"],
        tuple(LeafCall(**leaf) for leaf in event.get("reached", ())),
        tuple(event.get("implicated", ())),
        event.get("cause", ""),
        event.get("layer", "gateway"),
    )
