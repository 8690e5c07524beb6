"""Every ``[tool.lee]`` key, declared once: its table, kind, default, bounds and meaning.

:data:`KEYS` is the one place a key exists. The rest read it:

- ``settings_parse`` accepts exactly these keys (an unknown one is a typo, with the closest
  known key suggested) and reads each value by its *kind*: the plain kinds through
  ``_toml.TableReader.value``, the others through ``settings_parse.READERS[kind]``;
- ``settings_model`` takes each field's default from here (:func:`default`), and the
  constants the features use (``BUILTIN_METRICS``, ``CPU_MODELS``, ``MEMORY_MB_RANGE``, …)
  are computed from these rows;
- ``options`` checks ``--lee-runs`` and ``--lee-cpu`` against the rows they override;
- ``_docs_keys`` renders ``docs/configuration.md`` from them: each row of that page is one
  ``Key`` here, found by its dotted name (``tool.lee.function.memory_mb``).

``[tool.lee.kb]`` is declared the same way in ``kb/config.py`` (lee-kb stands apart and
reads only the lowest layer).

**Adding a key** is one row below, plus the typed field its value lands in on the table's
dataclass in ``settings_model`` (``tests/test_settings_keys.py`` checks the two agree):

- a plain value (string, list of strings, bounded integer or number, one of a few choices,
  ``module:attribute``, a table) needs nothing else: ``Key("tool.lee.function",
  "logical_id", "string", None, "…")``;
- a budgeted metric is a ``levels`` row of ``tool.lee.budgets``: it becomes one of
  ``BUILTIN_METRICS`` at once;
- a new choice is one more entry in ``choices`` (``("host", "lambda", "lambda-throttled")``);
- a value with a rule of its own (a file that must exist, a pattern) names a kind of its
  own and gets its reader in ``settings_parse.READERS``; a rule across keys goes in that
  table's ``_parse_*`` function, a rule across options in ``options.read_command_line``.

Imported only when settings are read (not by ``import pytest_lee.plugin``).
"""

from __future__ import annotations

from types import MappingProxyType
from typing import Any

from pytest_lee._toml import Key

__all__ = ["KEYS", "TABLES", "Key", "bounds", "choices", "default", "key", "keys_of"]

_TOP = "tool.lee"
_FUNCTION = "tool.lee.function"
_LAYER = "tool.lee.layer"
_CONTRACT = "tool.lee.contract"
_BUDGETS = "tool.lee.budgets"
_LEVELS = "tool.lee.budgets.<metric>"
_AWS = "tool.lee.aws"
_REHEARSAL = "tool.lee.rehearsal"
_NOT_BUDGETED = "not budgeted"

