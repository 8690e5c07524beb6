"""Registries called with a key computed at run time, checked as written (no reshaping).

The apps are written here as a Lambda team writes them: an API Gateway handler that
looks its route up in a dict with what the event says, and one that dispatches with
``getattr`` over a module of actions. No ``operation`` or ``kwargs`` in the table.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from pytest_lee.contracts.results import ContractSpec, KeyResult
from pytest_lee.contracts.runner import run_keys, run_tree

APP = {
    "routes.py": """
        from orders import create_order, get_order, list_orders

        ROUTES = {
            "GET /orders": list_orders,
            "GET /orders/{order_id}": get_order,
            "POST /orders": create_order,
        }
    """,
    "orders.py": """
        def list_orders(path_params, query, body, user_id):
            return []


        def get_order(path_params, query, body, user_id, region):
            return {}


        def create_order(query, body, user_id):
            return {}
    """,
    "app.py": """
        import json

        from routes import ROUTES


        def lambda_handler(event, context):
            method, resource = event["httpMethod"], event["resource"]
            handler = ROUTES.get(f"{method} {resource}")
            if handler is None:
                return {"statusCode": 404}
            result = handler(
                path_params=event.get("pathParameters") or {},
                query=event.get("queryStringParameters") or {},
                body=json.loads(event.get("body") or "{}"),
                user_id=event["requestContext"]["authorizer"]["sub"],
            )
            return {"statusCode": 200, "body": json.dumps(result)}
    """,
}

ACTIONS = {
    "actions.py": """
        def ping(payload):
            return "pong"


        def resize(payload, width, height=None):
            return payload
    """,
    "worker.py": """
        import actions


        def handler(event, context):
            return getattr(actions, event["action"])(event["payload"])
    """,
    "registry.py": """
        import actions as ACTIONS
    """,
}


def write(root: Path, files: dict[str, str]) -> Path:
    root.mkdir(parents=True)
    for name, text in files.items():
        (root / name).write_text(textwrap.dedent(text).lstrip())
    return root


@pytest.fixture(scope="module")
def routes(tmp_path_factory: pytest.TempPathFactory) -> dict[str, KeyResult]:
    root = write(tmp_path_factory.mktemp("api") / "src", APP)
    spec = ContractSpec("routes:ROUTES", "app:lambda_handler")  # the defaults otherwise
    return {r.key: r for r in run_tree(root, [spec])}


def test_every_route_gets_a_verdict_from_the_computed_key_call(
    routes: dict[str, KeyResult],
) -> None:
    assert {key: r.status for key, r in routes.items()} == {
        "GET /orders": "ok",
        "GET /orders/{order_id}": "fail",
        "POST /orders": "fail",
    }
    assert routes["GET /orders"].message == "1 probe bound to orders.list_orders"
    for result in routes.values():  # the configured operation means nothing to such a registry
        assert [p.origin for p in result.not_applicable] == ["[tool.lee.contract]"]


def test_a_handler_requiring_a_parameter_the_call_never_passes_fails(
    routes: dict[str, KeyResult],
) -> None:
    assert routes["GET /orders/{order_id}"].message == (
        "handler(path_params=…, query=…, body=…, user_id=…) (call site app.py:11, a key "
        "computed at run time) reaches `orders.get_order` (orders.py:5) for "
        "'GET /orders/{order_id}', which accepts (path_params, query, body, user_id, region): "
        "missing 1 required positional argument: 'region'. Fix: pass `region` at app.py:11 or "
        "give `region` a default in `orders.get_order`."
    )


def test_a_handler_missing_a_passed_parameter_fails_naming_it(
    routes: dict[str, KeyResult],
) -> None:
    result = routes["POST /orders"]
    assert "got an unexpected keyword argument 'path_params'" in result.message
    assert "add `path_params` to `orders.create_order` or accept `**kwargs`" in result.message
    assert set(result.implicated) == {"app.py", "orders.py"}


def test_a_getattr_dispatch_over_a_module_binds_every_public_function(
    tmp_path: Path,
) -> None:
    root = write(tmp_path / "src", ACTIONS)
    results = run_tree(root, [ContractSpec("registry:ACTIONS", "worker:handler")])
    verdicts = {r.key: r for r in results}
    assert {key: r.status for key, r in verdicts.items()} == {"ping": "ok", "resize": "fail"}
    assert (
        "getattr(actions, event['action'])(event['payload']) (call site worker.py:5, a key "
        "computed at run time) reaches `actions.resize` (actions.py:5) for 'resize', which "
        "accepts (payload, width, height=None): missing 1 required positional argument: 'width'"
    ) in verdicts["resize"].message


def test_the_child_sees_the_layers_after_the_code_and_the_functions_environment(
    tmp_path: Path,
) -> None:
    """A router importing a layer's module and reading the function's environment at import."""
    root = write(
        tmp_path / "src",
        {
            "routes.py": """
                import os

                import shared_auth

                REGION = os.environ["ORDERS_REGION"]
                ROUTES = {"GET /me": shared_auth.whoami}
            """,
            "app.py": """
                from routes import ROUTES


                def lambda_handler(event, context):
                    return ROUTES[event["routeKey"]](event["user"])
            """,
            "shared_auth.py": "def whoami(user, token):\n    return user\n",  # the code's own wins
        },
    )
    first = write(tmp_path / "layer1", {"shared_auth.py": "def whoami():\n    return None\n"})
    second = write(tmp_path / "layer2", {"shared_auth.py": "def whoami(user):\n    return user\n"})
    spec = ContractSpec("routes:ROUTES", "app:lambda_handler")
    (root / "shared_auth.py").unlink()
    results = run_tree(
        root,
        [spec],
        environment={"ORDERS_REGION": "eu-west-1"},
        paths=[str(second), str(first)],  # as import_paths orders [first, second]: last first
    )
    assert [(r.key, r.status) for r in results] == [("GET /me", "ok")], results
    keys = run_keys(root, [spec], environment={"ORDERS_REGION": "eu-west-1"}, paths=[str(second)])
    assert keys == [["GET /me"]]  # collection sees them too
    (root / "shared_auth.py").write_text("def whoami(user, token):\n    return user\n")
    results = run_tree(
        root, [spec], environment={"ORDERS_REGION": "eu-west-1"}, paths=[str(second)]
    )
    assert "missing 1 required positional argument: 'token'" in results[0].message
    results = run_tree(root, [spec], paths=[str(second)])
    assert results[0].key == "*" and "KeyError: 'ORDERS_REGION'" in results[0].message


def test_layer_paths_put_the_last_layer_first(tmp_path: Path) -> None:
    from pytest_lee.package.layers import import_paths
    from pytest_lee.settings import CommandLine, LayerSettings, Settings

    settings = Settings(
        rootdir=tmp_path,
        source=tmp_path,
        layers=(
            LayerSettings(name="common", source=tmp_path / "common"),
            LayerSettings(name="auth", source=tmp_path / "auth"),
        ),
        options=CommandLine(),
    )
    assert import_paths(settings) == [str(tmp_path / "auth"), str(tmp_path / "common")]


def test_an_api_gateway_app_is_checked_as_written_by_a_plain_pytest_run(
    pytester: pytest.Pytester,
) -> None:
    """The table names the registry and the handler; nothing else, no reshaping."""
    pytester.makepyprojecttoml(
        '[tool.lee]\nsource = "src"\nhandler = "app.lambda_handler"\n\n'
        '[[tool.lee.contract]]\nregistry = "routes:ROUTES"\ndispatcher = "app:lambda_handler"\n'
    )
    write(pytester.path / "src", APP)
    result = pytester.runpytest_inprocess("-p", "no:cacheprovider", "-k", "contract", "-rs")
    result.assert_outcomes(passed=1, failed=2)
    result.stdout.fnmatch_lines(
        [
            "*lee contracts*",
            "routes:ROUTES  ✓ GET /orders  ✗ GET /orders/{order_id}  ✗ POST /orders",
            "*✗ GET /orders/{order_id}: handler(path_params=…, query=…, body=…, user_id=…) (call "
            "site app.py:11, a key computed at run time) reaches `orders.get_order`*",
        ]
    )
    assert "test_operation" not in result.stdout.str()


TEMPLATE = """\
AWSTemplateFormatVersion: '2010-09-09'
Transform: AWS::Serverless-2016-10-31
Resources:
  OrdersFunction:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: src/
      Handler: app.lambda_handler
      Runtime: python3.12
      Events:
        ListOrders:
          Type: Api
          Properties: {Path: /orders, Method: get}
        GetOrder:
          Type: Api
          Properties: {Path: '/orders/{order_id}', Method: get}
        CreateOrder:
          Type: Api
          Properties: {Path: /orders, Method: post}
        DeleteOrder:
          Type: Api
          Properties: {Path: '/orders/{order_id}', Method: delete}
