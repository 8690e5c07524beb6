"""WebSocket router: requires 'connection' (the wrappers pass connection_id)."""

import websocket_core


def execute_websocket_operation(operation, **kwargs):
    if operation in ("send", "close"):
        if "connection" not in kwargs:
            raise ValueError(f"websocket.{operation} requires 'connection' parameter")
        return getattr(websocket_core, f"{operation}_impl")(**kwargs)
    raise ValueError(f"Unknown WebSocket operation: '{operation}'")
