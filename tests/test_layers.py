"""[[tool.lee.layer]]: own deterministic zips under python/, attached in rehearsals, on sys.path."""

from __future__ import annotations

import textwrap

import pytest
from lee_helpers import APP, write_tree
from lee_helpers import package_settings as settings_for
from wheels import make_wheel, use_wheels

from pytest_lee.errors import PackageError
from pytest_lee.package import build_package, model
from pytest_lee.package.layers import build_layer
from pytest_lee.settings import FunctionSettings, LayerSettings


def test_a_layer_zip_holds_its_files_under_python_and_is_reproducible(tmp_path, monkeypatch):
    make_wheel(tmp_path / "wheels", "tinydep", "1.0")
    use_wheels(monkeypatch, tmp_path / "wheels", tmp_path / "cache")
    source = write_tree(tmp_path / "layer", {"shared_util.py": "X = 1\n", ".env": "SECRET=1"})
    layer = LayerSettings(name="deps", source=source, requirements=("tinydep",))
    settings = settings_for(tmp_path / "src", layers=(layer,))
    first = build_layer(settings, layer, tmp_path / "one")
    second = build_layer(settings, layer, tmp_path / "two")
    assert first.code_sha256 == second.code_sha256
    assert "python/shared_util.py" in first.files
    assert "python/tinydep/__init__.py" in first.files
    assert not [name for name in first.files if ".env" in name]


def test_lambdas_250_mb_counts_the_function_and_its_layers(tmp_path, monkeypatch):
    source = write_tree(tmp_path / "src", {"app.py": APP})
    layer_dir = write_tree(tmp_path / "layer", {"blob.bin": b"x" * 4000})
    settings = settings_for(
        source, layers=(LayerSettings(name="big", source=layer_dir),), function=FunctionSettings()
    )
    monkeypatch.setattr(model, "UNZIPPED_LIMIT", 3000)
    with pytest.raises(PackageError) as caught:
        build_package(settings, out_dir=tmp_path / "out")
    assert caught.value.problems[0].startswith("package and its layers are 0.0 MB unzipped")


PROJECT = """\
[tool.lee]
source = "src"
handler = "app.handler"
min_lines = 0

[tool.lee.function]
name = "layered"
timeout_s = 20
runtime_provides = []

[[tool.lee.layer]]
name = "shared"
source = "layer"

[[tool.lee.layer]]
name = "deps"
requirements = ["tinydep"]

[tool.lee.budgets]
runs = 1
cold_start_ms = { acceptable = 20000 }
"""

APP_USING_LAYERS = """\
import sys

import shared_util
import tinydep


def handler(event, context):
    return {
        "statusCode": 200,
        "shared": shared_util.__file__,
        "tinydep": tinydep.VERSION,
        "path": sys.path[:4],
    }
"""

TEST = """\
def test_layers_are_attached_and_on_sys_path_after_the_code(lee_package, lee_rehearsal):
    deployment = lee_rehearsal.deploy(lee_package())
    assert deployment.promoted, deployment.reason
    configuration = lee_rehearsal.client.get_function_configuration(FunctionName="layered")
    assert len(configuration["Layers"]) == 2
    response = deployment.health.response
    assert response["tinydep"] == "1.0"
    assert response["shared"].endswith("/python/shared_util.py")
    code, site, opt = response["path"][:3]
    assert site.endswith("/python/lib/python3.12/site-packages")
    assert opt.endswith("/python") and not code.endswith("/python")
"""


def test_layers_in_a_rehearsal_and_a_budget_run(pytester, monkeypatch):
    pytest.importorskip("moto")
    make_wheel(pytester.path / "wheels", "tinydep", "1.0")
    use_wheels(monkeypatch, pytester.path / "wheels", pytester.path / "cache")
    pytester.makefile(".toml", pyproject=PROJECT)
    write_tree(
        pytester.path,
        {
            "src/app.py": APP_USING_LAYERS,
            "layer/shared_util.py": "VALUE = 1\n",
            "tests/test_layers.py": textwrap.dedent(TEST),
        },
    )
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "--lee-budgets")
    result.assert_outcomes(passed=3)  # package, budget[cold_start_ms], the rehearsal


def test_moto_as_a_rehearsal_opens_it_accepts_a_function_with_its_layers(
    tmp_path, tmp_path_factory
):
    """moto 5.2 with ``use_docker=False`` publishes layers in its "simple" Lambda backend
    while CreateFunction looks them up in the default one ("One or more LayerVersion does
    not exist"): the moto a rehearsal opens must be the one where both meet."""
    pytest.importorskip("moto")
    import io
    import zipfile

    from pytest_lee.rehearsal.fixture import rehearsal_session

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("python/shared_util.py", "VALUE = 1\n")
    settings = settings_for(write_tree(tmp_path / "src", {"app.py": APP}))
    with rehearsal_session(settings, None, tmp_path_factory) as rehearsal:
        client = rehearsal.client
        layer = client.publish_layer_version(
            LayerName="common", Content={"ZipFile": buffer.getvalue()}
        )
        import boto3

        role = boto3.client("iam").create_role(
            RoleName="lee", AssumeRolePolicyDocument='{"Version": "2012-10-17", "Statement": []}'
        )["Role"]["Arn"]
        created = client.create_function(
            FunctionName="layered",
            Runtime="python3.12",
            Role=role,
            Handler="app.handler",
            Code={"ZipFile": buffer.getvalue()},
            Layers=[layer["LayerVersionArn"]],
        )
    assert [entry["Arn"] for entry in created["Layers"]] == [layer["LayerVersionArn"]]
