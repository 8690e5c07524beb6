# Answers like ``good``, 300 ms later (a blocking call added on every request).
import json
import os
import time


def handler(event, context):
    time.sleep(0.3)
    return {"statusCode": 200, "body": json.dumps({"ok": True, "stage": os.environ.get("STAGE")})}
