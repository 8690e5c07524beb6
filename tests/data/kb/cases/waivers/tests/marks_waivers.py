import pytest


@pytest.mark.lee_ref("NM06-LESS-09", "Health check passed")
def test_health_check():
    pass
