"""What each ``[tool.lee]`` key means: the text of the generated configuration reference.

Which keys exist is not written here: :mod:`pytest_lee._docs` takes that from the key
tuples the parsers accept (``settings_parse._TOP_KEYS``, ``kb.config._KEYS``, …), so a key
added to a parser shows up in ``docs/configuration.md`` at once — and, until it has a row
here, as "not documented yet", which ``tests/test_docs_reference.py`` refuses. A row for a
key no parser accepts is never rendered (so rows may be written ahead of the code).

Not imported by the plugin: only the documentation generator reads it.
"""

from __future__ import annotations

from typing import NamedTuple


class KeyDoc(NamedTuple):
    """One key of one table: the TOML type it takes, its default, and what it does."""

    type: str
    default: str
    meaning: str


LEVELS = "levels"  # the type of a budgeted metric: a number (acceptable) or a levels table

KEY_DOCS: dict[str, dict[str, KeyDoc]] = {
    "tool.lee": {
        "source": KeyDoc(
            "string (directory)",
            "none",
            "The directory that becomes the deployment zip, relative to the rootdir. Without "
            "it there is no package item and contracts import the code from the rootdir.",
        ),
        "handler": KeyDoc(
            "string",
            '`"lambda_function.lambda_handler"`',
            "The handler as in the Lambda console (`module.function`); the package must hold "
            "the module and bind the function at module level.",
        ),
        "required": KeyDoc(
            "list of globs",
            "`[]`",
            "Each glob must match an archived file, or package verification fails. Every "
            "module a contract registry names is required on top of these.",
        ),
        "min_lines": KeyDoc(
            "integer ≥ 0",
            "`50`",
            "A `.py` file with fewer lines is reported as possibly truncated (a warning; an "
            "empty `__init__.py` aside). `0` turns the check off.",
        ),
        "exclude": KeyDoc(
            "list of patterns",
            "`[]`",
            "Files left out of the zip, on top of the built-in junk and secret excludes "
            "(see Packages: what is archived).",
        ),
        "requirements": KeyDoc(
            "string (file) or list of strings",
            "none",
            "Requirements vendored into the zip for the function's runtime and "
            "architecture (wheels only): a requirements file relative to the rootdir, or "
            "the requirement strings themselves.",
        ),
        "function": KeyDoc("table", "", "What Lambda would run the package as."),
        "layer": KeyDoc("array of tables", "", "Layers shipped as separate zips."),
        "contract": KeyDoc("array of tables", "", "One table per registry to check."),
        "budgets": KeyDoc("table", "", "Cold-start and request budgets."),
        "aws": KeyDoc("table", "", "The AWS state children see."),
        "rehearsal": KeyDoc("table", "", "The rehearsal's health check."),
        "kb": KeyDoc("table", "", "`lee-kb`: the lessons and the tests that enforce them."),
    },
    "tool.lee.function": {
        "name": KeyDoc(
            "string",
            '`"lee-function"`',
            "The function's name: in rehearsals, in the context children get, the EMF "
            "dimension `FunctionName`.",
        ),
        "runtime": KeyDoc(
            "string",
            '`"python3.12"`',
            "A Lambda Python runtime (`python3.8` or later). Files are also parsed with its "
            "grammar when it is older than the running Python.",
        ),
        "memory_mb": KeyDoc(
            "integer, 128–10240",
            "`128`",
            "Memory size: the child's `AWS_LAMBDA_FUNCTION_MEMORY_SIZE` and the context's "
            '`memory_limit_in_mb`; with `cpu = "lambda"` also the CPU share.',
        ),
        "timeout_s": KeyDoc(
            "number, > 0, ≤ 900",
            "`3`",
            "Bounds the handler import and each invocation separately; at an overrun the "
            "child's process group is killed.",
        ),
        "environment": KeyDoc(
            "table of strings",
            "`{}`",
            "Environment variables of the function, set in every child on top of the "
            "Lambda-like environment built from scratch.",
        ),
        "runtime_provides": KeyDoc(
            "list of distribution names",
            '`["boto3", "botocore"]`',
            "Distributions importable in the child besides the package, as the Lambda "
            "runtime provides them (with their requirements). The default is skipped when "
            "not installed; any other list must be installed.",
        ),
        "architecture": KeyDoc(
            '`"x86_64"` or `"arm64"`',
            '`"x86_64"`',
            "Which wheels `requirements` and layers vendor.",
        ),
        "python": KeyDoc(
            "string (interpreter)",
            "the running interpreter",
            "The interpreter children (budget runs, health checks, canaries) run with.",
        ),
    },
    "tool.lee.layer": {
        "name": KeyDoc("string", "required", "The layer's name; unique among the layers."),
        "requirements": KeyDoc(
            "string (file) or list of strings",
            "none",
            "Requirements vendored under `python/` in the layer's zip.",
        ),
        "source": KeyDoc(
            "string (directory)",
            "none",
            "A directory shipped under `python/` in the layer's zip. A layer needs "
            "`requirements`, `source` or both.",
        ),
    },
    "tool.lee.contract": {
        "registry": KeyDoc(
            '`"module:attribute"`',
            "required",
            "A mapping key → handler, where a handler is a callable or a `(module, "
            "function)` pair resolved lazily.",
        ),
        "dispatcher": KeyDoc(
            '`"module:function"`',
            "none",
            "Called as `dispatcher(key, operation, **kwargs)`; its literal call sites in the "
            "source are probes too. Without it each handler is bound as "
            "`handler(operation, **kwargs)`.",
        ),
        "operation": KeyDoc(
            "string or `false`",
            '`"test_operation"`',
            "The configured probe's operation; `false`: no configured probe, only the call "
            "sites found in the source.",
        ),
        "kwargs": KeyDoc("table", "`{}`", "Keyword arguments of the configured probe."),
        "leaves": KeyDoc(
            "list of module globs",
            "the registry's handlers",
            "Modules whose functions are replaced by spies (the registry's and the "
            "dispatcher's own modules are wiring, never leaves).",
        ),
    },
    "tool.lee.budgets": {
        "runs": KeyDoc(
            "integer, 1–10000",
            "`5`",
            "Fresh-interpreter runs per measurement (`--lee-runs N` overrides it).",
        ),
        "event": KeyDoc(
            "table",
            "`{}`",
            "The one event: the cold invocation, then replayed warm. Not with `events`.",
        ),
        "events": KeyDoc(
            "string (glob)",
            "none",
            "One JSON file per event, sorted by name: the first is the cold invocation, all "
            "are replayed warm. Not with `event`.",
        ),
        "phases": KeyDoc(
            "table of levels",
            "`{}`",
            "Levels for metrics the app reports itself (METRIC or EMF lines, "
            "`phase_patterns`), e.g. `{ cache_warm_ms = { acceptable = 20 } }`.",
        ),
        "cpu": KeyDoc(
            '`"host"` or `"lambda"`',
            '`"host"`',
            "`lambda`: children get `memory_mb / 1769` of a core, as Lambda allots it "
            "(`--lee-cpu` overrides it).",
        ),
        "phase_patterns": KeyDoc(
            "list of regular expressions",
            "`[]`",
            "Phases from plain log lines: each pattern has named groups `name` and `value`; "
            "the name becomes snake_case with `_ms` added.",
        ),
        "cold_start_ms": KeyDoc(LEVELS, "not budgeted", "Handler import + first invocation."),
        "import_ms": KeyDoc(LEVELS, "not budgeted", "Import of the handler module."),
        "first_invoke_ms": KeyDoc(LEVELS, "not budgeted", "The first (cold) invocation."),
        "request_ms": KeyDoc(
            LEVELS, "not budgeted", "Warm invocations, pooled over all runs (a request p95)."
        ),
        "max_memory_mb": KeyDoc(LEVELS, "not budgeted", "The child's own peak RSS."),
        "error_rate": KeyDoc(
            LEVELS,
            "not budgeted",
            "Invocations that raised or returned `statusCode >= 500`, over all of a run's.",
        ),
        "cache_hit_rate": KeyDoc(
            LEVELS,
            "not budgeted",
            "`cache_hits / (cache_hits + cache_misses)` over the warm replay; higher is better.",
        ),
    },
    "tool.lee.budgets.<metric>": {
        "target": KeyDoc("number", "none", "At or better than this: verdict `target`."),
        "acceptable": KeyDoc(
            "number",
            "none",
            "At or better than this: `acceptable` (passes). A bare number instead of a "
            "table sets this level.",
        ),
        "critical": KeyDoc(
            "number", "none", "Worse than this: `critical`; between it and acceptable: `over`."
        ),
        "higher_is_better": KeyDoc(
            "boolean",
            "from the levels",
            "Descending levels mean higher is better; this decides only when fewer than two "
            "distinct levels are given (default: true for `cache_hit_rate` only).",
        ),
    },
    "tool.lee.aws": {
        "setup": KeyDoc(
            '`"module:function"`',
            "none",
            "Called inside moto before any child starts, to create the tables, buckets and "
            "parameters the handler expects.",
        ),
        "region": KeyDoc(
            "string (AWS region)",
            "`AWS_REGION`, else `us-east-1`",
            "The region children and moto use.",
        ),
    },
    "tool.lee.rehearsal": {
        "event": KeyDoc(
            "table",
            'the budgets\' `event`, else `{"test": "true"}`',
            "The health-check event.",
        ),
        "expect": KeyDoc("table", "none", "A subset the health check's response must contain."),
        "check": KeyDoc(
            '`"module:function"`',
            "none",
            "Called with the response; raising fails the health check.",
        ),
    },
    "tool.lee.kb": {
        "paths": KeyDoc("list of paths", '`["kb"]`', "Markdown files or directories of lessons."),
        "tests": KeyDoc(
            "list of paths", '`["tests"]`', "Where `lee_ref` marks are looked for (by `ast`)."
        ),
        "external": KeyDoc(
            "list of ID patterns",
            "`[]`",
            "fnmatch patterns of IDs that live outside these paths: known, not reported.",
        ),
        "max_file_mb": KeyDoc(
            "number > 0", "`5`", "Larger files are reported (`input-error`), not parsed."
        ),
        "severity": KeyDoc(
            "table rule → level",
            "`{}`",
            'Per-rule severity: `"error"`, `"warning"`, `"info"` or `"off"`.',
        ),
        "waiver": KeyDoc(
            "array of tables",
            "`[]`",
            "Items or lessons no test can enforce, each with its reason.",
        ),
        "id_pattern": KeyDoc(
            "string (regular expression)",
            "SIMA's ID forms",
            "What a valid ID looks like, for knowledge bases with IDs of their own.",
        ),
        "declare_fields": KeyDoc(
            "list of strings",
            '`["REF", "REF-ID"]`',
            "The bold fields that declare an entry's ID (`**REF:** NM06-LESS-09`).",
        ),
        "id_from": KeyDoc(
            "list of strings",
            '`["field", "filename", "heading"]`',
            "Where an entry's ID is declared; when they disagree the field wins, then the heading.",
        ),
        "filename_id": KeyDoc(
            "string (regular expression, named groups)",
            "`'^(?P<id>[A-Z]+-\\d+)'`",
            "How an ID is read from a file name (`AP-05-Flat-File-Structure.md` → `AP-05`).",
        ),
        "filename_id_format": KeyDoc(
            "string",
            '`"{id}"`',
            "How it is written: `\"ADR-{number}\"` with `'^(?P<number>\\d{4})-'` for `0001-use-x.md`.",
        ),
        "templates": KeyDoc(
            "list of globs",
            '`["**/*template*", "**/*Template*"]`',
            "Files where placeholder IDs (`DEC-XX`, `KEP-NNNN`) are expected, not reported.",
        ),
        "enforce_rules": KeyDoc(
            "boolean",
            "`false`",
            "`true`: `[X] Never …` / `[OK] …` rules need a test, like checklist items.",
        ),
    },
    "tool.lee.kb.waiver": {
        "ref": KeyDoc(
            "string", "required", "The lesson's ID, or a lessons file's stem for its checklist."
        ),
        "items": KeyDoc(
            "list of strings", "`[]`", "The checklist items waived; empty: the lesson itself."
        ),
        "reason": KeyDoc("string", "required", "Why no test can enforce it (shown in the matrix)."),
    },
}
