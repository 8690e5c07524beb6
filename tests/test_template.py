"""The SAM template reader: the function, Globals, intrinsics, layers, events, resources."""

from __future__ import annotations

import textwrap

import pytest
from sam_project import TEMPLATE, write_sam_app

from pytest_lee.errors import LeeConfigError
from pytest_lee.template import canary_weight, merge_globals, read_function


def test_the_function_comes_from_the_template_with_globals_merged(tmp_path):
    root = write_sam_app(tmp_path)
    function = read_function(root / "template.yaml")
    assert function.logical_id == "OrdersFunction"
    assert function.name == "OrdersFunction"
    assert function.handler == "app.handler"
    assert function.code_uri == root / "src"
    assert function.requirements == root / "src" / "requirements.txt"
    assert (function.runtime, function.memory_mb, function.timeout_s) == ("python3.12", 256, 10.0)
    assert function.architecture == "x86_64"
    assert function.alias == "live"
    assert function.deployment_type == "Canary10Percent5Minutes"
    assert function.canary_weight == 0.1
    assert function.api_events == (
        ("GET", "/health"),
        ("GET", "/orders/{order_id}"),
        ("POST", "/orders"),
    )


def test_intrinsics_resolve_to_the_names_resources_get_in_moto(tmp_path):
    function = read_function(write_sam_app(tmp_path) / "template.yaml", region="eu-west-1")
    assert dict(function.environment) == {
        "STAGE": "dev",  # Globals' !Ref of a parameter: its Default
        "TABLE_NAME": "lee-OrdersTable",
        "BUCKET_NAME": "lee-receiptsbucket",  # bucket names are lower case
        "QUEUE_URL": "https://sqs.eu-west-1.amazonaws.com/123456789012/lee-ShippingQueue",
        "TABLE_ARN": "arn:aws:dynamodb:eu-west-1:123456789012:table/lee-OrdersTable",
        "RECEIPTS_PREFIX": "receipts/dev/",
    }
    assert [(resource.type, resource.name) for resource in function.resources] == [
        ("AWS::DynamoDB::Table", "lee-OrdersTable"),
        ("AWS::S3::Bucket", "lee-receiptsbucket"),
        ("AWS::SQS::Queue", "lee-ShippingQueue"),
    ]
    table = function.resources[0].properties
    assert table["KeySchema"] == [{"AttributeName": "order_id", "KeyType": "HASH"}]


def test_a_layer_of_the_template_is_built_as_sam_build_does(tmp_path):
    root = write_sam_app(tmp_path)
    (layer,) = read_function(root / "template.yaml").layers
    assert layer.name == "lee-pricing"  # !Sub "${AWS::StackName}-pricing"
    assert layer.source == root / "layer"
    assert layer.requirements == root / "layer" / "requirements.txt"


def test_a_layer_without_build_method_is_its_python_directory(tmp_path):
    root = write_sam_app(
        tmp_path,
        {
            "template.yaml": TEMPLATE.replace("    Metadata:\n      BuildMethod: python3.12\n", ""),
            "layer/python/pricing.py": "def total(lines):\n    return 0\n",
        },
    )
    (layer,) = read_function(root / "template.yaml").layers
    assert layer.source == root / "layer" / "python"
    assert layer.requirements is None


def test_a_layer_arn_from_outside_the_template_is_listed_as_unavailable(tmp_path):
    arn = "arn:aws:lambda:us-east-1:017000801446:layer:AWSLambdaPowertoolsPythonV3:7"
    template = TEMPLATE.replace(
        "        - !Ref PricingLayer\n",
        "        - !Ref PricingLayer\n        - !Sub 'arn:aws:lambda:${AWS::Region}:017000801446:layer:AWSLambdaPowertoolsPythonV3:7'\n",
    )
    function = read_function(write_sam_app(tmp_path, {"template.yaml": template}) / "template.yaml")
    assert [layer.logical_id for layer in function.layers] == ["PricingLayer"]
    assert function.unavailable_layers == (arn,)


@pytest.mark.parametrize(
    ("kind", "weight"),
    [
        ("Canary10Percent5Minutes", 0.1),
        ("Canary10Percent30Minutes", 0.1),
        ("Linear10PercentEvery1Minute", 0.1),
        ("CodeDeployDefault.LambdaCanary10Percent15Minutes", 0.1),
        ("AllAtOnce", 0.0),
        ("Sometimes", None),
    ],
)
def test_deployment_types_give_the_first_traffic_shift(kind, weight):
    assert canary_weight(kind) == weight


