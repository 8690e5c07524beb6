"""The SAM app of ``sam_project.py`` run from ``template = "template.yaml"`` and its budget
levels alone: package, budgets and a rehearsal (alias and canary from the template), its
table, bucket and queue created in moto with no setup, its layer built and attached."""

from __future__ import annotations

import pytest
from sam_project import PYPROJECT, TEMPLATE, sam_wheels, write_sam_app

from pytest_lee.errors import LeeConfigError
from pytest_lee.settings import load_settings

DEPLOY = """\
import json
import shutil
from pathlib import Path

import boto3

CREATE = json.loads(Path("events/10_create.json").read_text())


def test_the_app_deploys_to_its_alias_through_its_canary(lee_package, lee_rehearsal, tmp_path):
    first = lee_rehearsal.deploy(lee_package())
    assert first.promoted, first.reason
    assert json.loads(first.health.response["body"])["status"] == "ok"
    assert lee_rehearsal.alias_name == "live"
    v2 = shutil.copytree("src", tmp_path / "src")
    (v2 / "app.py").write_text((v2 / "app.py").read_text() + "\\n# v2\\n")
    second = lee_rehearsal.deploy(lee_package(v2), canary_events=[CREATE])
    assert second.promoted, second.reason
    assert second.canary.weight == 0.1  # Canary10Percent5Minutes
    alias = lee_rehearsal.client.get_alias(FunctionName="OrdersFunction", Name="live")
    assert alias["FunctionVersion"] == second.version
    # The canary's create_order reached the template's table, bucket and queue in moto.
    item = boto3.resource("dynamodb").Table("lee-OrdersTable").get_item(Key={"order_id": "o-1"})
    assert item["Item"]["total"] == "10.0"
    receipts = boto3.client("s3").list_objects_v2(Bucket="lee-receiptsbucket")["Contents"]
    assert [entry["Key"] for entry in receipts] == ["receipts/dev/o-1.json"]
    queue = "https://sqs.us-east-1.amazonaws.com/123456789012/lee-ShippingQueue"
    assert boto3.client("sqs").receive_message(QueueUrl=queue)["Messages"][0]["Body"] == "o-1"
"""


def test_settings_come_from_the_template_and_the_table_overrides_them(tmp_path):
    root = write_sam_app(tmp_path)
    (root / "pyproject.toml").write_text(
        PYPROJECT + '\n[tool.lee.function]\nmemory_mb = 512\nenvironment = { STAGE = "test" }\n'
    )
    settings = load_settings(root)
    assert settings.template == root / "template.yaml"
    assert (settings.source, settings.handler) == (root / "src", "app.handler")
    assert settings.requirements == root / "src" / "requirements.txt"
    function = settings.function
    assert (function.name, function.runtime, function.timeout_s) == (
        "OrdersFunction",
        "python3.12",
        10.0,
    )
    assert function.memory_mb == 512  # [tool.lee.function] wins
    assert function.environment["STAGE"] == "test"
    assert function.environment["TABLE_NAME"] == "lee-OrdersTable"
    assert function.api_events == (
        ("GET", "/health"),
        ("GET", "/orders/{order_id}"),
        ("POST", "/orders"),
    )
    assert [(layer.name, layer.source) for layer in settings.layers] == [
        ("lee-pricing", root / "layer")
    ]
    assert (settings.rehearsal.alias, settings.rehearsal.canary_weight) == ("live", 0.1)
    assert [resource.name for resource in settings.aws.resources] == [
        "lee-OrdersTable",
        "lee-receiptsbucket",
        "lee-ShippingQueue",
    ]
    assert function.origin == (
        "template.yaml OrdersFunction: code, handler, requirements, layers, runtime, timeout_s, "
        "architecture, environment; [tool.lee] overrides function.memory_mb, "
        "function.environment; alias live, Canary10Percent5Minutes"
    )


