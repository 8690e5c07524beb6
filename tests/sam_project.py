"""A SAM app the template tests run (not a test module): written here, for these tests.

API Gateway → one function with a dict router, a DynamoDB table, an S3 bucket, an SQS
queue and a layer of the same template; ``AutoPublishAlias: live`` and
``Canary10Percent5Minutes``. pytest-lee is told ``template = "template.yaml"`` and the
budget levels, nothing else. The function's and the layer's ``requirements.txt`` name
wheels the tests build (:func:`sam_wheels`), so no registry is needed.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from wheels import make_wheel, use_wheels

TEMPLATE = """\
AWSTemplateFormatVersion: "2010-09-09"
Transform: AWS::Serverless-2016-10-31
Description: Orders API

Parameters:
  Stage:
    Type: String
    Default: dev

Globals:
  Function:
    Runtime: python3.12
    MemorySize: 256
    Timeout: 10
    Architectures: [x86_64]
    Environment:
      Variables:
        STAGE: !Ref Stage

Resources:
  OrdersFunction:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: src/
      Handler: app.handler
      AutoPublishAlias: live
      DeploymentPreference:
        Type: Canary10Percent5Minutes
      Layers:
        - !Ref PricingLayer
      Environment:
        Variables:
          TABLE_NAME: !Ref OrdersTable
          BUCKET_NAME: !Ref ReceiptsBucket
          QUEUE_URL: !Ref ShippingQueue
          TABLE_ARN: !GetAtt OrdersTable.Arn
          RECEIPTS_PREFIX: !Sub "receipts/${Stage}/"
      Policies:
        - DynamoDBCrudPolicy:
            TableName: !Ref OrdersTable
        - S3CrudPolicy:
            BucketName: !Ref ReceiptsBucket
        - SQSSendMessagePolicy:
            QueueName: !GetAtt ShippingQueue.QueueName
      Events:
        Health:
          Type: Api
          Properties:
            Path: /health
            Method: get
        GetOrder:
          Type: Api
          Properties:
            Path: /orders/{order_id}
            Method: get
        CreateOrder:
          Type: Api
          Properties:
            Path: /orders
            Method: post

  PricingLayer:
    Type: AWS::Serverless::LayerVersion
    Properties:
      LayerName: !Sub "${AWS::StackName}-pricing"
      ContentUri: layer/
      CompatibleRuntimes: [python3.12]
    Metadata:
      BuildMethod: python3.12

  OrdersTable:
    Type: AWS::DynamoDB::Table
    Properties:
      BillingMode: PAY_PER_REQUEST
      AttributeDefinitions:
        - AttributeName: order_id
          AttributeType: S
      KeySchema:
        - AttributeName: order_id
          KeyType: HASH

  ReceiptsBucket:
    Type: AWS::S3::Bucket

  ShippingQueue:
    Type: AWS::SQS::Queue
    Properties:
      VisibilityTimeout: 60

Outputs:
  OrdersApi:
    Value: !Sub "https://${ServerlessRestApi}.execute-api.${AWS::Region}.amazonaws.com/Prod/"
"""

APP = '''\
"""Orders API: one function, a dict of routes keyed by "METHOD /resource"."""

import json
import os
import uuid

import boto3
import idgen  # vendored from src/requirements.txt
from pricing import total  # from the PricingLayer

TABLE = boto3.resource("dynamodb").Table(os.environ["TABLE_NAME"])
S3 = boto3.client("s3")
SQS = boto3.client("sqs")


def health(event):
    return 200, {"status": "ok", "stage": os.environ["STAGE"], "idgen": idgen.VERSION}


def create_order(event):
    order = json.loads(event.get("body") or "{}")
    order_id = order.get("order_id") or str(uuid.uuid4())
    item = {"order_id": order_id, "total": str(total(order.get("lines", [])))}
    TABLE.put_item(Item=item)
    key = os.environ["RECEIPTS_PREFIX"] + order_id + ".json"
    S3.put_object(Bucket=os.environ["BUCKET_NAME"], Key=key, Body=json.dumps(item).encode())
    SQS.send_message(QueueUrl=os.environ["QUEUE_URL"], MessageBody=order_id)
    return 201, item


def get_order(event):
    order_id = event["pathParameters"]["order_id"]
    item = TABLE.get_item(Key={"order_id": order_id}).get("Item")
    if item is None:
        return 404, {"error": f"no order {order_id}"}
    return 200, item


ROUTES = {
    "GET /health": health,
    "POST /orders": create_order,
    "GET /orders/{order_id}": get_order,
}


def handler(event, context):
    route = ROUTES.get(f"{event.get('httpMethod')} {event.get('resource')}")
    if route is None:
        return {"statusCode": 404, "body": json.dumps({"error": "no such route"})}
    status, body = route(event)
    return {"statusCode": status, "body": json.dumps(body)}
'''

PRICING = '''\
"""Shared pricing rules, shipped as a layer."""

import decimal

import taxes  # vendored from layer/requirements.txt


def total(lines):
    subtotal = sum(decimal.Decimal(str(line["price"])) * line["quantity"] for line in lines)
    return subtotal * taxes.RATE
'''

HEALTH_EVENT = """\
{"httpMethod": "GET", "resource": "/health", "path": "/health", "pathParameters": null, "body": null}
"""

CREATE_EVENT = """\
{"httpMethod": "POST", "resource": "/orders", "path": "/orders", "pathParameters": null,
 "body": "{\\"order_id\\": \\"o-1\\", \\"lines\\": [{\\"price\\": 2.5, \\"quantity\\": 2}]}"}
"""

PYPROJECT = """\
[tool.lee]
template = "template.yaml"

[tool.lee.budgets]
runs = 2
events = "events/*.json"
cold_start_ms = { acceptable = 20000 }
error_rate = { acceptable = 0 }
"""

FILES = {
    "template.yaml": TEMPLATE,
    "src/app.py": APP,
    "src/requirements.txt": "idgen\n",
    "layer/pricing.py": PRICING,
    "layer/requirements.txt": "taxes\n",
    "events/00_health.json": HEALTH_EVENT,
    "events/10_create.json": CREATE_EVENT,
}


def write_sam_app(root: Path, files: dict[str, str] | None = None) -> Path:
    """Write the app (and *files* over it) under *root*; returns *root*."""
    for name, text in {**FILES, **(files or {})}.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return root


def sam_wheels(monkeypatch: pytest.MonkeyPatch, where: Path) -> None:
    """The app's two requirements as local wheels, pip pointed at them only."""
    make_wheel(where / "wheels", "idgen", "1.0")
    make_wheel(where / "wheels", "taxes", "1.0", files={"taxes/__init__.py": "RATE = 2\n"})
    use_wheels(monkeypatch, where / "wheels", where / "cache")
