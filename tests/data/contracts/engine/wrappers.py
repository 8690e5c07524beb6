"""Thin wrappers: the dispatcher's real call sites."""

from gw import Iface, dispatch


def cache_get(key: str):
    return dispatch(Iface.CACHE, "get", key=key)


def http_fetch(url: str, retries: int = 2):
    return dispatch(Iface.HTTP, "fetch", url=url, retries=retries)
