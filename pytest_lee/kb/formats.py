"""Output formats of ``lee-kb lint``: ``text``, ``json``, ``github``, ``sarif``.

Each is a function ``LintResult → str`` with output sorted and stable (``lint`` sorts the
findings), so a diff between two runs shows only what changed. The JSON shape is the one
docs/outputs.md documents; SARIF is 2.1.0 with one ``reportingDescriptor`` per rule (its id is the rule's
stable name) and a ``partialFingerprints`` entry per result that ignores line numbers, so a
finding keeps its identity when lines above it move.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from pathlib import PurePosixPath

from pytest_lee._text import count
from pytest_lee.kb.lint import LintResult
from pytest_lee.kb.rules import RULES

__all__ = ["FORMATS", "render"]

_SARIF_LEVEL = {"error": "error", "warning": "warning", "info": "note"}
_GITHUB_LEVEL = {"error": "error", "warning": "warning", "info": "notice"}
SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"


def render_text(result: LintResult) -> str:
    lines = [f"{f.path}:{f.line}: {f.rule} {f.message}" for f in result.findings]
    counts = {
        level: sum(f.severity == level for f in result.findings)
        for level in ("error", "warning", "info")
    }
    s = result.summary
    lines.append(
        f"lee-kb: {count(len(result.findings), 'finding')} "
        f"({counts['error']} error, {counts['warning']} warning, {counts['info']} info) in {count(s.files, 'file')}; "
        f"{s.refs} refs; {s.items} checklist items: {s.enforced} enforced, {s.waived} waived, {s.unenforced} unenforced"
    )
    return "\n".join(lines) + "\n"


def render_json(result: LintResult) -> str:
    s = result.summary
    data = {
        "findings": [
            {
                "rule": f.rule,
                "severity": f.severity,
                "path": f.path,
                "line": f.line,
                "message": f.message,
            }
            for f in result.findings
        ],
        "summary": {
            "files": s.files,
            "refs": s.refs,
            "items": s.items,
            "enforced": s.enforced,
            "waived": s.waived,
            "unenforced": s.unenforced,
        },
    }
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def render_github(result: LintResult) -> str:
    """GitHub Actions workflow commands: one annotation per finding."""
    lines = []
    for f in result.findings:
        level = _GITHUB_LEVEL.get(f.severity or "error", "error")
        props = (
            f"file={_gh_property(f.path)},line={f.line},title={_gh_property('lee-kb ' + f.rule)}"
        )
        lines.append(f"::{level} {props}::{_gh_data(f.message)}")
    return "\n".join(lines) + ("\n" if lines else "")


def render_sarif(result: LintResult) -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        tool_version = version("pytest-lee")
    except PackageNotFoundError:  # pragma: no cover - running from a source tree
        tool_version = "0"
    rule_index = {rule.name: position for position, rule in enumerate(RULES)}
    seen: dict[str, int] = {}
    results = []
    for f in result.findings:
        digest = hashlib.sha256(f"{f.rule}\0{f.path}\0{f.message}".encode()).hexdigest()[:32]
        seen[digest] = seen.get(digest, 0) + 1
        results.append(
            {
                "ruleId": f.rule,
                "ruleIndex": rule_index[f.rule],
                "level": _SARIF_LEVEL.get(f.severity or "error", "error"),
                "message": {"text": f.message},
                "locations": [
                    {
                        "physicalLocation": {
                            "artifactLocation": {"uri": _uri(f.path)},
                            "region": {
                                "startLine": max(f.line, 1),
                                "startColumn": max(f.column, 1),
                            },
                        }
                    }
                ],
                "partialFingerprints": {"leeKb/v1": f"{digest}:{seen[digest]}"},
            }
        )
    rules = [
        {
            "id": rule.name,
            "name": "".join(part.capitalize() for part in rule.name.split("-")),
            "shortDescription": {"text": rule.summary},
            "defaultConfiguration": {"level": _SARIF_LEVEL[rule.severity]},
        }
        for rule in RULES
    ]
    sarif = {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "lee-kb",
                        "version": tool_version,
                        "informationUri": "https://pypi.org/project/pytest-lee/",
                        "rules": rules,
                    }
                },
                "columnKind": "unicodeCodePoints",
                "results": results,
            }
        ],
    }
    return json.dumps(sarif, indent=2, ensure_ascii=False) + "\n"


def _uri(path: str) -> str:
    posix = PurePosixPath(path)
    if posix.is_absolute():
        from pathlib import Path

        return Path(path).as_uri()
    from urllib.parse import quote

    return quote(posix.as_posix())


def _gh_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _gh_property(text: str) -> str:
    return _gh_data(text).replace(":", "%3A").replace(",", "%2C")


FORMATS: dict[str, Callable[[LintResult], str]] = {
    "text": render_text,
    "json": render_json,
    "github": render_github,
    "sarif": render_sarif,
}


def render(result: LintResult, fmt: str) -> str:
    return FORMATS[fmt](result)
