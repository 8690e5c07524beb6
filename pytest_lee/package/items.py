"""The auto-collected ``pyproject.toml::package`` item: build and verify ``[tool.lee] source``.

A plain ``pytest`` run therefore refuses a package that would not deploy, before any
rehearsal or upload. Failures show the verification problems, not a traceback;
warnings (possibly truncated files, a runtime other than the running Python) go to
the session report and the ``lee package`` terminal summary.
"""

from __future__ import annotations

import tempfile
import zipfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from pytest_lee._item import LeeItem
from pytest_lee.errors import PackageError

if TYPE_CHECKING:
    from pytest_lee.settings import Settings

LARGEST_FILES = 200  # per-file sizes kept in the report entry (a vendored tree has thousands)


def package_items(node: pytest.Collector, settings: Settings) -> list[pytest.Item]:
    """One item, ``package``, when ``[tool.lee] source`` is set."""
    if settings.source is None:
        return []
    return [PackageItem.from_parent(node, name="package")]


class PackageItem(LeeItem):
    """Builds the configured package in a temporary directory and verifies it."""

    def runtest(self) -> None:
        from pytest_lee._stash import lee_report, lee_settings
        from pytest_lee.package.build import build_package

        settings = lee_settings(self.config)
        report = lee_report(self.config)
        with tempfile.TemporaryDirectory(prefix="lee-package-") as out_dir:
            try:
                package = build_package(settings, out_dir=Path(out_dir))
            except PackageError as error:
                report.add(
                    "package", _entry(settings, problems=list(error.problems), during=error.during)
                )
                raise
            with zipfile.ZipFile(package.path) as archive:
                infos = archive.infolist()
            unzipped = sum(info.file_size for info in infos)
            report.add(
                "package",
                _entry(
                    settings,
                    files=len(package.files),
                    zipped_bytes=package.path.stat().st_size,
                    unzipped_bytes=unzipped,
                    code_sha256=package.code_sha256,
                    warnings=list(package.warnings),
                    file_sizes=_largest(infos),
                ),
            )
        for warning in package.warnings:
            self.user_properties.append(("lee_package_warning", warning))

    def reportinfo(self) -> tuple[Path, int | None, str]:
        return self.path, None, "package"


def _largest(infos: list[zipfile.ZipInfo], limit: int = LARGEST_FILES) -> list[list[Any]]:
    """[name, size, compressed size] of the largest files: what the HTML report draws."""
    ranked = sorted(infos, key=lambda info: info.file_size, reverse=True)[:limit]
    return [[info.filename, info.file_size, info.compress_size] for info in ranked]


def _entry(settings: Settings, **fields: Any) -> dict[str, Any]:
    source = settings.source
    try:
        shown = Path(source).relative_to(settings.rootdir).as_posix()  # type: ignore[arg-type]
    except ValueError:
        shown = str(source)
    status = "fail" if fields.get("problems") else "ok"
    return {"source": shown, "status": status, **fields}