def test_globals_merge_as_sam_merges_them():
    merged = merge_globals(
        {"Timeout": 3, "Environment": {"Variables": {"A": "1", "B": "2"}}, "Layers": ["g"]},
        {"Timeout": 9, "Environment": {"Variables": {"B": "3"}}, "Layers": ["f"]},
    )
    assert merged == {
        "Timeout": 9,
        "Environment": {"Variables": {"A": "1", "B": "3"}},
        "Layers": ["g", "f"],
    }


TWO_FUNCTIONS = """\
Transform: AWS::Serverless-2016-10-31
Conditions:
  IsProd: !Equals [!Ref Stage, prod]
Parameters:
  Stage: {Type: String, Default: dev}
  Secret: {Type: String}
Resources:
  First:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: src
      Handler: app.handler
      Runtime: python3.11
      Timeout: !If [IsProd, 30, 5]
      Environment:
        Variables:
          JOINED: !Join ["-", [a, !Ref Stage, !Select [1, [x, y]]]]
          LITERAL: !Sub "${!NotReplaced}"
          PROD: !If [IsProd, "yes", !Ref AWS::NoValue]
          FLAG: true
      Events:
        Any:
          Type: HttpApi
        Queue:
          Type: SQS
          Properties: {Queue: !GetAtt Jobs.Arn}
  Second:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: src
      Handler: app.handler
      Environment:
        Variables:
          SECRET: !Ref Secret
          OTHER: !ImportValue shared-table
  Jobs:
    Type: AWS::SQS::Queue
    Properties: {FifoQueue: true}
  ProdOnly:
    Type: AWS::S3::Bucket
    Condition: IsProd
"""


def two_functions(tmp_path):
    (tmp_path / "src").mkdir()
    path = tmp_path / "template.yaml"
    path.write_text(TWO_FUNCTIONS)
    return path


def test_several_functions_need_a_logical_id(tmp_path):
    path = two_functions(tmp_path)
    with pytest.raises(LeeConfigError) as caught:
        read_function(path)
    assert str(caught.value) == (
        f"{path}: 2 functions (First, Second): name the one to test with "
        "[tool.lee.function] logical_id"
    )
    with pytest.raises(LeeConfigError, match=r"logical_id = 'Thrid': no AWS::Serverless::Function"):
        read_function(path, logical_id="Thrid")


def test_conditions_joins_and_sub_escapes_resolve(tmp_path):
    function = read_function(two_functions(tmp_path), logical_id="First")
    assert function.timeout_s == 5.0
    assert dict(function.environment) == {
        "JOINED": "a-dev-y",
        "LITERAL": "${NotReplaced}",
        "FLAG": "true",
    }
    assert function.api_events == (("ANY", "$default"),)
    assert function.other_events == (("Queue", "SQS"),)
    assert [(r.name, dict(r.properties)) for r in function.resources] == [
        ("lee-Jobs.fifo", {"FifoQueue": True})
    ]  # ProdOnly's condition is false


def test_what_cannot_be_known_offline_is_one_line_naming_the_property(tmp_path):
    path = two_functions(tmp_path)
    with pytest.raises(LeeConfigError) as caught:
        read_function(path, logical_id="Second")
    assert str(caught.value) == (
        f"{path}: Resources.Second.Properties.Environment.Variables.SECRET: !Ref Secret: "
        "parameter Secret has no Default, so its value is not known offline"
    )
    with pytest.raises(LeeConfigError, match=r"Variables.OTHER: !ImportValue 'shared-table'"):
        read_function(path, logical_id="Second", keep_environment=frozenset({"SECRET"}))
    function = read_function(
        path, logical_id="Second", keep_environment=frozenset({"SECRET", "OTHER"})
    )
    assert dict(function.environment) == {}


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("Resources: [", r"template.yaml:2: not valid YAML: "),
        ("Outputs: {}\n", r"template.yaml: expected a template with a 'Resources' mapping"),
        (
            "Resources:\n  F:\n    Type: AWS::Serverless::Function\n    Properties:\n"
            "      CodeUri: nowhere\n",
            r"Resources.F.Properties.CodeUri: expected a directory relative to .*, got 'nowhere'",
        ),
        (
            "Resources:\n  F:\n    Type: AWS::Serverless::Function\n    Properties:\n"
            "      MemorySize: lots\n",
            r"Resources.F.Properties.MemorySize: expected a whole number, got 'lots'",
        ),
        (
            "Resources:\n  F:\n    Type: AWS::Serverless::Function\n    Properties:\n"
            "      Timeout: !If [Missing]\n",
            r"Resources.F.Properties.Timeout: a malformed intrinsic function",
        ),
        (
            "Resources:\n  F:\n    Type: AWS::Serverless::Function\n    Properties:\n"
            "      Environment: {Variables: {A: !GetAtt Nope.Arn}}\n",
            r"Variables.A: !GetAtt Nope.Arn: no resource 'Nope'",
        ),
        (
            "Resources:\n  F:\n    Type: AWS::Serverless::Function\n    Properties:\n"
            "      DeploymentPreference: {Type: Sometimes}\n",
            r"DeploymentPreference.Type: expected a deployment type such as Canary10Percent5Minutes",
        ),
    ],
)
def test_a_bad_template_is_one_line(tmp_path, text, message):
    path = tmp_path / "template.yaml"
    path.write_text(textwrap.dedent(text))
    with pytest.raises(LeeConfigError, match=message) as caught:
        read_function(path)
    assert "\n" not in str(caught.value)


