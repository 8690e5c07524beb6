"""Which of a template's resources exist offline, under which names, with which properties.

Pure: the template's tables, buckets, queues, topics and parameters, named as the
resolver names them (so ``!Ref OrdersTable`` in the environment and the table created
in moto agree), with only the properties their creation needs resolved — a ``Tags``
entry that imports another stack's value cannot stop a session that never reads tags.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

from pytest_lee.template.intrinsics import Resolver
from pytest_lee.template.model import CloudResource

# Each type created offline, and the properties its creation reads.
CREATED: Mapping[str, tuple[str, ...]] = {
    "AWS::DynamoDB::Table": (
        "KeySchema",
        "AttributeDefinitions",
        "BillingMode",
        "ProvisionedThroughput",
        "GlobalSecondaryIndexes",
        "LocalSecondaryIndexes",
        "StreamSpecification",
    ),
    "AWS::Serverless::SimpleTable": ("PrimaryKey", "ProvisionedThroughput"),
    "AWS::S3::Bucket": (),
    "AWS::SQS::Queue": ("FifoQueue", "ContentBasedDeduplication", "VisibilityTimeout"),
    "AWS::SNS::Topic": ("FifoTopic", "ContentBasedDeduplication"),
    "AWS::SSM::Parameter": ("Type", "Value", "Description"),
}


def template_resources(
    template: Mapping[str, Any], resolver: Resolver
) -> tuple[CloudResource, ...]:
    """The resources to create in moto, in template order (skipping false ``Condition``s)."""
    found = []
    for logical_id, resource in (template.get("Resources") or {}).items():
        if not isinstance(resource, dict) or resource.get("Type") not in CREATED:
            continue
        kind = str(resource["Type"])
        where = f"Resources.{logical_id}"
        condition = resource.get("Condition")
        if condition is not None and not resolver.resolve({"Condition": condition}, where):
            continue
        raw = resource.get("Properties") or {}
        if not isinstance(raw, dict):
            raw = {}
        properties = {
            key: resolver.resolve(raw[key], f"{where}.Properties.{key}")
            for key in CREATED[kind]
            if key in raw
        }
        found.append(
            CloudResource(
                logical_id=str(logical_id),
                type=kind,
                name=resolver.name_of(str(logical_id)),
                properties=MappingProxyType(properties),
            )
        )
    return tuple(found)
