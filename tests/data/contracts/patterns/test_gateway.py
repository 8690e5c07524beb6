"""The engine's own test: calls an unknown operation on purpose (not a call site: excluded)."""

from gateway_core import GatewayInterface, execute_operation


def test_unknown_operation_is_refused():
    execute_operation(GatewayInterface.CACHE, "invalid_operation")
