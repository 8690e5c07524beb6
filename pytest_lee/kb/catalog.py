"""The table of lint rules: stable names, default severities, one line each — data only.

It imports nothing from the rest of lee-kb, so ``config.py`` can check ``severity`` keys
against ``RULE_NAMES`` without importing the rules (which import ``context``, which imports
``config``). ``pytest_lee.kb.rules`` adds the functions that run each row.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["RULES", "RULE_NAMES", "Rule"]


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
        "a file or directory lee-kb cannot read: not UTF-8, binary, too large, unlistable, a test file that does not parse",
    ),
    Rule(
        "ref-format",
        "ref_format",
        "error",
        "a declared ID is a placeholder or malformed ([tool.lee.kb] id_pattern says what is valid)",
    ),
    Rule("ref-duplicate", "ref_duplicate", "error", "one ID declared in two places"),
    Rule(
        "related-unknown",
        "related_unknown",
        "error",
        "a related section, RELATED field, citing ID field or cross-reference names an ID declared nowhere",
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
        "unknown_ref_in_tests",
        "error",
        "a lee_ref mark names an ID or item the knowledge base does not have",
    ),
    Rule(
        "ref-ambiguous",
        "ref_ambiguous",
        "error",
        "a lee_ref mark names a file stem several files share; name the file (sig/README.md)",
    ),
    Rule(
        "waiver-unknown",
        "waiver_unknown",
        "error",
        "a waiver names an ID or item the knowledge base does not have, or has no reason",
    ),
)
RULE_NAMES: tuple[str, ...] = tuple(rule.name for rule in RULES)
