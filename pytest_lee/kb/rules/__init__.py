"""The lint rules: one module per rule, the function named after the module.

``RULES`` is the table the linter runs, in order — a rule is added by adding a row, never
by editing the linter. Each row: the stable rule id (what users type in ``severity``,
``disable=`` and what SARIF calls ``ruleId``), the module, the default severity and one line
saying what the rule protects.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from importlib import import_module
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pytest_lee.kb.context import Context, Finding

__all__ = ["RULES", "RULE_NAMES", "Rule", "rule_function"]


@dataclass(frozen=True)
class Rule:
    name: str
    module: str
    severity: str
    summary: str


RULES: tuple[Rule, ...] = (
    Rule(
        "input-error",
        "input_error",
        "error",
        "a file lee-kb cannot read: not UTF-8, binary, too large, a test file that does not parse",
    ),
    Rule(
        "ref-format",
        "ref_format",
        "error",
        "a declared REF is not NMdd-KIND-NN (or KIND-NN in a file named NMdd-…)",
    ),
    Rule("ref-duplicate", "ref_duplicate", "error", "one ID declared in two places"),
    Rule(
        "related-unknown",
        "related_unknown",
        "error",
        "RELATED, Related Topics or a cross-reference names an ID declared nowhere",
    ),
    Rule(
        "index-route",
        "index_route",
        "error",
        "an index routes to a file that does not exist or does not declare the ID",
    ),
    Rule(
        "stats-mismatch",
        "stats_mismatch",
        "warning",
        "a FILE STATISTICS count or ID list (or an index's Items) disagrees with the content",
    ),
    Rule(
        "mojibake", "mojibake", "error", "encoding damage (UTF-8 read as Windows-1252 or Mac Roman)"
    ),
    Rule(
        "unclosed-fence",
        "unclosed_fence",
        "warning",
        "a ``` fence never closed: the rest of the file is read as code",
    ),
    Rule(
        "checklist-unenforced",
        "checklist_unenforced",
        "error",
        "a checklist item no test enforces and no waiver excuses",
    ),
    Rule(
        "ref-unenforced",
        "ref_unenforced",
        "error",
        "a lesson no test enforces and no waiver excuses",
    ),
    Rule(
        "test-unknown-ref",
        "test_unknown_ref",
        "error",
        "a lee_ref mark names an ID or item the knowledge base does not have",
    ),
    Rule(
        "waiver-unknown",
        "waiver_unknown",
        "error",
        "a waiver names an ID or item the knowledge base does not have, or has no reason",
    ),
)
RULE_NAMES: tuple[str, ...] = tuple(rule.name for rule in RULES)


def rule_function(rule: Rule) -> Callable[[Context], Iterable[Finding]]:
    module = import_module(f"pytest_lee.kb.rules.{rule.module}")
    return getattr(module, rule.module)
