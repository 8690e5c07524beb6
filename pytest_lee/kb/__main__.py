"""``python -m pytest_lee.kb``: the ``lee-kb`` console script, for when it is not on PATH."""

from __future__ import annotations

from pytest_lee.kb.cli import main

if __name__ == "__main__":
    raise SystemExit(main())
