import sys


def handler(event, context):
    print("gateway: GET config via interface_cache (timeout=30)", file=sys.stderr)
    raise TypeError("_execute_get_implementation() got an unexpected keyword argument 'timeout'")
