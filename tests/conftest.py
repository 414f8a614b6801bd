import pytest


@pytest.fixture(autouse=True)
def _fresh_calendar_overrides():
    """A test's overrides are rolled back with it, which no signal says: start each afresh."""
    from duban.core.calendar import forget_overrides

    forget_overrides()
    yield
    forget_overrides()
