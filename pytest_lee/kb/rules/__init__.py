"""The lint rules: one module per rule, the function named after the module.

``RULES`` (kept in ``pytest_lee.kb.catalog``, which imports nothing, so the configuration can
check rule names without importing the rules) is the table the linter runs, in order — a rule is added by adding a row, never
by editing the linter. Each row: the stable rule id (what users type in ``severity``,
``disable=`` and what SARIF calls ``ruleId``), the module, the default severity and one line
saying what the rule protects.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from importlib import import_module
from typing import TYPE_CHECKING, cast

from pytest_lee.kb.catalog import RULE_NAMES, RULES, Rule

if TYPE_CHECKING:
    from pytest_lee.kb.context import Context, Finding

__all__ = ["RULES", "RULE_NAMES", "Rule", "rule_function"]


def rule_function(rule: Rule) -> Callable[[Context], Iterable[Finding]]:
    module = import_module(f"pytest_lee.kb.rules.{rule.module}")
    return cast("Callable[[Context], Iterable[Finding]]", getattr(module, rule.module))