"""


def test_a_sam_app_is_checked_from_its_template_alone(pytester: pytest.Pytester) -> None:
    """No [[tool.lee.contract]] table: the handler's route dict is found in its source, its
    routes bind as in the test above, and an event with no route fails, naming it."""
    pytester.makepyprojecttoml('[tool.lee]\ntemplate = "template.yaml"\n')
    (pytester.path / "template.yaml").write_text(TEMPLATE)
    write(pytester.path / "src", APP)
    result = pytester.runpytest_inprocess("-p", "no:cacheprovider", "-k", "contract", "-rs")
    result.stdout.fnmatch_lines(
        [
            "*lee contracts*",
            "routes:ROUTES  ✓ GET /orders  ✗ GET /orders/{order_id}  ✗ POST /orders*",
        ]
    )
    assert "DELETE /orders/{order_id}" in result.stdout.str()  # the event without a route
    outcomes = result.parseoutcomes()
    assert outcomes.get("failed", 0) >= 3 and outcomes.get("passed", 0) >= 1


def test_route_registries_are_found_in_the_handlers_source_and_what_it_imports(
    tmp_path: Path,
) -> None:
    from pytest_lee.template.routes import handler_registries

    src = write(tmp_path / "src", APP)
    found = handler_registries(src, "app.lambda_handler")
    assert [(f.registry, f.kind) for f in found] == [("routes:ROUTES", "routes dict")]
    (src / "api.py").write_text(
        "from aws_lambda_powertools.event_handler import APIGatewayRestResolver\n"
        "app = APIGatewayRestResolver()\n"
    )
    assert [f.registry for f in handler_registries(src, "api.handler")] == ["api:app"]
