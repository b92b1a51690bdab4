"""Browser fixtures for the journeys: Debian chromium driven by Playwright.

Skipping when chromium is missing (and failing under ANSWERABLE_REQUIRE_BROWSER=1) is done by
the project-wide hook for the `browser` marker, not here.
"""

import os

import pytest

# The sync Playwright API runs an event loop in the test thread, and Django then refuses the
# test's own ORM calls as "async unsafe". Known pytest-django + Playwright interaction; the calls
# really are synchronous. https://github.com/microsoft/playwright-pytest/issues/29
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
TIMEOUT_MS = 15_000


@pytest.fixture(scope="session")
def browser():  # type: ignore[no-untyped-def]
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
        )
        yield browser
        browser.close()


def _page(browser, **context_options):  # type: ignore[no-untyped-def]
    context = browser.new_context(viewport={"width": 1280, "height": 900}, **context_options)
    context.set_default_timeout(TIMEOUT_MS)
    return context, context.new_page()


@pytest.fixture
def page(browser):  # type: ignore[no-untyped-def]
    """A fresh browser tab. CSP is bypassed only so axe-core can be injected into the page."""
    context, page = _page(browser, bypass_csp=True)
    yield page
    context.close()


@pytest.fixture
def page_without_javascript(browser):  # type: ignore[no-untyped-def]
    context, page = _page(browser, java_script_enabled=False)
    yield page
    context.close()