KEYS: tuple[Key, ...] = (
    # [tool.lee]
    Key(
        _TOP,
        "template",
        "template",
        None,
        "A SAM template, relative to the rootdir: the function's handler, code directory "
        "(and its `requirements.txt`), runtime, memory, timeout, architecture, environment, "
        "layers, alias, canary weight and API routes come from it, and its tables, buckets, "
        "queues, topics and parameters are created in moto. Keys of `[tool.lee]` override "
        "it. See [your own app](your-own-app.md).",
        type="string (file)",
        shown="`template.yaml`/`template.yml` beside `pyproject.toml` when `source` is not set",
    ),
    Key(
        _TOP,
        "source",
        "directory",
        None,
        "The directory that becomes the deployment zip, relative to the rootdir. Without "
        "it there is no package item and contracts import the code from the rootdir.",
    ),
    Key(
        _TOP,
        "handler",
        "handler",
        "lambda_function.lambda_handler",
        "The handler as in the Lambda console (`module.function`); the package must hold "
        "the module and bind the function at module level.",
        type="string",
    ),
    Key(
        _TOP,
        "required",
        "strings",
        (),
        "Each glob must match an archived file, or package verification fails. Every "
        "module a contract registry names is required on top of these.",
        type="list of globs",
    ),
    Key(
        _TOP,
        "min_lines",
        "integer",
        50,
        "A `.py` file with fewer lines is reported as possibly truncated (a warning; an "
        "empty `__init__.py` aside). `0` turns the check off.",
        bounds=(0, None),
    ),
    Key(
        _TOP,
        "exclude",
        "strings",
        (),
        "Files left out of the zip, on top of the built-in junk and secret excludes "
        "(see Packages: what is archived).",
        type="list of patterns",
    ),
    Key(
        _TOP,
        "requirements",
        "requirements",
        None,
        "Requirements vendored into the zip for the function's runtime and "
        "architecture (wheels only): a requirements file relative to the rootdir, or "
        "the requirement strings themselves.",
    ),
    Key(
        _TOP,
        "compile",
        "boolean",
        False,
        "`true`: the zip ships `__pycache__/*.cpython-3XY.pyc` beside every `.py`, "
        "compiled by the runtime's Python (`[tool.lee.function] python` must be that "
        "version) as unchecked-hash bytecode; without it every cold start compiles the "
        "package, as on Lambda.",
        type="boolean",
    ),
    Key(_TOP, "function", "section", None, "What Lambda would run the package as."),
    Key(_TOP, "layer", "tables", (), "Layers shipped as separate zips.", field="layers"),
    Key(_TOP, "contract", "tables", (), "One table per registry to check.", field="contracts"),
    Key(_TOP, "budgets", "section", None, "Cold-start and request budgets."),
    Key(_TOP, "aws", "section", None, "The AWS state children see."),
    Key(_TOP, "rehearsal", "section", None, "The rehearsal's health check."),
    Key(_TOP, "kb", "section", None, "`lee-kb`: the lessons and the tests that enforce them."),
    # [tool.lee.function]
    Key(
        _FUNCTION,
        "name",
        "string",
        "lee-function",
        "The function's name: in rehearsals, in the context children get, the EMF "
        "dimension `FunctionName`.",
    ),
    Key(
        _FUNCTION,
        "runtime",
        "runtime",
        "python3.12",
        "A Lambda Python runtime (`python3.8` or later). Files are also parsed with its "
        "grammar when it is older than the running Python.",
        type="string",
    ),
    Key(
        _FUNCTION,
        "memory_mb",
        "integer",
        128,
        "Memory size: the child's `AWS_LAMBDA_FUNCTION_MEMORY_SIZE` and the context's "
        '`memory_limit_in_mb`; with `cpu = "lambda"` also the CPU share.',
        # Lambda's own bounds: outside them a value is a typo (1e17 MB is no limit at all).
        bounds=(128, 10_240),
    ),
    Key(
        _FUNCTION,
        "timeout_s",
        "number",
        3.0,
        "Bounds the handler import and each invocation separately; at an overrun the "
        "child's process group is killed.",
        bounds=(0, 900.0),  # a timeout of 1e18 s never fires
    ),
    Key(
        _FUNCTION,
        "environment",
        "environment",
        MappingProxyType({}),
        "Environment variables of the function, set in every child on top of the "
        "Lambda-like environment built from scratch.",
        type="table of strings",
    ),
    Key(
        _FUNCTION,
        "runtime_provides",
        "strings",
        ("boto3", "botocore"),
        "Distributions importable in the child besides the package, as the Lambda "
        "runtime provides them (with their requirements). The default is skipped when "
        "not installed; any other list must be installed.",
        type="list of distribution names",
    ),
    Key(
        _FUNCTION,
        "architecture",
        "choice",
        "x86_64",
        "Which wheels `requirements` and layers vendor.",
        choices=("x86_64", "arm64"),
    ),
    Key(
        _FUNCTION,
        "python",
        "string",
        None,
        "The interpreter children (budget runs, health checks, canaries) run with.",
        type="string (interpreter)",
        shown="the running interpreter",
    ),
    Key(
        _FUNCTION,
        "logical_id",
        "string",
        None,
        "The template's `AWS::Serverless::Function` to test, when it has several; the other "
        "keys of this table override what the template says about it.",
        shown="the template's only function",
    ),
    # [[tool.lee.layer]]
    Key(
        _LAYER,
        "name",
        "string",
        None,
        "The layer's name; unique among the layers.",
        shown="required",
    ),
    Key(
        _LAYER,
        "requirements",
        "requirements",
        None,
        "Requirements vendored under `python/` in the layer's zip.",
    ),
    Key(
        _LAYER,
        "source",
        "directory",
        None,
        "A directory shipped under `python/` in the layer's zip. A layer needs "
        "`requirements`, `source` or both.",
    ),
    # [[tool.lee.contract]]
    Key(
        _CONTRACT,
        "registry",
        "reference",
        None,
        "A mapping key → handler, where a handler is a callable or a `(module, "
        "function)` pair resolved lazily.",
        shown="required",
    ),
    Key(
        _CONTRACT,
        "dispatcher",
        "reference",
        None,
        "Called as `dispatcher(key, operation, **kwargs)`; its literal call sites in the "
        "source are probes too. Without it each handler is bound as "
        "`handler(operation, **kwargs)`.",
        type='`"module:function"`',
    ),
    Key(
        _CONTRACT,
        "operation",
        "operation",
        "test_operation",
        "The configured probe's operation; `false`: no configured probe, only the call "
        "sites found in the source.",
        type="string or `false`",
    ),
    Key(
        _CONTRACT,
        "kwargs",
        "table",
        MappingProxyType({}),
        "Keyword arguments of the configured probe.",
    ),
    Key(
        _CONTRACT,
        "leaves",
        "strings",
        (),
        "Modules whose functions are replaced by spies (the registry's and the "
        "dispatcher's own modules are wiring, never leaves).",
        type="list of module globs",
        shown="the registry's handlers",
    ),
    # [tool.lee.budgets]
    Key(
        _BUDGETS,
        "runs",
        "integer",
        5,
        "Fresh-interpreter runs per measurement (`--lee-runs N` overrides it).",
        bounds=(1, 10_000),  # beyond it a value is a typo, not a plan
    ),
    Key(
        _BUDGETS,
        "event",
        "table",
        None,
        "The one event: the cold invocation, then replayed warm. Not with `events`.",
        shown="`{}`",
    ),
    Key(
        _BUDGETS,
        "events",
        "string",
        None,
        "One JSON file per event, sorted by name: the first is the cold invocation, all "
        "are replayed warm. Not with `event`.",
        type="string (glob)",
    ),
    Key(
        _BUDGETS,
        "phases",
        "phases",
        MappingProxyType({}),
        "Levels for metrics the app reports itself (METRIC or EMF lines, "
        "`phase_patterns`), e.g. `{ cache_warm_ms = { acceptable = 20 } }`.",
        type="table of levels",
    ),
    Key(
        _BUDGETS,
        "cpu",
        "choice",
        "host",
        "`host`: wall times on this machine; `lambda`: Lambda's time modelled from the "
        "child's CPU time and run-queue wait (init at `init_cpu`, invocations at "
        "`memory_mb / 1769` of a core); `lambda-throttled`: the same shares as a real CPU "
        "quota (`--lee-cpu` overrides it).",
        choices=("host", "lambda", "lambda-throttled"),
    ),
    Key(
        _BUDGETS,
        "init_cpu",
        "number",
        1.0,
        "vCPUs the init phase (the handler module's import) gets under the Lambda models: "
        "Lambda boosts init to about one vCPU whatever the memory size (docs/budgets.md "
        "gives the sources).",
        bounds=(0, 6.0),
    ),
    Key(
        _BUDGETS,
        "runtime_init_ms",
        "integer",
        None,
        "The runtime's own start added to `cold_start_ms` under the Lambda models; "
        "default: the documented constant of the function's runtime (about 90–100 ms).",
        bounds=(0, 10_000),
        shown="per runtime",
    ),
    Key(
        _BUDGETS,
        "phase_patterns",
        "patterns",
        (),
        "Phases from plain log lines: each pattern has named groups `name` and `value`; "
        "the name becomes snake_case with `_ms` added.",
        type="list of regular expressions",
    ),
    # The built-in metrics: a `levels` row here is a metric the budgets measure.
    Key(_BUDGETS, "cold_start_ms", "levels", None, "Handler import + first invocation."),
    Key(_BUDGETS, "import_ms", "levels", None, "Import of the handler module."),
    Key(_BUDGETS, "first_invoke_ms", "levels", None, "The first (cold) invocation."),
    Key(
        _BUDGETS,
        "request_ms",
        "levels",
        None,
        "Warm invocations, pooled over all runs (a request p95).",
    ),
    Key(_BUDGETS, "max_memory_mb", "levels", None, "The child's own peak RSS."),
    Key(
        _BUDGETS,
        "error_rate",
        "levels",
        None,
        "Invocations that raised or returned `statusCode >= 500`, over all of a run's.",
    ),
    Key(
        _BUDGETS,
        "cache_hit_rate",
        "levels",
        None,
        "`cache_hits / (cache_hits + cache_misses)` over the warm replay; higher is better.",
    ),
    # a metric's levels (settings_parse.parse_levels reads them)
    Key(_LEVELS, "target", "level", None, "At or better than this: verdict `target`."),
    Key(
        _LEVELS,
        "acceptable",
        "level",
        None,
        "At or better than this: `acceptable` (passes). A bare number instead of a "
        "table sets this level.",
    ),
    Key(
        _LEVELS,
        "critical",
        "level",
        None,
        "Worse than this: `critical`; between it and acceptable: `over`.",
    ),
    Key(
        _LEVELS,
        "higher_is_better",
        "direction",
        None,
        "Descending levels mean higher is better; this decides only when fewer than two "
        "distinct levels are given (default: true for `cache_hit_rate` only).",
        type="boolean",
        shown="from the levels",
    ),
    # [tool.lee.aws]
    Key(
        _AWS,
        "setup",
        "reference",
        None,
        "Called inside moto before any child starts, to create the tables, buckets and "
        "parameters the handler expects.",
        type='`"module:function"`',
    ),
    Key(
        _AWS,
        "region",
        "region",
        "us-east-1",
        "The region children and moto use.",
        type="string (AWS region)",
        shown="`AWS_REGION`, else `us-east-1`",
    ),
    # [tool.lee.rehearsal]
    Key(
        _REHEARSAL,
        "event",
        "event",
        None,
        "The health-check event: an inline table, or a JSON file relative to the rootdir "
        "(as SAM keeps events).",
        type="table or string (JSON file)",
        shown='the budgets\' `event`, else the first `events` file, else `{"test": "true"}`',
    ),
    Key(_REHEARSAL, "expect", "table", None, "A subset the health check's response must contain."),
    Key(
        _REHEARSAL,
        "check",
        "reference",
        None,
        "Called with the response; raising fails the health check.",
        type='`"module:function"`',
    ),
)

TABLES: tuple[str, ...] = tuple(dict.fromkeys(row.table for row in KEYS))
_BY_PATH = {row.path: row for row in KEYS}


def key(path: str) -> Key:
    """The row of *path*: ``"tool.lee.function.memory_mb"``, or without ``tool.lee.``."""
    return _BY_PATH[path if path.startswith("tool.lee") else f"tool.lee.{path}"]


def keys_of(table: str) -> tuple[Key, ...]:
    """The rows of *table* (``"tool.lee.function"``), in declaration order."""
    return tuple(row for row in KEYS if row.table == table)


def default(path: str) -> Any:
    """The default of *path*'s key, for its model field."""
    return key(path).default


def bounds(path: str) -> tuple[float, float | None]:
    found = key(path).bounds
    if found is None:
        raise KeyError(f"{path} has no bounds")
    return found


def choices(path: str) -> tuple[str, ...]:
    return key(path).choices
