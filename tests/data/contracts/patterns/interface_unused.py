"""A router no call site reaches."""


def execute_unused_operation(operation, **kwargs):
    raise ValueError(f"Unknown unused operation: '{operation}'")
