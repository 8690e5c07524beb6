"""Hostile files in the project's source: links to secrets, forged RECORDs, huge files.

Each one through the package item as users run it (or ``verify_zip`` for a zip), with
the one line it gives and what does not ship.
"""

from __future__ import annotations

import json
import os
import sys
import zipfile
from pathlib import Path

import pytest

from pytest_lee.package import build_package, verify_zip
from pytest_lee.settings import Settings

APP = "def handler(event, context):\n    return {}\n"
KEY = "AKIAABCDEFGHIJKLMNOP"
PYPROJECT = """
[tool.lee]
source = "src"
handler = "app.handler"
min_lines = 0

[tool.lee.function]
runtime = "python{major}.{minor}"
"""


def project(pytester: pytest.Pytester, files: dict[str, str]) -> Path:
    major, minor = sys.version_info[:2]
    pytester.makefile(".toml", pyproject=PYPROJECT.format(major=major, minor=minor))
    source = pytester.path / "src"
    for name, text in {"app.py": APP, **files}.items():
        (source / name).parent.mkdir(parents=True, exist_ok=True)
        (source / name).write_text(text)
    return source


def run(pytester: pytest.Pytester) -> tuple[pytest.RunResult, dict]:
    result = pytester.runpytest_inprocess("-p", "no:cacheprovider", "--lee-json", "out.json")
    assert "Traceback" not in result.stdout.str()
    return result, json.loads((pytester.path / "out.json").read_text())["package"][0]


@pytest.mark.parametrize(
    ("links", "line"),
    [
        ({"config.txt": ".env"}, "config.txt: is .env through a symlink, a secret's name"),
        (
            {"conf": ".aws"},
            "conf/credentials: is .aws/credentials through a symlink, a secret's name",
        ),
    ],
    ids=["file-link", "directory-link"],
)
def test_a_symlink_with_an_innocent_name_is_judged_by_its_target(
    pytester: pytest.Pytester, links: dict[str, str], line: str
):
    source = project(pytester, {".env": "TOKEN=s3cret\n", ".aws/credentials": "[default]\n"})
    for name, target in links.items():
        (source / name).symlink_to(target)
    result, entry = run(pytester)
    result.assert_outcomes(failed=1)
    (problem,) = entry["problems"]
    target = line.split(" is ")[1].split(" through", maxsplit=1)[0]
    assert problem == (
        f"{line}: not archived (re-include it with '!{target}' in [tool.lee] exclude to ship it)"
    )
    assert entry["status"] == "fail" and "code_sha256" not in entry


def forged_zip(path: Path, *, with_record: bool) -> Path:
    """A project zip with a .env and a key, and (optionally) a RECORD that lists them."""
    entries = {"app.py": APP, ".env": "TOKEN=s3cret\n", "settings.py": f"KEY = {KEY!r}\n"}
    if with_record:
        entries["fake-1.0.dist-info/RECORD"] = "".join(f"{name},,\n" for name in entries)
    with zipfile.ZipFile(path, "w") as archive:
        for name, text in entries.items():
            archive.writestr(name, text)
    return path


def test_a_record_inside_the_zip_exempts_nothing(tmp_path: Path):
    settings = Settings(rootdir=tmp_path, handler="app.handler", min_lines=0)
    without = verify_zip(settings, forged_zip(tmp_path / "plain.zip", with_record=False))
    forged = verify_zip(settings, forged_zip(tmp_path / "forged.zip", with_record=True))
    assert (
        forged.problems
        == without.problems
        == (
            ".env: junk or excluded file in the package (never shipped)",
            "settings.py:1: contains an AWS long-term access key id (AKIA...); keys "
            "belong in the function's role, not the package",
        )
    )


def test_a_record_inside_the_project_exempts_nothing(pytester: pytest.Pytester):
    project(
        pytester,
        {"settings.py": f"KEY = {KEY!r}\n", "fake-1.0.dist-info/RECORD": "settings.py,,\n"},
    )
    result, entry = run(pytester)
    result.assert_outcomes(failed=1)
    assert entry["problems"] == [
        "settings.py:1: contains an AWS long-term access key id (AKIA...); keys "
        "belong in the function's role, not the package"
    ]


def sparse(path: Path, size: int, content: bytes = b"", at: int = 0) -> None:
    with open(path, "wb") as out:
        out.truncate(size)
        out.seek(at)
        out.write(content)


def test_a_file_over_the_limit_is_refused_from_its_size_before_it_is_read(
    pytester: pytest.Pytester,
):
    source = project(pytester, {})
    sparse(source / "model.bin", 300 * 1024 * 1024)
    result, entry = run(pytester)
    result.assert_outcomes(failed=1)
    assert entry["problems"] == [
        "package is 300.0 MB unzipped, over Lambda's 250.0 MB limit; largest files: model.bin "
        "(300.0 MB), app.py (0.0 MB) (model.bin: judged from the size on disk, not read)"
    ]
    assert entry["during"] == "verification"


def test_a_large_file_is_zipped_and_scanned_in_chunks_with_the_same_bytes(tmp_path: Path):
    source = tmp_path / "src"
    source.mkdir()
    (source / "app.py").write_text(APP)
    size = 20 * 1024 * 1024
    boundary = 1024 * 1024 - 7  # the key straddles the first 1 MiB chunk's end
    sparse(source / "data.bin", size, b"\n\n" + KEY.encode(), at=boundary - 2)
    settings = Settings(rootdir=tmp_path, source=source, handler="app.handler", min_lines=0)
    from pytest_lee.errors import PackageError

    with pytest.raises(PackageError) as caught:
        build_package(settings, out_dir=tmp_path / "out")
    assert caught.value.problems == (
        "data.bin:3: contains an AWS long-term access key id (AKIA...); keys belong "
        "in the function's role, not the package",
    )
    assert not (tmp_path / "out").exists() or not list((tmp_path / "out").iterdir())
    (source / "data.bin").unlink()
    sparse(source / "data.bin", size, b"tail", at=size - 4)
    package = build_package(settings, out_dir=tmp_path / "out")
    with zipfile.ZipFile(package.path) as archive:
        assert archive.read("data.bin") == (source / "data.bin").read_bytes()
    # The streamed entry is what writestr gives: same bytes, so the same CodeSha256.
    reference = tmp_path / "reference.zip"
    with zipfile.ZipFile(reference, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as archive:
        for name in ("app.py", "data.bin"):
            info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            info.create_system = 3
            info.external_attr = (0o100644) << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, (source / name).read_bytes(), compresslevel=6)
    assert package.path.read_bytes() == reference.read_bytes()
    assert os.path.getsize(package.path) < size // 100
