"""The handler's import closure, checked when the package is built.

Apps written here: a handler whose module imports a module that exists nowhere (the
cold start fails: a build problem naming importer and line), and the imports that only
may fail — inside a function, under ``try/except ImportError``, in a module the handler
never imports (warnings, each naming importer and lines).
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest
from lee_helpers import package_settings, write_tree

from pytest_lee.errors import PackageError
from pytest_lee.package import build_package
from pytest_lee.package.closure import RUNTIME_PROVIDED, import_closure, standard_library
from pytest_lee.settings import FunctionSettings, LayerSettings

RUNNING = f"python{sys.version_info[0]}.{sys.version_info[1]}"
SNAPSHOT = (
    Path(__file__).resolve().parents[1].parent / "shared" / "realworld" / "engine"
    / "snapshot-fa7e120" / "src"
)  # fmt: skip

APP = {
    "app.py": "import json\n\nimport boto3\n\nfrom orders import core\nimport shared_auth\n\n\n"
    "def handler(event, context):\n    return core.run(event)\n",
    "orders/__init__.py": "",
    "orders/core.py": "from . import store\nfrom .missing_sibling import thing\n\n\n"
    "def run(event):\n    import pdf_renderer\n    return store.get(event)\n",
    "orders/store.py": "try:\n    import ujson as json\nexcept ImportError:\n    import json\n\n\n"
    "def get(event):\n    return json.dumps(event)\n",
    "tools/seed.py": "import faker\n",
}


def build(tmp_path: Path, files: dict[str, str], **overrides: object):
    source = write_tree(tmp_path / "src", files)
    settings = package_settings(
        source, **{"function": FunctionSettings(runtime=RUNNING), **overrides}
    )
    return build_package(settings, out_dir=tmp_path / "out")


def test_a_module_level_import_found_nowhere_fails_the_build_naming_importer_and_line(
    tmp_path: Path,
) -> None:
    with pytest.raises(PackageError) as raised:
        build(tmp_path, APP)
    assert raised.value.problems == (
        "app.py:6: imports `shared_auth`, found nowhere Lambda looks (package, layers, runtime, "
        "standard library): the cold start fails",
        "orders/core.py:2: imports `orders.missing_sibling`, found nowhere Lambda looks "
        "(package, layers, runtime, standard library): the cold start fails",
    )


def test_a_layer_provides_a_module_and_what_may_fail_later_is_a_warning(tmp_path: Path) -> None:
    layer = write_tree(tmp_path / "layer", {"shared_auth.py": "TOKEN = 1\n"})
    files = {**APP, "orders/core.py": APP["orders/core.py"].replace(
        "from .missing_sibling import thing\n", ""
    )}  # fmt: skip
    package = build(tmp_path, files, layers=(LayerSettings(name="auth", source=layer),))
    nowhere = "found nowhere Lambda looks (package, layers, runtime, standard library)"
    assert [w for w in package.warnings if "imports" in w] == [
        f"orders/core.py:5: imports `pdf_renderer`, {nowhere} (inside a function: it fails "
        "when that runs)",
        f"orders/store.py:2: imports `ujson`, {nowhere} (guarded: try/except ImportError or a condition)",
        f"tools/seed.py:1: imports `faker`, {nowhere} (a module the handler never imports)",
    ]


def test_boto3_is_the_runtimes_unless_runtime_provides_says_otherwise(tmp_path: Path) -> None:
    files = {"app.py": "import boto3\n\n\ndef handler(event, context):\n    return 1\n"}
    assert build(tmp_path / "default", files).files == ("app.py",)
    with pytest.raises(PackageError) as raised:
        build(
            tmp_path / "none",
            files,
            function=FunctionSettings(runtime=RUNNING, runtime_provides=()),
        )
    assert raised.value.problems[0].startswith("app.py:1: imports `boto3`, found nowhere")


def test_the_standard_library_is_the_runtimes_python() -> None:
    sources = {"app.py": b"import distutils\n\n\ndef handler(e, c):\n    pass\n"}
    assert import_closure(sources, sources, "app", standard_library((3, 11)))[0] == []
    problems, _ = import_closure(sources, sources, "app", standard_library((3, 12)))
    assert problems == [
        "app.py:1: imports `distutils`, found nowhere Lambda looks (package, layers, runtime, "
        "standard library): the cold start fails"
    ]


@pytest.mark.realworld
def test_the_real_engine_warns_of_modules_that_exist_nowhere(tmp_path: Path) -> None:
    source = tmp_path / "src"
    shutil.copytree(SNAPSHOT, source, ignore=shutil.ignore_patterns("__pycache__", "test_*"))
    names = [p.relative_to(source).as_posix() for p in source.rglob("*") if p.is_file()]
    sources = {name: (source / name).read_bytes() for name in names if name.endswith(".py")}
    problems, warnings = import_closure(
        sources, names, "lambda_function", standard_library((3, 11)) | RUNTIME_PROVIDED
    )  # lambda_preload.py imports urllib3 at module level: the runtime's (botocore's)
    assert problems == []
    assert (
        "lambda_function.py:211: imports `lambda_ha_connection`, found nowhere Lambda looks "
        "(package, layers, runtime, standard library) (guarded: try/except ImportError or a condition)"
    ) in warnings
    assert any(
        w.startswith(
            "home_assistant/ha_common.py:149,252,340,413,480,530: imports `shared_utilities`"
        )
        for w in warnings
    )


def test_an_import_under_a_module_level_condition_is_a_warning(tmp_path: Path) -> None:
    """requests does `if has_simplejson: from simplejson import JSONDecodeError` at module
    level: the condition decides, so a vendored requests must not fail the build."""
    files = {
        "app.py": "import compat\n\n\ndef handler(event, context):\n    return compat.json\n",
        "compat.py": "import json\n\nhas_simplejson = False\nif has_simplejson:\n"
        "    from simplejson import JSONDecodeError\n",
    }
    package = build(tmp_path, files, handler="app.handler")
    assert [w for w in package.warnings if "simplejson" in w] == [
        "compat.py:5: imports `simplejson`, found nowhere Lambda looks (package, layers, "
        "runtime, standard library) (guarded: try/except ImportError or a condition)"
    ]


def test_a_module_reached_only_by_a_guarded_import_is_not_in_the_cold_start(
    tmp_path: Path,
) -> None:
    """urllib3 imports its emscripten support only under `if sys.platform == "emscripten"`;
    that support imports `js` at module level, which Lambda never has: no build failure."""
    files = {
        "app.py": "import lib\n\n\ndef handler(event, context):\n    return 1\n",
        "lib/__init__.py": "import sys\n\nif sys.platform == 'emscripten':\n"
        "    from .web import inject\n",
        "lib/web.py": "import js\n\n\ndef inject():\n    return js\n",
    }
    package = build(tmp_path, files, handler="app.handler")
    assert any("lib/web.py:1: imports `js`" in w for w in package.warnings)