def test_a_template_beside_pyproject_is_used_when_the_table_names_no_source(tmp_path):
    root = write_sam_app(tmp_path)
    (root / "pyproject.toml").write_text("[tool.lee]\nmin_lines = 0\n")
    assert load_settings(root).handler == "app.handler"
    (root / "pyproject.toml").write_text('[tool.lee]\nsource = "src"\n')
    assert load_settings(root).template is None


@pytest.mark.parametrize(
    ("pyproject", "message"),
    [
        ('[tool.lee]\ntemplate = "nope.yaml"\n', r"tool.lee.template = 'nope.yaml': no such file"),
        (
            '[tool.lee]\nsource = "src"\n[tool.lee.function]\nlogical_id = "OrdersFunction"\n',
            r"logical_id: names a template's function, but there is no template",
        ),
        (
            '[tool.lee]\ntemplate = "template.yaml"\n[tool.lee.function]\nlogical_id = "Orders"\n',
            r"logical_id = 'Orders': no AWS::Serverless::Function of that name "
            r"\(the template's functions: OrdersFunction\)",
        ),
        (
            '[tool.lee]\ntemplate = "template.yaml"\n[tool.lee.rehearsal]\nevent = "events/nope.json"\n',
            r"tool.lee.rehearsal.event = 'events/nope.json': no such file",
        ),
    ],
)
def test_a_bad_template_setting_is_one_line(tmp_path, pyproject, message):
    root = write_sam_app(tmp_path)
    (root / "pyproject.toml").write_text(pyproject)
    with pytest.raises(LeeConfigError, match=message) as caught:
        load_settings(root)
    assert "\n" not in str(caught.value)


def test_a_template_value_out_of_lambdas_bounds_names_the_property(tmp_path):
    root = write_sam_app(
        tmp_path, {"template.yaml": TEMPLATE.replace("MemorySize: 256", "MemorySize: 64")}
    )
    (root / "pyproject.toml").write_text(PYPROJECT)
    with pytest.raises(
        LeeConfigError,
        match=r"Resources.OrdersFunction.Properties.MemorySize: expected 128 to 10240, got 64",
    ):
        load_settings(root)


def test_the_rehearsal_event_may_be_a_json_file(tmp_path):
    root = write_sam_app(tmp_path)
    (root / "pyproject.toml").write_text(
        PYPROJECT + '\n[tool.lee.rehearsal]\nevent = "events/00_health.json"\n'
    )
    assert load_settings(root).rehearsal.event["resource"] == "/health"


def test_the_sam_app_runs_package_budgets_and_a_rehearsal_from_its_template(pytester, monkeypatch):
    pytest.importorskip("moto.server", reason="needs moto[server] (the aws extra)")
    sam_wheels(monkeypatch, pytester.path.parent)
    write_sam_app(pytester.path, {"tests/test_deploy.py": DEPLOY})
    pytester.makefile(".toml", pyproject=PYPROJECT)
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "--lee-budgets")
    # package, budget[cold_start_ms], budget[error_rate], the rehearsal, and a contract item
    # per route of the handler's registry, found from the template alone
    result.assert_outcomes(passed=7)
    result.stdout.fnmatch_lines(
        [
            "*lee budgets*",
            "*function from template.yaml OrdersFunction: code, handler, requirements, layers, *",
            "*status codes: 200 × *, 201 × *",
            "*OrdersFunction deploy v2: promoted*",
            "*canary 0.1 × 20*alias weight 0.1*",
            "*promote live → v2*",
        ]
    )


