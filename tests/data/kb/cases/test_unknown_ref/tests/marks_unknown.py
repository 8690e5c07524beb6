import pytest


@pytest.mark.lee_ref("NM06-LESS-09", "Contract diffs reviewed")  # expect: test-unknown-ref "did you mean 'Contract diff reviewed'?"
def test_item_name_with_a_typo():
    pass


@pytest.mark.lee_ref("NM06-LESS-99")  # expect: test-unknown-ref "lee_ref names 'NM06-LESS-99', which is declared nowhere"
def test_unknown_id():
    pass


@pytest.mark.lee_ref("LESS-09")  # expect: test-unknown-ref "lee_ref names 'LESS-09', which is ambiguous: NM06-LESS-09 or NM07-LESS-09; write the full ID"
def test_ambiguous_short_id():
    pass


@pytest.mark.lee_ref("NM06-LESSONS-Deploymnet")  # expect: test-unknown-ref "'NM06-LESSONS-Deploymnet', which is neither a lesson ID nor the stem of a knowledge-base file; did you mean 'NM06-LESSONS-Deployment'?"
def test_misspelt_stem():
    pass


ITEM = "Health check passed"
ITEMS = ("Contract diff reviewed", ITEM.lower())


@pytest.mark.lee_ref("NM06-LESS-09", ITEM)
def test_a_module_constant_is_read():
    pass


@pytest.mark.lee_ref("NM06-LESS-09", *ITEMS)  # expect: test-unknown-ref "must be string literals"
def test_a_computed_value_is_not_guessed():
    pass


@pytest.mark.lee_ref("NM06-LESS-09", "health-check PASSED")
def test_named_right_modulo_case_and_punctuation():
    pass


@pytest.mark.lee_ref  # expect: test-unknown-ref "lee_ref without arguments enforces nothing"
def test_a_mark_without_arguments():
    pass
