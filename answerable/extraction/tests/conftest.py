# The browser fixtures of the journeys (tests/journeys/conftest.py), for test_journey.py.
from tests.journeys.conftest import browser, page, page_without_javascript  # noqa: F401