def test_a_contract_child_imports_the_vendored_requirements_the_layers_and_has_a_region(
    pytester, monkeypatch
):
    """The registry module imports ``idgen`` (src/requirements.txt), ``pricing`` (the layer,
    which imports ``taxes`` from its own requirements) and makes boto3 clients at import."""
    sam_wheels(monkeypatch, pytester.path.parent)
    monkeypatch.delenv("AWS_REGION", raising=False)
    monkeypatch.delenv("AWS_DEFAULT_REGION", raising=False)
    write_sam_app(pytester.path)
    contract = '\n[[tool.lee.contract]]\nregistry = "app:ROUTES"\noperation = false\n'
    pytester.makefile(".toml", pyproject=PYPROJECT + contract)
    result = pytester.runpytest_inprocess("-p", "no:cacheprovider", "-k", "contract")
    result.stdout.fnmatch_lines(
        ["app:ROUTES  ? GET /health  ? POST /orders  ? GET /orders/{order_id}"]
    )
    assert "does not import" not in result.stdout.str()


def test_events_that_are_not_api_routes_are_listed_where_the_values_came_from(tmp_path):
    event = (
        "        Shipped:\n          Type: SQS\n"
        "          Properties:\n            Queue: !GetAtt ShippingQueue.Arn\n"
    )
    template = TEMPLATE.replace("  PricingLayer:\n", event + "\n  PricingLayer:\n")
    root = write_sam_app(tmp_path, {"template.yaml": template})
    (root / "pyproject.toml").write_text(PYPROJECT)
    settings = load_settings(root)
    assert settings.function.origin.endswith(
        "; alias live, Canary10Percent5Minutes; events not simulated: Shipped (SQS)"
    )
    assert len(settings.function.api_events) == 3


ALL_AT_ONCE = """\
Transform: AWS::Serverless-2016-10-31
Resources:
  Ping:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: src
      Handler: app.handler
      Runtime: python3.12
      AutoPublishAlias: prod
      DeploymentPreference:
        Type: AllAtOnce
      Layers:
        - arn:aws:lambda:us-east-1:017000801446:layer:AWSLambdaPowertoolsPythonV3:7
"""

ALL_AT_ONCE_TEST = """\
import shutil


def test_all_at_once_promotes_without_a_canary(lee_package, lee_rehearsal, tmp_path):
    assert lee_rehearsal.deploy(lee_package()).promoted
    v2 = shutil.copytree("src", tmp_path / "src")
    (v2 / "app.py").write_text((v2 / "app.py").read_text() + "# v2\\n")
    second = lee_rehearsal.deploy(lee_package(v2))
    assert second.promoted, second.reason
    assert second.canary is None
    (skipped,) = [step for step in second.steps if step.name.startswith("canary")]
    assert skipped.ok is None
    assert skipped.detail == "the template's DeploymentPreference shifts all traffic at once"
    alias = lee_rehearsal.client.get_alias(FunctionName="Ping", Name="prod")
    assert alias["FunctionVersion"] == second.version
    configuration = lee_rehearsal.client.get_function_configuration(FunctionName="Ping")
    assert not configuration.get("Layers")  # the outside layer is not attached offline
"""


def test_all_at_once_and_an_outside_layer(pytester):
    pytest.importorskip("moto")
    pytester.makefile(".yaml", template=ALL_AT_ONCE)
    pytester.makefile(".toml", pyproject='[tool.lee]\ntemplate = "template.yaml"\nmin_lines = 0\n')
    (pytester.path / "src").mkdir()
    (pytester.path / "src" / "app.py").write_text("def handler(event, context):\n    return {}\n")
    pytester.makepyfile(test_deploy=ALL_AT_ONCE_TEST)
    result = pytester.runpytest_inprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=2)
    result.stdout.fnmatch_lines(
        [
            "*warning: layer arn:aws:lambda:us-east-1:017000801446:layer:AWSLambdaPowertoolsPythonV3:7 "
            "(from template.yaml) is not available offline: children run without it"
        ]
    )


def test_the_html_report_says_where_the_functions_values_came_from():
    from pytest_lee.html.budgets import ran_under

    html = ran_under({"cpu": "host", "function_from": "template.yaml Orders: handler & code"})
    assert "function from template.yaml Orders: handler &amp; code" in html
