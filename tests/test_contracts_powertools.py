"""AWS Lambda Powertools resolvers as registries, checked as written (``registry = "app:app"``).

The app is written here: an ``APIGatewayRestResolver`` with its own routes and a
``Router`` included with a prefix. Skipped when Powertools is not installed (it is in
the ``test`` extra).
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from pytest_lee.contracts.results import ContractSpec, KeyResult
from pytest_lee.contracts.runner import run_tree

pytest.importorskip("aws_lambda_powertools", reason="aws-lambda-powertools is not installed")

APP = {
    "app.py": """
        from aws_lambda_powertools.event_handler import APIGatewayRestResolver

        from orders_api import router

        app = APIGatewayRestResolver()
        app.include_router(router, prefix="/v1")


        @app.get("/health")
        def health():
            return {"ok": True}


        @app.get("/orders/<order_id>")
        def get_order(order_id: str):
            return {"id": order_id}


        @app.delete("/orders/<order_id>")
        def delete_order(id: str):
            return {}


        def lambda_handler(event, context):
            return app.resolve(event, context)
    """,
    "orders_api.py": """
        from aws_lambda_powertools.event_handler.router import Router

        router = Router()


        @router.get("/items/<item_id>/parts/<part>")
        def get_part(item_id, part, region):
            return {}


        @router.post("/items")
        def create_item():
            return {}
    """,
}


@pytest.fixture(scope="module")
def routes(tmp_path_factory: pytest.TempPathFactory) -> dict[str, KeyResult]:
    root = tmp_path_factory.mktemp("powertools") / "src"
    root.mkdir()
    for name, text in APP.items():
        (root / name).write_text(textwrap.dedent(text).lstrip())
    return {r.key: r for r in run_tree(root, [ContractSpec("app:app")])}


def test_one_verdict_per_route_keyed_by_method_and_path(routes: dict[str, KeyResult]) -> None:
    assert {key: r.status for key, r in routes.items()} == {
        "GET /health": "ok",
        "GET /orders/<order_id>": "ok",
        "DELETE /orders/<order_id>": "fail",
        "GET /v1/items/<item_id>/parts/<part>": "fail",
        "POST /v1/items": "ok",
    }
    assert routes["GET /orders/<order_id>"].message == "1 probe bound to app.get_order"


def test_a_path_parameter_the_function_does_not_take_fails(routes: dict[str, KeyResult]) -> None:
    assert routes["DELETE /orders/<order_id>"].message == (
        "route DELETE /orders/<order_id> calls `app.delete_order` (app.py:19) with its path "
        "parameters (order_id=<str>); it accepts (id: str): got an unexpected keyword argument "
        "'order_id' (then: missing 1 required positional argument: 'id'). Fix: add `order_id` "
        "to `app.delete_order` or accept `**kwargs`; then pass `id` at the route "
        "'/orders/<order_id>' or give `id` a default in `app.delete_order`."
    )


def test_a_parameter_no_request_supplies_fails_in_an_included_router(
    routes: dict[str, KeyResult],
) -> None:
    message = routes["GET /v1/items/<item_id>/parts/<part>"].message
    assert "`orders_api.get_part` (orders_api.py:6)" in message
    assert "missing 1 required positional argument: 'region'" in message


def test_internals_not_found_fail_with_one_line_naming_the_version(tmp_path: Path) -> None:
    root = tmp_path / "src"
    root.mkdir()
    (root / "app.py").write_text(
        "from aws_lambda_powertools.event_handler import APIGatewayHttpResolver\n\n"
        "app = APIGatewayHttpResolver()\ndel app._static_routes\n"
    )
    (result,) = run_tree(root, [ContractSpec("app:app")])
    from importlib.metadata import version

    assert result.key == "*"
    assert result.message.startswith(
        f"registry app:app is a APIGatewayHttpResolver of aws-lambda-powertools "
        f"{version('aws-lambda-powertools')}, whose routes cannot be read"
    )
    assert "\n" not in result.message
