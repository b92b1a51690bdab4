"""An import whose owners are named as reports name them, matched through the web pages.

The office has only one partner, spelt differently from the file. The owners step lists each
unknown name once, ticks the same-named organisation, lets the officer add a missing one and
map a vague name to several; the import creates and remembers them, all or nothing. Every
page is checked with axe-core.
"""

from pathlib import Path

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import Page, expect

from answerable.organisations.models import Organisation, OrganisationAlias
from answerable.organisations.tests.factories import OrganisationFactory
from answerable.recommendations.models import Action
from tests.journeys.helpers import check_page, sign_in

pytestmark = pytest.mark.browser

REPORT_CSV = (
    b"Title,Number,Text,Owner\r\n"
    b"Telford inquiry,R1,Do X.,Telford & Wrekin Council\r\n"
    b"Telford inquiry,R2,Do Y.,West Mercia Police; Schools / Telford and Wrekin Council\r\n"
    b"Telford inquiry,R3,Do Z.,All relevant agencies\r\n"
)


@pytest.fixture
def report_file(tmp_path) -> Path:
    path = tmp_path / "report.csv"
    path.write_bytes(REPORT_CSV)
    return path


def _group(page: Page, legend: str):
    return page.get_by_role("group", name=legend, exact=True)


def test_an_import_matches_creates_and_remembers_its_owners(
    page, live_server, scrutiny_officer, office, report_file
):
    council = OrganisationFactory(
        name="Telford and Wrekin Council", kind=Organisation.Kind.LOCAL_AUTHORITY, office=office
    )
    device = TOTPDevice.objects.create(user=scrutiny_officer, name="Phone", confirmed=True)
    sign_in(page, live_server.url, scrutiny_officer.email, device)

    page.goto(f"{live_server.url}/register/import/")
    page.get_by_label("Upload a file").set_input_files(report_file)
    page.get_by_role("button", name="Upload and continue").click()
    expect(page.locator("h1")).to_have_text("Match the columns")
    page.get_by_role("button", name="Continue").click()

    expect(page.locator("h1")).to_have_text("Match the owners")
    check_page(page)
    expect(page.locator("main")).to_contain_text(
        "4 owner names in the file do not match an organisation"
    )
    # "&" for "and" is suggested and ticked, for the name and for a part of a split name.
    suggested = "Telford and Wrekin Council (suggested)"
    expect(_group(page, "Telford & Wrekin Council").get_by_label(suggested)).to_be_checked()
    split = _group(page, "Schools / Telford and Wrekin Council")
    expect(split.get_by_label(suggested)).to_be_checked()

    # Continuing with a name unanswered says which.
    page.get_by_role("button", name="Continue").click()
    expect(page).to_have_title("Error: Match the owners – Answerable")
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Select the organisations that “All relevant agencies” means"
    )
    check_page(page)

    # West Mercia Police is not in Answerable yet: add it from its name.
    page.get_by_role(
        "link", name="Add “West Mercia Police” as an organisation that is not in Answerable yet"
    ).click()
    expect(page.locator("h1")).to_have_text("Add an organisation")
    expect(page.get_by_label("Name", exact=True)).to_have_value("West Mercia Police")
    check_page(page)
    page.get_by_label("Police force").check()
    page.get_by_role("button", name="Add organisation").click()

    expect(page.locator("h1")).to_have_text("Match the owners")
    expect(page.locator(".govuk-notification-banner")).to_contain_text(
        "West Mercia Police will be added when the import runs"
    )
    new_police = "West Mercia Police (new: added when the import runs)"
    expect(_group(page, "West Mercia Police").get_by_label(new_police)).to_be_checked()
    agencies = _group(page, "All relevant agencies")
    agencies.get_by_label("Telford and Wrekin Council").check()
    agencies.get_by_label(new_police).check()
    check_page(page)
    page.get_by_role("button", name="Continue").click()

    expect(page.locator("h1")).to_have_text("Check the import")
    main = page.locator("main")
    expect(main).to_contain_text("New organisations")
    expect(main).to_contain_text("Owner names to remember")
    check_page(page)
    assert not Organisation.objects.filter(name="West Mercia Police").exists()
    page.get_by_role("button", name="Confirm import").click()

    expect(page.locator("h1")).to_have_text("Import complete")
    expect(page.locator(".govuk-panel")).to_contain_text(
        "Imported report.csv: 3 recommendations and 5 actions"
    )
    check_page(page)
    police = Organisation.objects.get(name="West Mercia Police")
    assert police.office == office
    assert set(
        Action.objects.filter(recommendation__reference="R3").values_list("owner", flat=True)
    ) == {council.pk, police.pk}
    assert OrganisationAlias.objects.filter(office=office).count() == 4

    # The next file with the same names goes from the columns straight to the check.
    page.goto(f"{live_server.url}/register/import/")
    report_file.write_bytes(REPORT_CSV.replace(b"Telford inquiry", b"Second inquiry"))
    page.get_by_label("Upload a file").set_input_files(report_file)
    page.get_by_role("button", name="Upload and continue").click()
    page.get_by_role("button", name="Continue").click()
    expect(page.locator("h1")).to_have_text("Check the import")
    expect(main).not_to_contain_text("New organisations")
