"""While the database is down, people and API clients are told to try again later (issue #11).

Before, the error page needed the session, which is in the database, so gunicorn answered
with a bare "Internal Server Error". Each response here is drawn while every query fails.
"""

import pytest
from django.test import Client

from answerable.core.testing import sign_in
from answerable.operations.tests.helpers import database_unreachable


@pytest.fixture
def browser(scrutiny_officer) -> Client:
    """A signed-in browser, told of errors by its response as a real one is."""
    return sign_in(Client(raise_request_exception=False), scrutiny_officer)


@pytest.mark.parametrize("path", ["/register/", "/register/recommendations/", "/"])
def test_a_page_during_an_outage_is_the_services_own_503_with_retry_after(browser, path):
    with database_unreachable():
        response = browser.get(path)
    page = response.content.decode()
    assert response.status_code == 503
    assert response["Retry-After"] == "60"
    assert response["Cache-Control"] == "no-store"
    assert '<h1 class="govuk-heading-l">Sorry, the service is unavailable</h1>' in page
    assert "Try again in a few minutes." in page
    assert page.count("<h1") == 1


def test_a_form_posted_during_an_outage_gets_the_same_page(browser, force_action):
    with database_unreachable():
        response = browser.post(
            f"/register/actions/{force_action.pk}/update/", {"narrative": "Done"}
        )
    assert response.status_code == 503
    assert "Sorry, the service is unavailable" in response.content.decode()


def test_an_api_client_during_an_outage_gets_json_and_retry_after(browser):
    with database_unreachable():
        response = browser.get("/api/v1/recommendations/")
    assert response.status_code == 503
    assert response["Retry-After"] == "60"
    assert response.json() == {"detail": "The service is unavailable. Try again later."}


def test_a_signed_out_visitor_during_an_outage_gets_the_page_too(db):
    with database_unreachable():
        response = Client(raise_request_exception=False).get("/")
    assert (response.status_code, response["Retry-After"]) == (503, "60")


def test_other_errors_keep_the_500_page(browser, settings):
    """Only a failing database is an outage: a bug is still a 500."""
    settings.ROOT_URLCONF = "answerable.core.tests.broken_urls"
    response = browser.get("/broken/")
    assert response.status_code == 500
    assert "Sorry, there is a problem with the service" in response.content.decode()
    assert not response.has_header("Retry-After")
