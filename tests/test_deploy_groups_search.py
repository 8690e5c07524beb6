"""The deploy-group search as pure logic: regressions, attribution, minimal groups, removed files.

Each tree is a fake: a rule turns "which changed files are swapped in" into call-site
results, as the contract checker would, so every pattern of the real change sets is
reproduced in a few lines and the number of trees the search needs is counted.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence

from pytest_lee.deploy_groups.attribution import named_files, regressions
from pytest_lee.deploy_groups.groups import find_groups
from pytest_lee.deploy_groups.report import not_judged
from pytest_lee.deploy_groups.treecheck import CallResult

REG = "gateway_core:_INTERFACE_ROUTERS"


def ok(key: str, call: str) -> CallResult:
    return CallResult(REG, key, call, "ok")


def fail(key: str, call: str, *files: str, message: str = "broke") -> CallResult:
    return CallResult(REG, key, call, "fail", message, files=files, cause=message)


class FakeOracle:
    def __init__(self, rule: Callable[[frozenset[str]], list[CallResult]]) -> None:
        self.rule = rule
        self.checked: dict[frozenset[str], list[CallResult]] = {}

    def prefetch(self, sets: Collection[frozenset[str]]) -> None:
        for files in sets:
            self.results(files)

    def results(self, files: frozenset[str]) -> Sequence[CallResult]:
        if files not in self.checked:
            self.checked[files] = self.rule(files)
        return self.checked[files]


def needs(pairs: dict[str, set[str]], *, named: bool = True) -> Callable[..., list[CallResult]]:
    """A rule: file f breaks call f unless every file of pairs[f] ships with it."""

    def rule(files: frozenset[str]) -> list[CallResult]:
        results = []
        for name, partners in pairs.items():
            if name in files and not partners <= files:
                shown = tuple(sorted(partners - files)) if named else ()
                results.append(fail("CACHE", f"call {name}", name, *shown))
            else:
                results.append(ok("CACHE", f"call {name}"))
        return results

    return rule


def test_a_file_is_judged_only_by_what_neither_end_breaks() -> None:
    base = [fail("CACHE", "old"), ok("CACHE", "a")]
    full = [fail("CACHE", "new"), ok("CACHE", "a")]
    tree = [fail("CACHE", "old"), fail("CACHE", "new"), fail("CACHE", "a"), ok("HTTP", "x")]
    assert [r.call for r in regressions(tree, base, full)] == ["a"]


def test_a_key_failing_whole_at_the_baseline_covers_its_call_sites() -> None:
    base = [fail("CACHE", "*", message="interface_cache does not import")]
    full = [ok("CACHE", "get"), ok("CACHE", "set")]
    tree = [fail("CACHE", "get"), ok("CACHE", "set")]
    assert regressions(tree, base, full) == []
    whole = [fail("CACHE", "*")]  # and a key failing whole in a mixed tree is new per call site
    assert regressions(whole, [ok("CACHE", "get")], [ok("CACHE", "get")]) == whole


def test_an_operation_the_old_router_does_not_dispatch_counts_even_when_inconclusive() -> None:
    stopped = CallResult(REG, "CACHE", "op", "inconclusive", "Unknown cache operation")
    assert regressions([stopped], [], [ok("CACHE", "op")]) == [stopped]


def test_a_failure_names_the_module_an_import_error_names() -> None:
    paths = {"gateway_enums.py", "pkg/__init__.py", "pkg/mod.py", "cache_core.py", "a.py"}
    failure = CallResult(
        REG,
        "*",
        "*",
        "fail",
        "registry x: module 'gateway_core' does not import: "
        "ModuleNotFoundError: No module named 'gateway_enums' (at a.py:3)",
    )
    assert named_files(failure, paths) == {"gateway_enums.py", "a.py"}
    leaf = CallResult(REG, "K", "c", "fail", "reached `pkg.mod.f` (?) and `cache_core.g`")
    assert named_files(leaf, paths) == {"pkg/mod.py", "cache_core.py"}


def test_the_partner_a_failure_names_makes_the_group() -> None:
    changed = ["cache_core.py", "gateway_core.py", "interface_http.py"]
    oracle = FakeOracle(needs({"gateway_core.py": {"cache_core.py"}}))
    search = find_groups(changed, oracle, changed)
    assert [g.files for g in search.groups] == [("gateway_core.py", "cache_core.py")]
    assert list(search.safe_alone) == ["cache_core.py", "interface_http.py"]
    assert search.groups[0].ties[0][1].call == "call gateway_core.py"


def test_a_group_is_cut_out_of_fifty_files_in_few_trees_when_nothing_names_it() -> None:
    changed = [f"m{i:02d}.py" for i in range(50)]
    oracle = FakeOracle(needs({"m07.py": {"m31.py", "m44.py"}}, named=False))
    search = find_groups(changed, oracle, changed)
    assert [g.files for g in search.groups] == [("m07.py", "m31.py", "m44.py")]
    assert search.groups[0].exact
    assert len(oracle.checked) < 52 + 30  # both ends and the singles, then a bisection


def test_a_file_with_alternative_partners_says_so() -> None:
    changed = ["a.py", "b.py", "c.py"]

    def rule(files: frozenset[str]) -> list[CallResult]:
        broken = "a.py" in files and not ({"b.py", "c.py"} & files)
        return [fail("K", "a", "a.py", "b.py") if broken else ok("K", "a")]

    search = find_groups(changed, FakeOracle(rule), changed)
    assert {g.files for g in search.groups} == {("a.py", "b.py"), ("a.py", "c.py")}
    assert search.alternatives == {"a.py": [("a.py", "b.py"), ("a.py", "c.py")]}


def test_two_files_renamed_together_are_one_group() -> None:
    changed = ["lambda_failsafe.py", "lambda_function.py", "other.py"]
    oracle = FakeOracle(
        needs(
            {
                "lambda_failsafe.py": {"lambda_function.py"},
                "lambda_function.py": {"lambda_failsafe.py"},
            }
        )
    )
    search = find_groups(changed, oracle, changed)
    assert [g.files for g in search.groups] == [("lambda_failsafe.py", "lambda_function.py")]


def test_files_only_the_baseline_has_are_checked_once_together() -> None:
    vendored = [f"vendor/m{i:03d}.py" for i in range(200)]
    changed = sorted(["app.py", *vendored])
    oracle = FakeOracle(lambda files: [ok("K", "c")])
    search = find_groups(changed, oracle, changed, removed=vendored)
    assert len(oracle.checked) == 4  # baseline, new tree, app.py alone, the 200 removed at once
    assert len(search.safe_alone) == 201


def test_a_removed_module_still_imported_is_checked_alone_and_grouped() -> None:
    changed = ["app.py", "helpers.py", "old_helpers.py"]

    def rule(files: frozenset[str]) -> list[CallResult]:
        gone = "old_helpers.py" in files and "app.py" not in files
        message = "module 'app' does not import: No module named 'old_helpers'"
        return [fail("K", "*", message=message) if gone else ok("K", "c")]

    search = find_groups(changed, FakeOracle(rule), changed, removed=["old_helpers.py"])
    assert [g.files for g in search.groups] == [("old_helpers.py", "app.py")]
    assert list(search.safe_alone) == ["app.py", "helpers.py"]


def test_the_new_version_failing_whatever_ships_is_never_one_files_fault() -> None:
    changed = ["a.py", "b.py"]

    def rule(files: frozenset[str]) -> list[CallResult]:
        return [fail("K", "broken-in-new", "a.py") if "a.py" in files else ok("K", "broken-in-new")]

    search = find_groups(changed, FakeOracle(rule), changed)
    assert search.groups == [] and list(search.safe_alone) == ["a.py", "b.py"]
    assert [r.call for r in search.full if r.status == "fail"] == ["broken-in-new"]


def test_a_registry_loading_at_neither_end_is_not_judged() -> None:
    missing = CallResult(REG, "*", "*", "fail", "registry: module 'gateway_core' does not import")
    assert not_judged([missing], [missing], [REG]) != []
    assert not_judged([missing], [ok("CACHE", "c")], [REG]) == []


def test_removed_files_are_checked_alone_when_their_failure_names_none_of_them() -> None:
    changed = ["a.py", "b.py", "c.py"]

    def rule(files: frozenset[str]) -> list[CallResult]:
        return [fail("K", "c") if "b.py" in files and "a.py" not in files else ok("K", "c")]

    search = find_groups(changed, FakeOracle(rule), changed, removed=["b.py", "c.py"])
    assert [g.files for g in search.groups] == [("b.py", "a.py")]
    assert list(search.safe_alone) == ["a.py", "c.py"]
