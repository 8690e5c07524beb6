import pytest

pytestmark = pytest.mark.lee_ref("NM06-LESS-10", "Cold start timing logged")


@pytest.mark.lee_ref("NM06-LESS-09", "All affected files identified", "local tests passing!", "PREVIOUS version ARN  documented")
def test_files_are_all_there():
    pass


@pytest.mark.lee_ref("LESS-10", "baselines written down")
class TestBaselines:
    def test_written(self):
        pass


@pytest.mark.parametrize("phase", [
    "deploy",
    pytest.param("monitor", marks=pytest.mark.lee_ref(
        "NM06-LESSONS-Deployment_and_Operations", "All affected files identified", "✅ Cold-start timing LOGGED")),
])
def test_production_readiness(phase):
    pass


@pytest.mark.lee_ref("LESS-15", "Version incremented")
def test_version():
    pass
