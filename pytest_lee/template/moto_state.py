"""The template's resources, created in moto by direct API calls before any child starts.

moto's own CloudFormation would name them at random and accepts
``AWS::Serverless::SimpleTable`` without creating it; here each resource is created with
the name the template's intrinsics resolve to, so the handler's ``TABLE_NAME``
(``!Ref OrdersTable``) names a table that exists. Called inside ``mock_aws`` (boto3 is
imported here, only then); ``[tool.lee.aws] setup`` runs after it and only seeds data.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from pytest_lee.errors import LeeError
from pytest_lee.template.model import CloudResource

_KEY_TYPES = {"String": "S", "Number": "N", "Binary": "B"}


def create_resources(resources: Iterable[CloudResource], region: str) -> None:
    """Create every resource in moto; a failure is one line naming the resource."""
    import boto3

    session = boto3.session.Session(region_name=region)
    clients: dict[str, Any] = {}

    def client(service: str) -> Any:
        if service not in clients:
            clients[service] = session.client(service)
        return clients[service]

    for resource in resources:
        try:
            _create(resource, client)
        except Exception as error:
            detail = " ".join(str(error).split())  # botocore's validation errors span lines
            raise LeeError(
                f"{resource.type} {resource.logical_id} ({resource.name}): could not be "
                f"created in moto: {type(error).__name__}: {detail}"
            ) from None


def _create(resource: CloudResource, client: Any) -> None:
    properties = resource.properties
    kind = resource.type
    if kind == "AWS::DynamoDB::Table":
        client("dynamodb").create_table(**_table(resource.name, properties))
    elif kind == "AWS::Serverless::SimpleTable":
        key = properties.get("PrimaryKey") or {"Name": "id", "Type": "String"}
        client("dynamodb").create_table(
            TableName=resource.name,
            KeySchema=[{"AttributeName": key["Name"], "KeyType": "HASH"}],
            AttributeDefinitions=[
                {"AttributeName": key["Name"], "AttributeType": _KEY_TYPES.get(key["Type"], "S")}
            ],
            BillingMode="PAY_PER_REQUEST",
        )
    elif kind == "AWS::S3::Bucket":
        region = client("s3").meta.region_name
        extra = (
            {}
            if region == "us-east-1"
            else {"CreateBucketConfiguration": {"LocationConstraint": region}}
        )
        client("s3").create_bucket(Bucket=resource.name, **extra)
    elif kind == "AWS::SQS::Queue":
        attributes = {
            key: _attribute(properties[key])
            for key in ("FifoQueue", "ContentBasedDeduplication", "VisibilityTimeout")
            if key in properties
        }
        client("sqs").create_queue(QueueName=resource.name, Attributes=attributes)
    elif kind == "AWS::SNS::Topic":
        attributes = {
            key: _attribute(properties[key])
            for key in ("FifoTopic", "ContentBasedDeduplication")
            if key in properties
        }
        client("sns").create_topic(Name=resource.name, Attributes=attributes)
    elif kind == "AWS::SSM::Parameter":
        client("ssm").put_parameter(
            Name=resource.name,
            Value=str(properties.get("Value", "")),
            Type=str(properties.get("Type", "String")),
            Overwrite=True,
        )


def _table(name: str, properties: Mapping[str, Any]) -> dict[str, Any]:
    arguments: dict[str, Any] = {
        "TableName": name,
        "KeySchema": properties.get("KeySchema"),
        "AttributeDefinitions": properties.get("AttributeDefinitions"),
    }
    if (
        properties.get("BillingMode") == "PAY_PER_REQUEST"
        or "ProvisionedThroughput" not in properties
    ):
        arguments["BillingMode"] = "PAY_PER_REQUEST"
    else:
        arguments["ProvisionedThroughput"] = {
            key: int(value) for key, value in properties["ProvisionedThroughput"].items()
        }
    for key in ("LocalSecondaryIndexes", "StreamSpecification"):
        if key in properties:
            arguments[key] = properties[key]
    if "GlobalSecondaryIndexes" in properties:
        on_demand = arguments.get("BillingMode") == "PAY_PER_REQUEST"
        arguments["GlobalSecondaryIndexes"] = [
            {
                key: value
                for key, value in index.items()
                if not (on_demand and key == "ProvisionedThroughput")
            }
            for index in properties["GlobalSecondaryIndexes"]
        ]
    return arguments


def _attribute(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)
