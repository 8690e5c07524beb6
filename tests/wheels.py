"""Wheels the vendoring tests build themselves (not a test module): no registry needed.

pip installs them with ``--no-index --find-links`` (``PIP_NO_INDEX``/``PIP_FIND_LINKS``,
set by :func:`use_wheels`), so the tests never depend on PyPI.
"""

from __future__ import annotations

import base64
import hashlib
import zipfile
from collections.abc import Mapping, Sequence
from pathlib import Path

import pytest


def make_wheel(
    directory: Path,
    name: str,
    version: str,
    *,
    tag: str = "py3-none-any",
    files: Mapping[str, str] | None = None,
    requires: Sequence[str] = (),
) -> Path:
    """A minimal valid wheel ``name-version-tag.whl`` in *directory*."""
    directory.mkdir(parents=True, exist_ok=True)
    dist = f"{name}-{version}.dist-info"
    content = dict(files or {f"{name}/__init__.py": f"VERSION = {version!r}\n"})
    metadata = f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n"
    metadata += "".join(f"Requires-Dist: {requirement}\n" for requirement in requires)
    content[f"{dist}/METADATA"] = metadata
    purelib = "true" if tag.endswith("-none-any") else "false"
    content[f"{dist}/WHEEL"] = (
        f"Wheel-Version: 1.0\nGenerator: lee-tests\nRoot-Is-Purelib: {purelib}\nTag: {tag}\n"
    )
    record = []
    for path, text in content.items():
        data = text.encode()
        digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
        record.append(f"{path},sha256={digest},{len(data)}")
    record.append(f"{dist}/RECORD,,")
    wheel = directory / f"{name}-{version}-{tag}.whl"
    with zipfile.ZipFile(wheel, "w") as archive:
        for path, text in content.items():
            archive.writestr(path, text)
        archive.writestr(f"{dist}/RECORD", "\n".join(record) + "\n")
    return wheel


def use_wheels(monkeypatch: pytest.MonkeyPatch, wheels: Path, cache: Path) -> None:
    """pip finds packages only in *wheels*; pytest-lee caches under *cache*."""
    monkeypatch.setenv("PIP_NO_INDEX", "1")
    monkeypatch.setenv("PIP_FIND_LINKS", str(wheels))
    monkeypatch.setenv("LEE_CACHE_DIR", str(cache))
