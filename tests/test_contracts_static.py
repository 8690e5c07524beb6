"""The static parts of contracts: required files, call-site probes, signature classification.

All of them read source with ``ast`` and import nothing, so plain unit tests reach them.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from pytest_lee.contracts.probes import call_site_probes
from pytest_lee.deploy_groups.signatures import classify, compare_file, functions
from pytest_lee.registry_files import registry_module_files
from pytest_lee.settings import ContractSettings, Settings

EXAMPLE = Path(__file__).parents[1] / "examples" / "lee_engine"


def settings_for(source: Path, registry: str, dispatcher: str | None = None) -> Settings:
    return Settings(
        rootdir=source,
        source=source,
        contracts=(ContractSettings(registry=registry, dispatcher=dispatcher),),
    )


def write(directory: Path, name: str, text: str) -> None:
    path = directory / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text))


# --- registry_module_files ---------------------------------------------------


def test_the_example_registry_names_its_gateway_and_every_interface() -> None:
    settings = settings_for(
        EXAMPLE, "gateway_core:_INTERFACE_ROUTERS", "gateway_core:execute_operation"
    )
    assert registry_module_files(settings) == (
        "gateway_core.py",
        "interface_cache.py",
        "interface_http.py",
        "interface_logging.py",
    )


def test_a_module_the_registry_names_is_required_even_when_it_is_missing(tmp_path: Path) -> None:
    write(
        tmp_path,
        "gw.py",
        """
        ROUTES = {"cache": ("iface_cache", "route"), "gone": ("iface_gone", "route")}
    """,
    )
    assert registry_module_files(settings_for(tmp_path, "gw:ROUTES")) == (
        "gw.py",
        "iface_cache.py",
        "iface_gone.py",
    )


def test_callables_attributes_dict_calls_and_item_assignments_are_followed(tmp_path: Path) -> None:
    write(
        tmp_path,
        "gw.py",
        """
        import json
        import routers.http as http_router
        from iface_cache import route as cache_route
        from pkg import helper

        ROUTES: dict = dict(cache=cache_route, http=http_router.route, dumps=json.dumps, local=lambda: 1)
        ROUTES["log"] = ("iface_log", "route")
        ROUTES["helper"] = helper
    """,
    )
    for name in ("iface_cache.py", "routers/__init__.py", "routers/http.py", "pkg/__init__.py"):
        write(tmp_path, name, "def route(operation, **kwargs): pass\n")
    assert registry_module_files(settings_for(tmp_path, "gw:ROUTES", "gw:dispatch")) == (
        "gw.py",
        "iface_cache.py",
        "iface_log.py",
        "pkg/__init__.py",
        "routers/http.py",
    )


def test_a_missing_or_broken_registry_module_still_requires_itself(tmp_path: Path) -> None:
    assert registry_module_files(settings_for(tmp_path, "gw:ROUTES")) == ("gw.py",)
    write(tmp_path, "gw.py", "ROUTES = {\n")
    assert registry_module_files(settings_for(tmp_path, "gw:ROUTES")) == ("gw.py",)


# --- call-site probes --------------------------------------------------------


def test_call_sites_give_key_operation_keywords_and_placeholders(tmp_path: Path) -> None:
    write(
        tmp_path,
        "wrappers.py",
        """
        from typing import Optional
        import gw as g
        from gw import Iface, dispatch as send

        def get(key: str, ttl: Optional[int] = None, *extra, **fields):
            send(Iface.CACHE, "get", key=key, ttl=ttl, fields=fields, extra=extra, limit=3, **fields)

        def put(count: int, ratio: float, flags: "dict[str, int]", name):
            g.dispatch("http", "put", count=count, ratio=ratio, flags=flags, name=name, data={"a": 1}, items=[x for x in ()])

        def ignored(operation):
            send(Iface.CACHE, operation)   # operation unknown statically
            other(Iface.CACHE, "get")       # not the dispatcher
    """,
    )
    probes = call_site_probes(tmp_path, "gw:dispatch")
    assert [(p.key, p.operation, p.origin) for p in probes] == [
        ("CACHE", "get", "wrappers.py:7"),
        ("http", "put", "wrappers.py:10"),
    ]
    assert probes[0].kwargs == {"key": "key", "ttl": None, "fields": {}, "extra": (), "limit": 3}
    assert probes[0].shown == "key=<str>, ttl=None, fields=<dict>, extra=<tuple>, limit=3"
    assert probes[1].kwargs == {
        "count": 1,
        "ratio": 1.0,
        "flags": {},
        "name": "name",
        "data": {"a": 1},
        "items": [],
    }


def test_the_example_engine_call_sites(tmp_path: Path) -> None:
    probes = call_site_probes(EXAMPLE, "gateway_core:execute_operation")
    assert [(p.key, p.operation) for p in probes] == [
        ("CACHE", "get"),
        ("CACHE", "set"),
        ("CACHE", "delete"),
        ("CACHE", "stats"),
        ("LOGGING", "info"),
        ("LOGGING", "metric"),
        ("HTTP", "prepare"),
    ]


# --- signature classification ------------------------------------------------


def params(source: str) -> tuple:
    return functions(f"def f{source}: pass\n")["f"][1]


@pytest.mark.parametrize(
    ("old", "new", "kind", "detail"),
    [
        ("(a)", "(a, timeout=30)", "compatible", "new parameter `timeout` with a default (30)"),
        ("(a)", "(a, *args)", "compatible", "now accepts `*args`"),
        ("(a)", "(a, **kwargs)", "compatible", "now accepts `**kwargs`"),
        ("(a)", "(a=1)", "compatible", "`a` gained a default (1)"),
        ("(*, a)", "(a)", "compatible", "`a` is no longer keyword-only"),
        ("(a)", "(a, timeout)", "breaking", "new required parameter `timeout`"),
        ("(a, b)", "(a)", "breaking", "removed parameter `b`"),
        ("(key)", "(name)", "breaking", "renamed `key` → `name`"),
        ("(a, **kwargs)", "(a)", "breaking", "lost `**kwargs`"),
        ("(a, *args)", "(a)", "breaking", "lost `*args`"),
        ("(a=1)", "(a)", "breaking", "`a` lost its default"),
        ("(a, b)", "(b, a)", "breaking", "`b` moved from position 2 to 1"),
        ("(a)", "(*, a)", "breaking", "`a` became keyword-only"),
        ("(a)", "(a, /)", "breaking", "`a` became positional-only"),
        (
            "(a, timeout)",
            "(a, timeout=None)",
            "deprecating",
            "`timeout` is now optional (None default)",
        ),
    ],
)
def test_each_parameter_change_is_classified(old: str, new: str, kind: str, detail: str) -> None:
    verdict = classify(params(old), params(new))
    assert verdict is not None
    assert verdict[0] == kind
    assert any(line.startswith(detail) for line in verdict[1]), verdict[1]


def test_annotation_and_default_value_edits_are_not_signature_changes() -> None:
    assert classify(params("(a: int, b=1)"), params("(a: str, b=2)")) is None


def test_the_worst_change_wins() -> None:
    assert classify(params("(a, b)"), params("(a, b=None, c=1, *, d)"))[0] == "breaking"
    assert classify(params("(a, b)"), params("(a, b=None, c=1)"))[0] == "deprecating"


def test_compare_file_reports_removed_functions_and_skips_private_ones_unless_asked() -> None:
    old = "def public(a): pass\ndef _private(a): pass\nclass C:\n    def method(self, a): pass\n"
    new = "def _private(a, b): pass\nclass C:\n    def method(self, a, b): pass\n"
    changes = compare_file("m.py", old, new, include_private=False)
    assert [(c.function, c.kind, c.details) for c in changes] == [
        ("public", "breaking", ("removed",)),
        ("C.method", "breaking", ("new required parameter `b`",)),
    ]
    private = compare_file("m.py", old, new, include_private=True)
    assert ("_private", "breaking") in [(c.function, c.kind) for c in private]
