"""NM06-LESS-09 on the example engine: the zip that ships is complete, verified and reproducible."""

from __future__ import annotations

import base64
import hashlib
import shutil
from pathlib import Path

import pytest

from pytest_lee import PackageError
from pytest_lee.package import extract_package

ENGINE = Path(__file__).resolve().parents[1] / "lee_engine"


@pytest.mark.lee_ref(
    "NM06-LESS-09",
    "All files packaged into single zip",
    "Deployment zip verified (file count correct)",
)
@pytest.mark.lee_ref("NM06-LESSONS-Deployment_and_Operations", "Atomic deployment strategy")
def test_the_engine_package_builds_verifies_and_holds_every_engine_file(lee_package, tmp_path):
    package = lee_package()
    shipped = sorted(path.name for path in ENGINE.glob("*.py"))
    assert list(package.files) == shipped  # the seed's "file count correct", done by name
    assert (
        package.code_sha256
        == base64.b64encode(hashlib.sha256(package.path.read_bytes()).digest()).decode()
    )
    unzipped = extract_package(package.path, tmp_path / "unzipped")
    for name in package.files:
        assert hashlib.sha256((unzipped / name).read_bytes()).hexdigest() == package.manifest[name]


def test_the_engine_package_is_reproducible(lee_package):
    assert lee_package().code_sha256 == lee_package().code_sha256


@pytest.mark.lee_ref("NM06-LESS-09")
@pytest.mark.lee_ref("NM06-LESSONS-Deployment_and_Operations", "Pre-deployment verification")
def test_a_partial_deployment_without_interface_cache_fails_verification(lee_package):
    """The seed's outage: gateway_core.py shipped, interface_cache.py did not.

    ``interface_*.py`` still matches the other interfaces, so only the contract registry
    (``gateway_core:_INTERFACE_ROUTERS`` names ``interface_cache``) can catch it.
    """
    with pytest.raises(PackageError) as excinfo:
        lee_package(omit=("interface_cache.py",))
    assert excinfo.value.problems == (
        "interface_cache.py: missing from the package, but a [[tool.lee.contract]] registry names it "
        "(interface_cache.py left out by omit)",
    )


@pytest.fixture
def engine_copy(tmp_path: Path) -> Path:
    source = tmp_path / "lee_engine"
    shutil.copytree(ENGINE, source, ignore=shutil.ignore_patterns("__pycache__"))
    return source


@pytest.mark.lee_ref("NM06-LESS-09", "File sizes verified (no truncation)")
def test_a_truncated_engine_file_fails_verification(lee_package, engine_copy):
    source = engine_copy
    gateway_core = source / "gateway_core.py"
    lines = gateway_core.read_text().splitlines(keepends=True)
    cut = (
        next(index for index, line in enumerate(lines) if line.startswith("_INTERFACE_ROUTERS")) + 2
    )
    gateway_core.write_text("".join(lines[:cut]))  # an upload cut off inside the registry
    with pytest.raises(PackageError) as excinfo:
        lee_package(source)
    assert [problem.split(":")[0] for problem in excinfo.value.problems] == ["gateway_core.py"]
    assert "does not compile" in excinfo.value.problems[0]
    unverified = lee_package(source, verify=False)  # what a blind upload would have shipped
    assert "gateway_core.py" in unverified.files


@pytest.mark.lee_ref("NM06-LESS-09", "File sizes verified (no truncation)")
def test_a_suspiciously_short_engine_file_is_a_warning_not_a_failure(lee_package, engine_copy):
    (engine_copy / "config.py").write_text("def load_configuration():\n    return {}\n")
    package = lee_package(engine_copy)
    assert "config.py: 2 lines, under min_lines = 10 (possibly truncated)" in package.warnings
