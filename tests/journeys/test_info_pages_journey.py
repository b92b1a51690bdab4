"""A member of the public finds the service's own pages from the footer, in a real browser.

Signed out, they follow the footer's Accessibility, Privacy and Cookies links from the public
meetings page; each page is checked with axe-core. The same pages work without JavaScript.
"""

import pytest
from playwright.sync_api import Page, expect

from tests.journeys.helpers import check_page, visit_and_check

pytestmark = pytest.mark.browser

FOOTER_PAGES = [
    ("Accessibility", "/about/accessibility/", "Accessibility statement for Answerable"),
    ("Privacy", "/about/privacy/", "Privacy notice"),
    ("Cookies", "/about/cookies/", "Cookies"),
]


def _footer_link(page: Page, text: str):  # type: ignore[no-untyped-def]
    return page.locator("footer").get_by_role("link", name=text, exact=True)


def test_a_visitor_reads_each_footer_page_without_signing_in(page, live_server, db):
    base = live_server.url
    visit_and_check(page, f"{base}/public/")
    for link, path, heading in FOOTER_PAGES:
        _footer_link(page, link).click()
        expect(page).to_have_url(f"{base}{path}")
        expect(page.locator("h1")).to_have_text(heading)
        check_page(page)


def test_the_footer_pages_work_without_javascript(page_without_javascript, live_server, db):
    page = page_without_javascript
    base = live_server.url
    for link, path, heading in FOOTER_PAGES:
        response = page.goto(f"{base}{path}")
        assert response is not None, path
        assert response.ok, path
        expect(page.locator("h1")).to_have_text(heading)
        expect(_footer_link(page, link)).to_have_attribute("href", path)
    expect(page.locator("#essential-cookies")).to_be_visible()
