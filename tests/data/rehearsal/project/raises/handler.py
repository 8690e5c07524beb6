def handler(event, context):
    raise TypeError("_execute_get_implementation() got an unexpected keyword argument 'timeout'")
