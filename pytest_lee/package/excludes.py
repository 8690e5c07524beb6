"""Which files never ship: ``.gitignore`` semantics (pathspec), built-in junk and secrets.

Three lists decide, and the user's has the last word (as a later ``.gitignore`` line
does): ``[tool.lee] exclude`` with ``!`` to re-include — ``"!config/ca.pem"`` brings
back a file the built-in ``*.pem`` left out. Without a user line that matches, a file
is left out when it is junk (``__pycache__``, ``*.pyc``, ``.git``) or, for the
project's own files only, when its name is a secret's (``.env``, keys, ``.netrc``,
``.aws/credentials``), matched case-insensitively: ``.ENV``, ``ID_RSA`` and
``Server.PEM`` are the same secrets on a case-insensitive disk. Vendored dependencies
keep their secret-looking files: ``certifi/cacert.pem`` is a CA bundle, and leaving
it out breaks ``requests`` at import.

pathspec is imported here, and this module only when packaging.
"""

from __future__ import annotations

from typing import Any

JUNK = ("__pycache__/", "*.pyc", ".git")
SECRETS = (".env*", "*.pem", "*.key", "id_rsa*", ".netrc", ".aws/credentials")
# The built-in excludes as one tuple, for messages and documentation.


class Excludes:
    """``excluded(name, is_dir=..., vendored=...)`` for archive names (POSIX, relative)."""

    def __init__(self, user: tuple[str, ...] = ()) -> None:
        import pathspec

        self._junk = pathspec.GitIgnoreSpec.from_lines(JUNK)
        self._secrets = pathspec.GitIgnoreSpec.from_lines(SECRETS)
        self._user: Any = pathspec.GitIgnoreSpec.from_lines(user) if user else None

    def excluded(self, name: str, *, is_dir: bool = False, vendored: bool = False) -> bool:
        """True when *name* (a directory when *is_dir*) is left out of the package."""
        return self.reason(name, is_dir=is_dir, vendored=vendored) is not None

    def reason(self, name: str, *, is_dir: bool = False, vendored: bool = False) -> str | None:
        """Why *name* is left out — ``"exclude"``, ``"junk"`` or ``"secret"`` — or None."""
        path = name + "/" if is_dir else name
        if self._user is not None:
            include = self._user.check_file(path).include
            if include is not None:  # a user line matched: it decides, `!` or not
                return "exclude" if include else None
        if self._junk.match_file(path):
            return "junk"
        if not vendored and self._secrets.match_file(path.lower()):
            return "secret"
        return None


def left_out_hint(error: str | None, left_out: tuple[str, ...]) -> str:
    """What to add to a handler's failed import when a file it opens may have been excluded.

    ``ssl`` raises a bare ``FileNotFoundError`` that names no file (a CA bundle loaded
    at import): the files the package left out are then the first suspects.
    """
    if not error or not left_out or not error.startswith(("FileNotFoundError", "OSError")):
        return ""
    shown = ", ".join(left_out[:5]) + (
        f" (and {len(left_out) - 5} more)" if len(left_out) > 5 else ""
    )
    return (
        f"; the package left out {shown} (a secret name or an exclude line: re-include one "
        f"with '!{left_out[0].rstrip('/')}' in [tool.lee] exclude)"
    )
