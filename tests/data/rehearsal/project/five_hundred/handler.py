def handler(event, context):
    return {"statusCode": 502, "body": "upstream unavailable"}
