"""Cache router."""

from cache_core import get_impl, ping_impl

_DISPATCH = {
    "get": lambda **kwargs: get_impl(**kwargs),
    "ping": lambda **kwargs: ping_impl(**kwargs),
}


def route_cache(operation, **kwargs):
    return _DISPATCH[operation](**kwargs)
