# Passes its first (cold) invocation, fails every warm one: only a canary sees it.
CALLS = []


def handler(event, context):
    CALLS.append(event)
    if len(CALLS) > 1:
        raise RuntimeError("fast path lost the router after the first request")
    return {"statusCode": 200, "body": "ok"}
