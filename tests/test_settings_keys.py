"""Each ``[tool.lee]`` key is declared once (``pytest_lee/settings_keys.py``): the parser,
the model's defaults, the command line's bounds and the docs all come from that row."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from types import MappingProxyType

import pytest

from pytest_lee import settings_keys, settings_model
from pytest_lee._docs_keys import render_keys
from pytest_lee.errors import LeeConfigError
from pytest_lee.settings_parse import parse_settings

# table → the dataclass its keys land in ("section" and "tables" keys hold other tables).
MODELS = {
    "tool.lee": settings_model.Settings,
    "tool.lee.function": settings_model.FunctionSettings,
    "tool.lee.layer": settings_model.LayerSettings,
    "tool.lee.contract": settings_model.ContractSettings,
    "tool.lee.budgets": settings_model.BudgetSettings,
    "tool.lee.aws": settings_model.AwsSettings,
    "tool.lee.rehearsal": settings_model.RehearsalSettings,
}
VALUE_KINDS_WITHOUT_A_FIELD = {"section", "levels", "level", "direction"}


def _default(field: dataclasses.Field) -> object:
    if field.default_factory is not dataclasses.MISSING:
        return field.default_factory()
    return field.default


@pytest.mark.parametrize("table", MODELS)
def test_every_key_lands_in_a_field_that_defaults_to_the_declared_default(table):
    fields = {field.name: field for field in dataclasses.fields(MODELS[table])}
    for row in settings_keys.keys_of(table):
        if row.kind in VALUE_KINDS_WITHOUT_A_FIELD or row.kind == "tables":
            continue
        assert row.field in fields, f"{row.path}: no field {row.field!r} on {MODELS[table]}"
        if row.default is not None or row.shown != "required":
            declared = row.default
            if isinstance(declared, MappingProxyType):
                declared = dict(declared)
            found = _default(fields[row.field])
            found = dict(found) if isinstance(found, MappingProxyType) else found
            assert found == declared, row.path


def test_the_constants_the_features_use_are_computed_from_the_rows():
    budgets = settings_keys.keys_of("tool.lee.budgets")
    assert tuple(r.name for r in budgets if r.kind == "levels") == settings_model.BUILTIN_METRICS
    assert settings_keys.key("budgets.cpu").choices == settings_model.CPU_MODELS
    assert settings_keys.key("budgets.runs").bounds[1] == settings_model.MAX_RUNS


def _pyproject(tmp_path: Path) -> dict[str, object]:
    return {"rootdir": tmp_path, "pyproject": tmp_path / "pyproject.toml"}


def test_a_new_plain_key_is_one_row_parser_and_docs_included(tmp_path, monkeypatch):
    # The row names an existing field so no model change is needed for this test; a new
    # key adds its field beside the row.
    rows = [r for r in settings_keys.KEYS if r.path != "tool.lee.function.python"]
    row = settings_keys.Key(
        "tool.lee.function", "python", "choice", None, "A test.", choices=("a", "b")
    )
    monkeypatch.setattr(settings_keys, "KEYS", (*rows, row))
    parsed = parse_settings({"function": {"python": "b"}}, **_pyproject(tmp_path))
    assert parsed.function.python == "b"
    with pytest.raises(LeeConfigError, match=r"tool\.lee\.function\.python: expected one of"):
        parse_settings({"function": {"python": "c"}}, **_pyproject(tmp_path))
    assert '| `python` | `"a"` or `"b"` | none | A test. |' in render_keys()


def test_a_new_choice_reaches_the_command_line_option(monkeypatch):
    from pytest_lee.options import OPTIONS

    cpu = next(option for option in OPTIONS if option.flag == "--lee-cpu")
    row = settings_keys.key("budgets.cpu")
    monkeypatch.setattr(row, "choices", (*row.choices, "lambda-arm64"))
    assert cpu.choices == ("host", "lambda", "lambda-throttled", "lambda-arm64")


def test_an_unknown_key_names_the_closest_declared_one(tmp_path):
    with pytest.raises(
        LeeConfigError, match=r"unknown key 'memory' \(did you mean 'memory_mb'\?\)"
    ):
        parse_settings({"function": {"memory": 256}}, **_pyproject(tmp_path))
