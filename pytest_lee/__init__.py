"""pytest-lee: NM06-LESS-09 and NM06-LESS-10 as tests CI runs.

Only the public names live here, and importing this package loads nothing heavy:
the plugin is imported by every pytest run of every user.

Every package's ``__init__.py`` has one shape (pluggy's): a docstring that says what the
folder is, its modules and its rule; ``__all__``; one explicit ``from … import`` per public
name. A package whose modules are imported on their own (by a child process, by the
plugin, by the HTML report) re-exports nothing (``__all__ = []``) and names where its
public names live, so importing one of its modules loads no sibling.
"""

from __future__ import annotations

from pytest_lee.errors import LeeConfigError, LeeError, MissingExtraError, PackageError

__all__ = ["LeeConfigError", "LeeError", "MissingExtraError", "PackageError"]
