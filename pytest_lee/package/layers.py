"""``[[tool.lee.layer]]``: Lambda layers, each its own deterministic zip under ``python/``.

A layer holds its ``source`` directory and its vendored ``requirements`` under
``python/`` (where Lambda's Python runtime looks, ``/opt/python``), built the way the
function's zip is: sorted entries, fixed timestamps and modes, so the same inputs give
the same ``CodeSha256``. Rehearsals publish them and attach them in order; budgets and
health checks unzip them, in that order, into one ``/opt`` of their own (a later
layer's file replaces an earlier one's, as Lambda extracts them) and put its
``python`` directories on the child's ``sys.path`` after the function's code.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import TYPE_CHECKING

from pytest_lee.errors import PackageError
from pytest_lee.package import model
from pytest_lee.package.archive import write_verified
from pytest_lee.package.select import SourceFile, select_files
from pytest_lee.package.vendor import merge, tree_files, vendored_tree

if TYPE_CHECKING:
    from pytest_lee.settings import LayerSettings, Settings

PREFIX = "python/"


def layer_files(settings: Settings, layer: LayerSettings) -> list[SourceFile]:
    """The layer's files, named as in its zip (under ``python/``)."""
    own: list[SourceFile] = []
    if layer.source is not None:
        selection = select_files(layer.source, settings.exclude)
        if selection.errors:
            raise PackageError(
                [f"layer {layer.name}: {error}" for error in selection.errors], during="build"
            )
        own = [dataclasses.replace(item, name=PREFIX + item.name) for item in selection.files]
    vendored: list[SourceFile] = []
    if layer.requirements is not None:
        function = settings.function
        tree = vendored_tree(
            layer.requirements,
            function.runtime,
            function.architecture,
            what=f"[[tool.lee.layer]] {layer.name} requirements",
        )
        vendored = tree_files(settings, tree, PREFIX)
    return merge(own, vendored)


def build_layer(settings: Settings, layer: LayerSettings, out_dir: Path) -> model.Package:
    """Build one layer's zip into *out_dir* (``layer-NAME.zip``)."""
    files = layer_files(settings, layer)
    if not files:
        raise PackageError(f"layer {layer.name}: no files to package", during="build")
    out_dir.mkdir(parents=True, exist_ok=True)
    zip_path = out_dir / f"layer-{layer.name}.zip"
    manifest, code_sha256, warnings = write_verified(zip_path, files, None, [])
    return model.Package(
        path=zip_path,
        code_sha256=code_sha256,
        files=tuple(manifest),
        manifest=manifest,
        warnings=tuple(warnings),
    )


def build_layers(settings: Settings, out_dir: Path) -> list[model.Package]:
    """Every ``[[tool.lee.layer]]``, in the order they are attached."""
    return [build_layer(settings, layer, out_dir) for layer in settings.layers]


def layers_unzipped(settings: Settings) -> int:
    """Bytes the layers add to the function's unzipped size (Lambda's 250 MB counts both)."""
    total = 0
    for layer in settings.layers:
        for item in layer_files(settings, layer):
            try:
                total += item.path.stat().st_size
            except OSError:
                continue
    return total


def import_paths(settings: Settings) -> list[str]:
    """Where the function's dependencies are importable from without unzipping anything: the
    vendored ``requirements``, then each layer's ``source`` and vendored requirements (in
    Lambda's order: the code's directory, then the layers). For children that import the
    code from its source tree (contract checks); a tree that cannot be vendored is left out
    (the package item reports why)."""
    function = settings.function

    def tree(requirements: Path | tuple[str, ...] | None, what: str) -> list[str]:
        if requirements is None:
            return []
        try:
            found = vendored_tree(requirements, function.runtime, function.architecture, what=what)
        except PackageError:
            return []
        return [] if found is None else [str(found)]

    paths = tree(settings.requirements, "[tool.lee] requirements")
    for layer in settings.layers:
        if layer.source is not None:
            paths.append(str(layer.source))
        paths += tree(layer.requirements, f"[[tool.lee.layer]] {layer.name} requirements")
    return paths


def extract_layers(zips: list[Path], opt: Path) -> Path:
    """Unzip *zips* in order into *opt* (a later layer's file replaces an earlier one's)."""
    from pytest_lee.package.extract import extract_package

    opt.mkdir(parents=True, exist_ok=True)
    for path in zips:
        extract_package(path, opt)
    return opt


def opt_paths(opt: Path, runtime: str) -> list[str]:
    """Lambda's layer entries on ``sys.path``, in its order: ``/opt/python/lib/pythonX.Y/
    site-packages`` then ``/opt/python``."""
    version = runtime.removeprefix("python")
    return [str(opt / "python" / "lib" / f"python{version}" / "site-packages"), str(opt / "python")]
