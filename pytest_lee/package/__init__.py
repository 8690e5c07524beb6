"""Deployment packages: build the Lambda zip atomically and reproducibly, verify it, unzip it safely.

The public names are re-exported here, one each; the work happens in private
modules by responsibility (``select`` which files ship, ``verify`` what must hold
of them, ``build`` the archive itself, ``extract`` the safe way back out,
``zipcheck`` the same verification of a finished zip's bytes).
"""

from __future__ import annotations

from pytest_lee.package.build import build_package
from pytest_lee.package.extract import extract_package
from pytest_lee.package.model import Package
from pytest_lee.package.zipcheck import ZipVerdict, verify_zip

__all__ = ["Package", "ZipVerdict", "build_package", "extract_package", "verify_zip"]
