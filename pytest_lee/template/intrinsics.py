"""CloudFormation's intrinsic functions, resolved to what the template's resources are in moto.

``!Ref``/``!GetAtt``/``!Sub`` of a resource give the name (or ARN, or queue URL) that
resource has in moto, where pytest-lee creates it under a deterministic name (its own
``TableName``/``BucketName``/… when the template gives one, else ``lee-<LogicalId>``);
``!Ref`` of a parameter gives its ``Default``; pseudo parameters give moto's account and
the session's region; ``!If`` evaluates the template's ``Conditions``. What cannot be
known offline (``!ImportValue``, a parameter without a default, an attribute we do not
model) is a ``LeeConfigError`` naming the template and the property.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pytest_lee.errors import LeeConfigError
from pytest_lee.template.model import ACCOUNT_ID, STACK_NAME

# Removes the key it is the value of (CloudFormation's AWS::NoValue).
NO_VALUE = object()

_SUB = re.compile(r"\$\{(!?)([^}]*)\}")

# The property that names a resource of each type, when the template sets it.
NAME_PROPERTIES = {
    "AWS::DynamoDB::Table": "TableName",
    "AWS::Serverless::SimpleTable": "TableName",
    "AWS::S3::Bucket": "BucketName",
    "AWS::SQS::Queue": "QueueName",
    "AWS::SNS::Topic": "TopicName",
    "AWS::SSM::Parameter": "Name",
    "AWS::Serverless::Function": "FunctionName",
    "AWS::Lambda::Function": "FunctionName",
    "AWS::Serverless::LayerVersion": "LayerName",
    "AWS::Lambda::LayerVersion": "LayerName",
    "AWS::IAM::Role": "RoleName",
}


class Unresolvable(Exception):
    """Raised inside the resolver; :meth:`Resolver.resolve` turns it into one config line."""


class Resolver:
    """Resolves intrinsic functions of one template for one region."""

    def __init__(self, template: Mapping[str, Any], path: Path, region: str) -> None:
        self.template = template
        self.path = path
        self.region = region
        self.resources: Mapping[str, Any] = template.get("Resources") or {}
        self.parameters: Mapping[str, Any] = template.get("Parameters") or {}
        self._names: dict[str, str] = {}
        self._naming: set[str] = set()  # cycle guard: a name that refers to itself
        self._conditions: dict[str, bool] = {}

    def resolve(self, value: Any, where: str) -> Any:
        """*value* with every intrinsic resolved; *where* names the property in errors."""
        try:
            return self._value(value)
        except Unresolvable as error:
            raise LeeConfigError(f"{self.path}: {where}: {error}") from None
        except (ValueError, TypeError, IndexError, KeyError, AttributeError) as error:
            raise LeeConfigError(
                f"{self.path}: {where}: a malformed intrinsic function "
                f"({type(error).__name__}: {error})"
            ) from None

    def name_of(self, logical_id: str) -> str:
        """The physical name resource *logical_id* has in moto."""
        try:
            return self._name(logical_id)
        except Unresolvable as error:
            raise LeeConfigError(f"{self.path}: Resources.{logical_id}: {error}") from None

    # --- the functions ----------------------------------------------------------------

    def _value(self, value: Any) -> Any:
        if isinstance(value, list):
            items = [self._value(item) for item in value]
            return [item for item in items if item is not NO_VALUE]
        if not isinstance(value, dict):
            return value
        if len(value) == 1:
            ((key, argument),) = value.items()
            if key == "Ref":
                return self._ref(argument)
            if key == "Condition" and isinstance(argument, str):
                return self._condition(argument)
            if key.startswith("Fn::"):
                return self._function(key[4:], argument)
        resolved = {key: self._value(item) for key, item in value.items()}
        return {key: item for key, item in resolved.items() if item is not NO_VALUE}

    def _function(self, name: str, argument: Any) -> Any:
        if name == "GetAtt":
            if isinstance(argument, str):
                argument = argument.split(".", 1)
            logical_id, attribute = self._value(argument)
            return self._attribute(str(logical_id), str(attribute))
        if name == "Sub":
            return self._sub(argument)
        if name == "If":
            condition, when_true, when_false = argument
            return self._value(when_true if self._condition(condition) else when_false)
        if name == "Join":
            delimiter, items = self._value(argument)
            return str(delimiter).join(_text(item) for item in items)
        if name == "Select":
            index, items = self._value(argument)
            return items[int(index)]
        if name == "Split":
            delimiter, text = self._value(argument)
            return str(text).split(str(delimiter))
        if name == "FindInMap":
            map_name, top, second = self._value(argument)[:3]
            try:
                return self._value(self.template["Mappings"][map_name][top][second])
            except (KeyError, TypeError):
                raise Unresolvable(
                    f"!FindInMap [{map_name}, {top}, {second}]: no such entry"
                ) from None
        if name == "GetAZs":
            return [f"{self.region}{zone}" for zone in "abc"]
        if name == "Base64":
            import base64

            return base64.b64encode(_text(self._value(argument)).encode()).decode()
        if name == "Length":
            return len(self._value(argument))
        if name in ("Equals", "Not", "And", "Or"):
            return self._logic(name, argument)
        if name == "ImportValue":
            raise Unresolvable(
                f"!ImportValue {argument!r}: another stack's export, not known offline "
                "(set the value in [tool.lee.function] environment)"
            )
        raise Unresolvable(f"Fn::{name} is not resolved offline")

    def _logic(self, name: str, argument: Any) -> bool:
        values = self._value(argument)
        if name == "Equals":
            return bool(_text(values[0]) == _text(values[1]))
        if name == "Not":
            return not values[0]
        if name == "And":
            return all(values)
        return any(values)

    def _condition(self, name: Any) -> bool:
        if not isinstance(name, str):
            return bool(self._value(name))
        if name not in self._conditions:
            conditions = self.template.get("Conditions") or {}
            if name not in conditions:
                raise Unresolvable(f"no condition {name!r} in Conditions")
            self._conditions[name] = bool(self._value(conditions[name]))
        return self._conditions[name]

    def _sub(self, argument: Any) -> str:
        variables: Mapping[str, Any] = {}
        if isinstance(argument, list):
            text, variables = argument[0], self._value(argument[1])
        else:
            text = argument

        def replace(match: re.Match[str]) -> str:
            if match.group(1):  # ${!Literal} stays ${Literal}
                return "${" + match.group(2) + "}"
            name = match.group(2).strip()
            if name in variables:
                return _text(variables[name])
            if "." in name and name.split(".", 1)[0] in self.resources:
                logical_id, attribute = name.split(".", 1)
                return _text(self._attribute(logical_id, attribute))
            return _text(self._ref(name))

        return _SUB.sub(replace, str(text))

    def _ref(self, name: Any) -> Any:
        if not isinstance(name, str):
            raise Unresolvable(f"!Ref {name!r}: expected a name")
        pseudo = self._pseudo(name)
        if pseudo is not None:
            return pseudo
        if name in self.parameters:
            parameter = self.parameters[name] or {}
            if "Default" not in parameter:
                raise Unresolvable(
                    f"!Ref {name}: parameter {name} has no Default, so its value is not known offline"
                )
            default = parameter["Default"]
            kind = str(parameter.get("Type", "String"))
            if kind.startswith("List<") or kind == "CommaDelimitedList":
                return [item.strip() for item in str(default).split(",")]
            return _text(default)
        if name in self.resources:
            return _reference_value(self._type(name), self._name(name), self.region)
        raise Unresolvable(f"!Ref {name}: no parameter or resource {name!r} in the template")

    def _pseudo(self, name: str) -> Any:
        if name == "AWS::NoValue":
            return NO_VALUE
        return {
            "AWS::Region": self.region,
            "AWS::AccountId": ACCOUNT_ID,
            "AWS::StackName": STACK_NAME,
            "AWS::StackId": f"arn:aws:cloudformation:{self.region}:{ACCOUNT_ID}:stack/{STACK_NAME}/0",
            "AWS::Partition": "aws",
            "AWS::URLSuffix": "amazonaws.com",
            "AWS::NotificationARNs": [],
        }.get(name)

    def _attribute(self, logical_id: str, attribute: str) -> Any:
        if logical_id not in self.resources:
            raise Unresolvable(f"!GetAtt {logical_id}.{attribute}: no resource {logical_id!r}")
        value = _attribute_value(
            self._type(logical_id), self._name(logical_id), attribute, self.region
        )
        if value is None:
            raise Unresolvable(
                f"!GetAtt {logical_id}.{attribute}: {self._type(logical_id)}'s {attribute} is not "
                "known offline"
            )
        return value

    def _type(self, logical_id: str) -> str:
        resource = self.resources.get(logical_id)
        return str(resource.get("Type", "")) if isinstance(resource, dict) else ""

    def _name(self, logical_id: str) -> str:
        if logical_id in self._names:
            return self._names[logical_id]
        if logical_id in self._naming:
            raise Unresolvable(f"the name of {logical_id} refers to itself")
        self._naming.add(logical_id)
        kind = self._type(logical_id)
        properties = (self.resources.get(logical_id) or {}).get("Properties") or {}
        given = properties.get(NAME_PROPERTIES.get(kind, ""))
        if given is not None:
            name = _text(self._value(given))
        else:
            name = default_name(kind, logical_id, properties)
        self._naming.discard(logical_id)
        self._names[logical_id] = name
        return name


def default_name(kind: str, logical_id: str, properties: Mapping[str, Any]) -> str:
    """The deterministic name pytest-lee gives a resource the template does not name.

    CloudFormation would add a random suffix; here the same template always gives the same
    names, so a handler's logs and a test's assertions can name them.
    """
    if kind == "AWS::S3::Bucket":
        return f"{STACK_NAME}-{logical_id}".lower()
    if kind in ("AWS::Serverless::Function", "AWS::Lambda::Function"):
        return logical_id
    if kind == "AWS::SQS::Queue" and properties.get("FifoQueue") in (True, "true"):
        return f"{STACK_NAME}-{logical_id}.fifo"
    return f"{STACK_NAME}-{logical_id}"


def _reference_value(kind: str, name: str, region: str) -> str:
    """What ``!Ref`` of a resource gives, by type (a queue's URL, a topic's ARN, …)."""
    if kind == "AWS::SQS::Queue":
        return f"https://sqs.{region}.amazonaws.com/{ACCOUNT_ID}/{name}"
    if kind == "AWS::SNS::Topic":
        return f"arn:aws:sns:{region}:{ACCOUNT_ID}:{name}"
    if kind in ("AWS::Serverless::LayerVersion", "AWS::Lambda::LayerVersion"):
        return f"arn:aws:lambda:{region}:{ACCOUNT_ID}:layer:{name}:1"
    return name


def _attribute_value(kind: str, name: str, attribute: str, region: str) -> str | None:
    """``!GetAtt`` of the attributes a handler's environment usually needs."""
    arns = {
        "AWS::DynamoDB::Table": f"arn:aws:dynamodb:{region}:{ACCOUNT_ID}:table/{name}",
        "AWS::Serverless::SimpleTable": f"arn:aws:dynamodb:{region}:{ACCOUNT_ID}:table/{name}",
        "AWS::S3::Bucket": f"arn:aws:s3:::{name}",
        "AWS::SQS::Queue": f"arn:aws:sqs:{region}:{ACCOUNT_ID}:{name}",
        "AWS::SNS::Topic": f"arn:aws:sns:{region}:{ACCOUNT_ID}:{name}",
        "AWS::SSM::Parameter": f"arn:aws:ssm:{region}:{ACCOUNT_ID}:parameter/{name.lstrip('/')}",
        "AWS::Serverless::Function": f"arn:aws:lambda:{region}:{ACCOUNT_ID}:function:{name}",
        "AWS::Lambda::Function": f"arn:aws:lambda:{region}:{ACCOUNT_ID}:function:{name}",
        "AWS::IAM::Role": f"arn:aws:iam::{ACCOUNT_ID}:role/{name}",
    }
    others = {
        ("AWS::SQS::Queue", "QueueName"): name,
        ("AWS::SQS::Queue", "QueueUrl"): _reference_value(kind, name, region),
        ("AWS::SNS::Topic", "TopicName"): name,
        ("AWS::SNS::Topic", "TopicArn"): arns.get(kind),
        ("AWS::S3::Bucket", "DomainName"): f"{name}.s3.amazonaws.com",
        ("AWS::S3::Bucket", "RegionalDomainName"): f"{name}.s3.{region}.amazonaws.com",
        ("AWS::S3::Bucket", "WebsiteURL"): f"http://{name}.s3-website-{region}.amazonaws.com",
        ("AWS::DynamoDB::Table", "StreamArn"): f"{arns.get(kind)}/stream/1970-01-01T00:00:00.000",
    }
    if attribute == "Arn" and kind in arns:
        return arns[kind]
    return others.get((kind, attribute))


def _text(value: Any) -> str:
    """A resolved value as CloudFormation turns it into a string (true, not True)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is NO_VALUE:
        return ""
    return str(value)
