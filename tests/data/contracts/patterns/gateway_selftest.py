"""The engine's own self-test: calls an unknown operation on purpose (excluded: not a call site)."""

from gateway_core import GatewayInterface, execute_operation


def check_unknown_operation_is_refused():
    execute_operation(GatewayInterface.CACHE, "invalid_operation")
