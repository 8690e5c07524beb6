"""``lee-kb lint``: read the knowledge base and the tests, run the rules, apply severities
and suppressions, and sort — data in, data out; ``cli.py`` prints.

Suppression is an HTML comment, invisible when the markdown is rendered:
``<!-- lee-kb: disable=rule-a,rule-b -->`` silences those rules on its own line and the
next; ``<!-- lee-kb: disable-file=rule -->`` in the whole file (``all`` names every rule).
"""

from __future__ import annotations

import gc
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from pytest_lee.kb._paths import display_path, markdown_files
from pytest_lee.kb.config import DECLARE_FIELDS, KbConfig
from pytest_lee.kb.context import Context, Finding, build_context, normalise
from pytest_lee.kb.document import read_document
from pytest_lee.kb.ids import IdSyntax
from pytest_lee.kb.model import Document
from pytest_lee.kb.rules import RULES, rule_function
from pytest_lee.kb.tests_index import scan_tests

__all__ = ["LintResult", "Summary", "display_path", "lint", "load_documents", "markdown_files"]


_LEVELS = ("error", "warning", "info")


@dataclass(frozen=True)
class Summary:
    """Counts for the JSON summary: items are checklist items; refs are declared entries."""

    files: int
    refs: int
    items: int
    enforced: int
    waived: int
    unenforced: int


@dataclass(frozen=True)
class LintResult:
    findings: tuple[Finding, ...]
    summary: Summary
    usage_errors: tuple[str, ...]
    context: Context

    def at_least(self, severity: str) -> LintResult:
        """Only the findings at ``severity`` or above (``--min-severity``); input errors,
        which make the result incomplete, are always kept."""
        keep = _LEVELS[: _LEVELS.index(severity) + 1]
        findings = tuple(f for f in self.findings if f.severity in keep or f.rule == "input-error")
        return LintResult(findings, self.summary, self.usage_errors, self.context)

    @property
    def exit_code(self) -> int:
        """2 for usage or input errors (it wins), 1 for findings at error severity, else 0."""
        if self.usage_errors or any(f.rule == "input-error" for f in self.findings):
            return 2
        return 1 if any(f.severity == "error" for f in self.findings) else 0


def load_documents(
    files: Sequence[Path], base: Path, max_bytes: int, config: KbConfig | None = None
) -> list[Document]:
    """Read and parse each file, with the configuration's ID syntax and declaring fields."""
    syntax = (
        IdSyntax(
            config.id_pattern,
            config.id_from,
            config.filename_id,
            config.filename_id_format,
        )
        if config
        else IdSyntax()
    )
    fields = frozenset(config.declare_fields if config else DECLARE_FIELDS)
    with _collector_paused():
        return [
            read_document(
                file,
                display_path(file, base),
                max_bytes=max_bytes,
                syntax=syntax,
                declare_fields=fields,
                keep_text=False,
            )
            for file in files
        ]


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Parsing allocates millions of short-lived tokens that reference counting frees (they
    hold no cycles), and the model, the context and the findings are built once and kept
    till the end: the cyclic collector would only rescan the growing model again and again
    (a tenth of the run on a large knowledge base), so it waits until lint is done."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            gc.enable()


def lint(
    paths: Sequence[Path], config: KbConfig, tests: Sequence[Path], *, base: Path
) -> LintResult:
    """Lint the markdown under ``paths`` against the tests under ``tests``; paths in
    findings are relative to ``base`` (the working directory)."""
    with _collector_paused():
        return _lint(paths, config, tests, base=base)


def _lint(
    paths: Sequence[Path], config: KbConfig, tests: Sequence[Path], *, base: Path
) -> LintResult:
    files, usage_errors = markdown_files(paths)
    test_paths = [path for path in tests if path.exists()]
    if config.tests_configured:
        usage_errors += [
            f"{path}: [tool.lee.kb] tests: no such file or directory"
            for path in tests
            if not path.exists()
        ]
    documents = load_documents(files, base, config.max_bytes, config)
    index = scan_tests(test_paths, base)
    context = build_context(config, documents, index, base=base.resolve())
    findings = []
    for rule in RULES:
        level = config.severity.get(rule.name, rule.severity)
        if level == "off":
            continue
        for finding in rule_function(rule)(context):
            severity = finding.severity or level
            findings.append(
                Finding(
                    finding.rule,
                    finding.path,
                    finding.line,
                    finding.message,
                    severity,
                    finding.column,
                )
            )
    findings = _unsuppressed(findings, documents)
    findings.sort(key=lambda f: (f.path, f.line, f.column, f.rule, f.message))
    return LintResult(tuple(findings), _summary(context), tuple(usage_errors), context)


def _unsuppressed(findings: list[Finding], documents: list[Document]) -> list[Finding]:
    silenced_lines: dict[str, dict[int, set[str]]] = {}
    silenced_files: dict[str, set[str]] = {}
    for document in documents:
        for directive in document.directives:
            if directive.kind == "disable":
                lines = silenced_lines.setdefault(document.display, {})
                for line in (directive.line, directive.line + 1):
                    lines.setdefault(line, set()).update(directive.rules)
            elif directive.kind == "disable-file":
                silenced_files.setdefault(document.display, set()).update(directive.rules)
    if not silenced_lines and not silenced_files:
        return findings
    kept = []
    for finding in findings:
        rules = silenced_files.get(finding.path, set()) | silenced_lines.get(finding.path, {}).get(
            finding.line, set()
        )
        if finding.rule not in rules and "all" not in rules:
            kept.append(finding)
    return kept


def _summary(context: Context) -> Summary:
    items = enforced = waived = 0
    for owner, refs in context.owners.items():
        for ref in refs:
            if ref.item.shape == "rule" and not context.config.enforce_rules:
                continue  # rules are counted as items only with [tool.lee.kb] enforce_rules
            items += 1
            key = (owner, normalise(ref.item.text))
            if key in context.enforced:
                enforced += 1
            elif context.waived.get(key):
                waived += 1
    keys = {entry.key for document in context.documents for entry in document.entries}
    files = len(context.documents)
    return Summary(files, len(keys), items, enforced, waived, items - enforced - waived)
