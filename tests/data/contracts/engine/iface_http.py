"""HTTP router."""

import http_core


def route_http(operation, **kwargs):
    if operation == "ping":
        return http_core.ping_impl(**kwargs)
    return http_core.fetch_impl(**kwargs)
