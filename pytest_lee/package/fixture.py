"""The ``lee_package`` fixture: a factory building one verified package per call."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

from pytest_lee.package.build import build_package

if TYPE_CHECKING:
    import pytest

    from pytest_lee.package.model import Package
    from pytest_lee.settings import Settings


def package_factory(
    settings: Settings, tmp_path_factory: pytest.TempPathFactory
) -> Callable[..., Package]:
    """``lee_package(source=None, *, omit=(), verify=True) -> Package``.

    Each call builds into a fresh temporary directory, so two calls never share or
    overwrite a zip. *source* is relative to the rootdir when not absolute; without
    it, ``[tool.lee] source`` is packaged.
    """

    def lee_package(
        source: str | os.PathLike[str] | None = None,
        *,
        omit: Iterable[str] = (),
        verify: bool = True,
    ) -> Package:
        out_dir = tmp_path_factory.mktemp("lee-package")
        return build_package(settings, source, omit=omit, verify=verify, out_dir=out_dir)

    return lee_package