def test_json_templates_and_long_form_intrinsics_read_the_same(tmp_path):
    (tmp_path / "src").mkdir()
    path = tmp_path / "template.json"
    path.write_text(
        '{"Resources": {"T": {"Type": "AWS::Serverless::SimpleTable"},'
        ' "F": {"Type": "AWS::Serverless::Function", "Properties": {"CodeUri": "src",'
        ' "Environment": {"Variables": {"T": {"Ref": "T"}, "A": {"Fn::GetAtt": ["T", "Arn"]}}}}}}}'
    )
    function = read_function(path)
    assert function.environment["T"] == "lee-T"
    assert function.environment["A"].endswith(":table/lee-T")


RESOURCES = """\
Transform: AWS::Serverless-2016-10-31
Resources:
  Orders:
    Type: AWS::DynamoDB::Table
    Properties:
      TableName: !Sub "${AWS::StackName}-orders"
      AttributeDefinitions:
        - {AttributeName: pk, AttributeType: S}
        - {AttributeName: status, AttributeType: S}
      KeySchema: [{AttributeName: pk, KeyType: HASH}]
      ProvisionedThroughput: {ReadCapacityUnits: 5, WriteCapacityUnits: 5}
      GlobalSecondaryIndexes:
        - IndexName: by-status
          KeySchema: [{AttributeName: status, KeyType: HASH}]
          Projection: {ProjectionType: ALL}
          ProvisionedThroughput: {ReadCapacityUnits: 5, WriteCapacityUnits: 5}
  Sessions:
    Type: AWS::Serverless::SimpleTable
    Properties:
      PrimaryKey: {Name: session, Type: Number}
  Uploads:
    Type: AWS::S3::Bucket
  Jobs:
    Type: AWS::SQS::Queue
    Properties: {FifoQueue: true, ContentBasedDeduplication: true}
  Alerts:
    Type: AWS::SNS::Topic
  Limit:
    Type: AWS::SSM::Parameter
    Properties: {Name: /orders/limit, Type: String, Value: "10"}
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: src
      Environment:
        Variables: {TOPIC: !Ref Alerts, LIMIT: !Ref Limit, JOBS: !Ref Jobs}
"""


@pytest.mark.parametrize("region", ["us-east-1", "eu-west-1"])
def test_the_templates_resources_are_created_in_moto_under_the_names_the_handler_sees(
    tmp_path, region
):
    pytest.importorskip("moto")
    import boto3
    from moto import mock_aws

    from pytest_lee.template.moto_state import create_resources

    (tmp_path / "src").mkdir()
    (tmp_path / "template.yaml").write_text(RESOURCES)
    function = read_function(tmp_path / "template.yaml", region=region)
    environment = function.environment
    with mock_aws():
        create_resources(function.resources, region)
        session = boto3.session.Session(
            region_name=region, aws_access_key_id="testing", aws_secret_access_key="testing"
        )
        dynamodb = session.client("dynamodb")
        orders = dynamodb.describe_table(TableName="lee-orders")["Table"]
        assert orders["GlobalSecondaryIndexes"][0]["IndexName"] == "by-status"
        sessions = dynamodb.describe_table(TableName="lee-Sessions")["Table"]
        assert sessions["AttributeDefinitions"] == [
            {"AttributeName": "session", "AttributeType": "N"}
        ]
        assert [b["Name"] for b in session.client("s3").list_buckets()["Buckets"]] == [
            "lee-uploads"
        ]
        sqs = session.client("sqs")
        attributes = sqs.get_queue_attributes(QueueUrl=environment["JOBS"], AttributeNames=["All"])
        assert attributes["Attributes"]["FifoQueue"] == "true"
        topics = session.client("sns").list_topics()["Topics"]
        assert [topic["TopicArn"] for topic in topics] == [environment["TOPIC"]]
        limit = session.client("ssm").get_parameter(Name=environment["LIMIT"])
        assert limit["Parameter"]["Value"] == "10"


