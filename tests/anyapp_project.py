"""A SAM-style app a new user brings (not a test module): one handler, boto3, a DynamoDB table.

``src/app.py`` reads an item from the table ``items`` (``TABLE_NAME``); an event without
``id`` gets ``400 "Unknown request type"``, ``{"id": "remote"}`` calls a public API.
``tests/aws_state.py`` creates and seeds the table (``[tool.lee.aws] setup``).
docs/your-own-app.md shows these files; ``test_your_own_app.py`` runs its steps.
"""

from __future__ import annotations

import textwrap
from collections.abc import Mapping
from pathlib import Path

APP = """\
import json
import os
import urllib.request

import boto3

TABLE = boto3.resource("dynamodb").Table(os.environ["TABLE_NAME"])


def handler(event, context):
    item_id = event.get("id") if isinstance(event, dict) else None
    if not item_id:
        return {"statusCode": 400, "body": json.dumps({"error": "Unknown request type"})}
    if item_id == "remote":
        with urllib.request.urlopen("https://api.example.com/items", timeout=10) as answer:
            return {"statusCode": 200, "body": answer.read().decode()}
    item = TABLE.get_item(Key={"id": item_id}).get("Item")
    if item is None:
        return {"statusCode": 404, "body": json.dumps({"error": f"no item {item_id}"})}
    return {"statusCode": 200, "body": json.dumps(item)}
"""

AWS_STATE = '''\
import boto3


def seed():
    """Called by pytest-lee inside moto before any child starts."""
    table = boto3.resource("dynamodb").create_table(
        TableName="items",
        KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )
    table.put_item(Item={"id": "1", "name": "first"})
'''

PYPROJECT = """\
[tool.lee]
source = "src"
handler = "app.handler"
{requirements}
[tool.lee.function]
name = "items-api"
runtime = "python3.12"
timeout_s = 10
environment = {{ TABLE_NAME = "items" }}

[tool.lee.aws]
setup = "tests.aws_state:seed"

[tool.lee.budgets]
runs = 2
event = {{ id = "1" }}
cold_start_ms = {{ acceptable = 20000 }}
error_rate = {{ acceptable = 0 }}

[tool.lee.rehearsal]
expect = {{ statusCode = 200 }}
"""

DEPLOY_TEST = """\
import json


def test_the_app_deploys_and_reads_the_seeded_table(lee_package, lee_rehearsal):
    deployment = lee_rehearsal.deploy(lee_package())
    assert deployment.promoted, deployment.reason
    assert json.loads(deployment.health.response["body"]) == {"id": "1", "name": "first"}
"""


def write_app(root: Path, *, requirements: str = "", extra: Mapping[str, str] = {}) -> Path:
    """The app under *root*; *requirements* is a ``requirements = ...`` line or empty."""
    files = {
        "pyproject.toml": PYPROJECT.format(requirements=requirements),
        "src/app.py": APP,
        "tests/aws_state.py": AWS_STATE,
        "tests/test_deploy.py": DEPLOY_TEST,
        **extra,
    }
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text))
    return root
