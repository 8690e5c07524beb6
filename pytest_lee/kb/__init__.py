"""lee-kb: the lessons knowledge base linted, repaired and traced to the tests that enforce it.

Nothing is imported here: the console script loads ``pytest_lee.kb.cli`` and each
subcommand imports what it needs, so ``import pytest_lee.plugin`` stays cheap.
"""

from __future__ import annotations

__all__: list[str] = []
