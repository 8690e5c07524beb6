"""Matches leaves = ["*_core"], fails at import, and nothing the registry reaches imports it."""

import homeassistant_websocket_client  # noqa: F401  (not installed)