def test_a_resource_moto_refuses_is_one_line_naming_it(tmp_path):
    pytest.importorskip("moto")
    from moto import mock_aws

    from pytest_lee.errors import LeeError
    from pytest_lee.template.moto_state import create_resources

    (tmp_path / "src").mkdir()
    (tmp_path / "template.yaml").write_text(
        "Resources:\n  T:\n    Type: AWS::DynamoDB::Table\n    Properties: {TableName: t}\n"
        "  F:\n    Type: AWS::Serverless::Function\n    Properties: {CodeUri: src}\n"
    )
    function = read_function(tmp_path / "template.yaml")
    with mock_aws(), pytest.raises(LeeError) as caught:
        create_resources(function.resources, "us-east-1")
    assert str(caught.value).startswith(
        "AWS::DynamoDB::Table T (t): could not be created in moto: "
    )
    assert "\n" not in str(caught.value)


@pytest.mark.parametrize(
    "text",
    [
        "Globals: [1]\nResources:\n  F: {Type: AWS::Serverless::Function, Properties: {CodeUri: src}}\n",
        "Resources:\n  F: {Type: AWS::Serverless::Function, Properties: {CodeUri: src, Environment: [1]}}\n",
        "Resources:\n  F: {Type: AWS::Serverless::Function, Properties: {CodeUri: src, Events: {A: {Type: Api, Properties: [1]}}}}\n",
        "Resources:\n  F: {Type: AWS::Serverless::Function, Properties: {CodeUri: src, Layers: [!Ref L]}}\n"
        "  L: {Type: AWS::Serverless::LayerVersion, Metadata: [1], Properties: {ContentUri: src}}\n",
        "Resources:\n  F: {Type: AWS::Serverless::Function, Properties: {CodeUri: src, Layers: {a: 1}}}\n",
        "Resources:\n  F: {Type: AWS::Serverless::Function, Properties: {CodeUri: src, Timeout: !Sub [1]}}\n",
        "Resources:\n  F: {Type: AWS::Serverless::Function, Properties: {CodeUri: [src]}}\n",
        "Resources:\n  F: {Type: AWS::Serverless::Function, Properties: {CodeUri: src, Handler: !GetAtt F}}\n",
        "Resources:\n  F: {Type: AWS::Serverless::Function, Properties: {CodeUri: src}}\n"
        "  T: {Type: AWS::DynamoDB::Table, Properties: {TableName: !Ref T}}\n",
        "Resources:\n  F: {Type: AWS::Serverless::Function, Properties: !Ref X}\n",
        "Resources:\n  F: {Type: AWS::Serverless::Function, Properties: {CodeUri: !Ref Nope}}\n",
    ],
)
def test_a_malformed_template_never_gives_a_traceback(tmp_path, text):
    (tmp_path / "src").mkdir()
    path = tmp_path / "template.yaml"
    path.write_text(text)
    try:
        read_function(path)
    except LeeConfigError as error:
        assert "\n" not in str(error)
        assert str(error).startswith(str(path))


def test_a_value_from_globals_is_named_where_it_is_written(tmp_path):
    (tmp_path / "src").mkdir()
    path = tmp_path / "template.yaml"
    path.write_text(
        "Globals:\n"
        "  Function:\n"
        "    MemorySize: lots\n"
        "    Environment: {Variables: {STAGE: !ImportValue shared-stage}}\n"
        "Resources:\n"
        "  F:\n"
        "    Type: AWS::Serverless::Function\n"
        "    Properties: {CodeUri: src, Handler: app.handler, MemorySize: 128,\n"
        "                 Environment: {Variables: {OWN: !ImportValue own-export}}}\n"
    )
    with pytest.raises(LeeConfigError) as caught:
        read_function(path, keep_environment=frozenset({"OWN"}))
    assert str(caught.value).startswith(
        f"{path}: Globals.Function.Environment.Variables.STAGE: !ImportValue 'shared-stage'"
    )
    with pytest.raises(
        LeeConfigError, match=r": Resources.F.Properties.Environment.Variables.OWN: "
    ):
        read_function(path, keep_environment=frozenset({"STAGE"}))
    path.write_text(path.read_text().replace("MemorySize: 128,", "Timeout: 3,"))
    with pytest.raises(LeeConfigError) as caught:
        read_function(path, keep_environment=frozenset({"STAGE", "OWN"}))
    assert str(caught.value) == (
        f"{path}: Globals.Function.MemorySize: expected a whole number, got 'lots'"
    )
