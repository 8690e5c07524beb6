"""Re-verify a package right before upload: the bytes about to ship, not the tree they came from.

``lee_package(verify=False)`` exists to inject faults, and a zip can change between
build and deploy. So ``deploy()`` reads the zip once, and checks those bytes: the
hash and manifest the package claims, a safe unzip (no absolute names, ``..`` or
symbolic links, no corrupt entries), and the package builder's own verification
(required files, the handler, every ``.py`` compiles, no secrets, Lambda's limits),
plus no junk the builder would have left out. A problem means no upload.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from pytest_lee.errors import PackageError
from pytest_lee.rehearsal.local import code_sha256
from pytest_lee.settings import Settings


class Candidate:
    """The bytes ``deploy()`` was handed, with what the caller claims about them."""

    def __init__(self, package: Any) -> None:
        self.package = package
        path = getattr(package, "path", package)
        if not isinstance(path, (str, os.PathLike)):
            raise PackageError(
                f"{package!r}: expected a Package (lee_package) or the path of a zip"
            )
        self.path = Path(path)
        self.claimed_sha256: str | None = getattr(package, "code_sha256", None)
        self.manifest: dict[str, str] | None = (
            dict(package.manifest) if hasattr(package, "manifest") else None
        )
        try:
            self.data = self.path.read_bytes()
        except FileNotFoundError:
            raise PackageError(f"{self.path}: no such file") from None
        except OSError as error:
            raise PackageError(f"{self.path}: cannot read: {error.strerror or error}") from None
        self.code_sha256 = code_sha256(self.data)


def reverify(
    settings: Settings, candidate: Candidate, work_dir: Path
) -> tuple[list[str], list[str]]:
    """(problems, warnings) of the candidate's bytes; no problems means it may ship."""
    from pytest_lee.package import verify_zip

    problems: list[str] = []
    if candidate.claimed_sha256 is not None and candidate.claimed_sha256 != candidate.code_sha256:
        problems.append(
            f"{candidate.path.name}: CodeSha256 is {candidate.code_sha256}, but the package was built "
            f"as {candidate.claimed_sha256} (the zip changed after it was built)"
        )
    snapshot = work_dir / "candidate.zip"
    snapshot.parent.mkdir(parents=True, exist_ok=True)
    snapshot.write_bytes(candidate.data)  # check the exact bytes read, not a file that may change
    found, warnings = verify_zip(settings, snapshot, manifest=candidate.manifest)
    return problems + [_renamed(p, snapshot, candidate.path) for p in found], list(warnings)


def _renamed(problem: str, snapshot: Path, original: Path) -> str:
    return problem.replace(str(snapshot), original.name)
