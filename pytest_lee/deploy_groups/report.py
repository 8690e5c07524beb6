"""The group search turned into the ``baseline`` report entry (and ``deploy_groups``).

Reasons stay next to what they explain: each group lists the failure that ties
each member to it (the anchor's failure alone; for each partner, what breaks
when it is left out), each file safe alone says how it was checked, the complete
new tree's failures have their own list ("broken in the new version whatever
ships") and a registry that loads at neither end is *not judged*, never
"safe".
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from pytest_lee.deploy_groups.attribution import BROKEN, broken, call_sites
from pytest_lee.deploy_groups.hazards import HANDLER
from pytest_lee.deploy_groups.treecheck import CallResult

if TYPE_CHECKING:
    from pytest_lee.deploy_groups.groups import Search


def outcome_fields(search: Search, registries: Sequence[str]) -> dict[str, Any]:
    """*search* as ``baseline.Outcome`` fields (the ``baseline`` JSON entry)."""
    group_reasons: list[dict[str, Any]] = []
    reasons: dict[str, str] = {}
    for group in search.groups:
        anchor, failure = group.ties[0]
        reasons.setdefault(anchor, failure.cause or failure.message.split("\n", maxsplit=1)[0])
        group_reasons.append(
            {
                "files": list(group.files),
                "exact": group.exact,
                "ties": [
                    {
                        "file": member,
                        "when": "alone" if index == 0 else "left out",
                        **tie.as_entry(),
                    }
                    for index, (member, tie) in enumerate(group.ties)
                ],
            }
        )
    grouped = {name for group in search.groups for name in group.files}
    safe_alone = tuple(name for name in search.safe_alone if name not in grouped)
    at_baseline = broken(search.base, call_sites((search.base, search.full)))
    unjudged = not_judged(search.base, search.full, registries)
    handler = any(r.registry == HANDLER and r.status == "ok" for r in (*search.base, *search.full))
    if len(unjudged) == len(registries) and not handler and safe_alone:
        unjudged.append(
            f"{_files(len(safe_alone))}: no contract loads and the handler imports "
            "cleanly at neither end, so none is called safe alone"
        )
        safe_alone = ()
    return {
        "groups": tuple(group.files for group in search.groups),
        "reasons": reasons,
        "group_reasons": group_reasons,
        "safe_alone": safe_alone,
        "safe_alone_checks": dict(search.safe_alone),
        "fail_alone": tuple(search.fail_alone),
        "alternatives": {
            name: [list(files) for files in options]
            for name, options in search.alternatives.items()
        },
        "preexisting": tuple(
            sorted({r.call for r in search.base if r.status == "fail" and r.call != "*"})
        ),
        "new_version_failures": [
            {**r.as_entry(), "also_at_baseline": r.identity in at_baseline}
            for r in search.full
            if r.status == "fail"
        ],
        "not_judged": unjudged,
    }


def not_judged(
    base: Sequence[CallResult], full: Sequence[CallResult], registries: Sequence[str]
) -> list[str]:
    """Registries that load at neither end: nothing about them was checked."""
    found = []
    for registry in registries:
        before = _whole(base, registry)
        after = _whole(full, registry)
        if before is not None and after is not None:
            found.append(
                f"contract {registry} loads at neither end, none of its calls was checked "
                f"(new: {_first(after)}; baseline: {_first(before)})"
            )
    return found


def _whole(results: Sequence[CallResult], registry: str) -> CallResult | None:
    return next(
        (
            r
            for r in results
            if r.status in BROKEN and r.key == "*" and r.registry in (registry, "*")
        ),
        None,
    )


def _first(result: CallResult) -> str:
    return (result.cause or result.message).split("\n")[0]


def describe_tie(tie: dict[str, Any]) -> str:
    """One line for a tie of the report: where the call is and what broke."""
    where = f" at {tie['origin']}" if tie.get("origin") else ""
    call = "" if tie.get("call") in (None, "*") else f"{tie['call']}{where}: "
    return f"{call}{tie['cause']}"


def _files(count: int) -> str:
    return f"{count} changed file{'s' if count != 1 else ''}"
