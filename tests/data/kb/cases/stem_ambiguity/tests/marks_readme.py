import pytest


@pytest.mark.lee_ref("README", "Changelog written")  # expect: ref-ambiguous "'README', which 2 files share (kb/sig-a/README.md, kb/sig-b/README.md); name the file"
def test_ambiguous_stem():
    pass


@pytest.mark.lee_ref("sig-a/README.md", "Changelog written")
def test_names_the_file():
    pass
