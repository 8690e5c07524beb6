# Reports the AWS-related environment the health check's child process sees.
import json
import os

NAMES = (
    "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE",
    "AWS_EC2_METADATA_DISABLED", "AWS_ENDPOINT_URL", "AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE", "STAGE",
)


def handler(event, context):
    seen = {name: os.environ.get(name) for name in NAMES}
    for name in ("AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE"):
        if seen[name]:
            with open(seen[name]) as stream:
                seen[name + "_content"] = stream.read()
    return {"statusCode": 200, "body": json.dumps(seen)}
