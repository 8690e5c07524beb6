# The same router with one route broken (a renamed path parameter): only DELETE fails.
import json

ROUTES = {
    "GET /orders": lambda event: {"orders": []},
    "POST /orders": lambda event: {"created": True},
    "GET /orders/{id}": lambda event: {"id": event["pathParameters"]["id"]},
    "DELETE /orders/{id}": lambda event: {"deleted": event["pathParameters"]["order_id"]},
    "GET /health": lambda event: {"ok": True},
}


def handler(event, context):
    route = ROUTES.get(f"{event.get('httpMethod')} {event.get('resource')}")
    if route is None:
        return {"statusCode": 404, "body": "{}"}
    return {"statusCode": 200, "body": json.dumps(route(event))}
