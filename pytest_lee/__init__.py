"""pytest-lee: NM06-LESS-09 and NM06-LESS-10 as tests CI runs.

Only the public names live here, and importing this package loads nothing heavy:
the plugin is imported by every pytest run of every user.
"""

from __future__ import annotations

from pytest_lee.errors import LeeConfigError, LeeError, MissingExtraError, PackageError

__all__ = ["LeeConfigError", "LeeError", "MissingExtraError", "PackageError"]
