"""Checks every journey page passes: one <h1> and no serious or critical axe-core violations."""

from pathlib import Path

import axe_playwright_python
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import Page, expect

AXE_SOURCE = (Path(axe_playwright_python.__file__).parent / "axe.min.js").read_text()
BLOCKING_IMPACTS = {"serious", "critical"}
# Moderate, but each leaves someone stuck: content outside landmarks, a scrolling table the
# keyboard cannot reach (issue #17).
BLOCKING_RULES = {
    "region",
    "scrollable-region-focusable",
    "landmark-one-main",
    "page-has-heading-one",
}


def axe_violations(page: Page) -> list[dict]:
    """Run axe-core on the page as it is now and return its violations."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        # Injected as a script tag, which the strict CSP would block without bypass_csp.
        page.add_script_tag(content=AXE_SOURCE)
    results = page.evaluate(
        "async () => await window.axe.run(document, {resultTypes: ['violations']})"
    )
    return results["violations"]


def _report(url: str, violations: list[dict]) -> str:
    lines = [f"axe-core found serious or critical violations on {url}:"]
    for violation in violations:
        lines.append(f"- {violation['id']} ({violation['impact']}): {violation['help']}")
        lines.append(f"  {violation['helpUrl']}")
        for node in violation["nodes"]:
            lines.append(f"    at {', '.join(map(str, node['target']))}: {node['html'][:200]}")
    return "\n".join(lines)


def check_page(page: Page) -> None:
    """The page has exactly one <h1> and no serious or critical accessibility violations, nor
    any of the rules that leave someone stuck."""
    # A click only starts a navigation: wait until the new page has loaded before counting.
    page.wait_for_load_state("load")
    page.locator("h1").first.wait_for(state="attached", timeout=10_000)
    headings = page.locator("h1").all_inner_texts()
    assert len(headings) == 1, f"{page.url} has {len(headings)} <h1> elements: {headings}"
    blocking = [
        v
        for v in axe_violations(page)
        if v["impact"] in BLOCKING_IMPACTS or v["id"] in BLOCKING_RULES
    ]
    assert not blocking, _report(page.url, blocking)


def visit_and_check(page: Page, url: str) -> None:
    """Open the URL, expect a successful page, and check it."""
    response = page.goto(url)
    assert response is not None, f"{url} gave no response"
    assert response.ok, f"{url} answered {response.status}"
    check_page(page)


PASSWORD = "correct horse battery"  # the user factory's password


def sign_in(page: Page, base_url: str, email: str, device: TOTPDevice | None = None) -> None:
    """Sign in through the real form, with the authenticator's code when there is a device,
    and land on the dashboard."""
    visit_and_check(page, f"{base_url}/account/sign-in/")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    if device is not None:
        expect(page.locator("h1")).to_have_text("Enter your security code")
        page.get_by_label("Security code").fill(f"{TOTP(device.bin_key).token():06d}")
        page.get_by_role("button", name="Continue").click()
    expect(page.locator("h1")).to_have_text("Dashboard")
