"""The import's owner-matching step in the web pages: choose, add, confirm, remembered."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from answerable.audit.models import AuditEvent
from answerable.core.testing import sign_in
from answerable.organisations.models import Organisation, OrganisationAlias
from answerable.organisations.tests.factories import OrganisationFactory
from answerable.recommendations.models import Action
from answerable.recommendations.views_import import SESSION_KEY

UPLOAD = reverse("recommendations:import_upload")
MAPPING = reverse("recommendations:import_mapping")
OWNERS = reverse("recommendations:import_owners")
OWNER_NEW = reverse("recommendations:import_owner_new")
PREVIEW = reverse("recommendations:import_preview")
CONFIRM = reverse("recommendations:import_confirm")
REPORT_CSV = (
    b"Title,Number,Text,Owner\r\n"
    b"Telford inquiry,R1,Do X.,Telford & Wrekin Council\r\n"
    b"Telford inquiry,R2,Do Y.,West Mercia Police; Schools / Telford and Wrekin Council\r\n"
    b"Telford inquiry,R3,Do Z.,All relevant agencies\r\n"
)


def upload_and_map(client, content: bytes = REPORT_CSV, name: str = "report.csv"):
    client.post(UPLOAD, {"file": SimpleUploadedFile(name, content)})
    return client.post(MAPPING, client.session[SESSION_KEY]["mapping"])


def legends(page: str) -> list[str]:
    return [
        re.sub(r"\s+", " ", text).strip()
        for text in re.findall(
            r'<legend class="govuk-fieldset__legend[^"]*">(.*?)</legend>', page, re.S
        )
    ]


def checkbox(page: str, label: str) -> str:
    """The value of the checkbox labelled `label` in the page's first group."""
    match = re.search(
        r'value="([^"]+)"[^>]*>\s*<label[^>]*>\s*' + re.escape(label) + r"\s*</label>", page
    )
    assert match, f"No checkbox labelled {label}"
    return match.group(1)


@pytest.fixture
def council(office):
    return OrganisationFactory(
        name="Telford and Wrekin Council", kind=Organisation.Kind.LOCAL_AUTHORITY, office=office
    )


@pytest.fixture
def police(office):
    return OrganisationFactory(name="West Mercia Police", short_name="WMP", office=office)


def test_unknown_owners_are_listed_once_with_the_same_named_organisation_ticked(
    client, scrutiny_officer, council
):
    sign_in(client, scrutiny_officer)
    response = upload_and_map(client)
    assert response["Location"] == OWNERS

    response = client.get(OWNERS)

    page = response.content.decode()
    assert response.status_code == 200
    assert len(re.findall(r"<h1[ >]", page)) == 1
    assert "4 owner names in the file do not match an organisation" in page
    # In the order the file names them, "West Mercia Police; Schools / …" split at ";".
    assert legends(page) == [
        "Telford &amp; Wrekin Council",
        "West Mercia Police",
        "Schools / Telford and Wrekin Council",
        "All relevant agencies",
    ]
    # "&" for "and": suggested and ticked; a part of a split name too.
    assert re.search(
        rf'value="org-{council.pk}" checked[^>]*>\s*<label[^>]*>\s*Telford and Wrekin Council '
        r"\(suggested\)",
        page,
    )
    assert "In row 4. Select every organisation it names." in page


def test_continuing_without_choosing_says_which_name_needs_an_answer(
    client, scrutiny_officer, council
):
    sign_in(client, scrutiny_officer)
    upload_and_map(client)
    response = client.post(OWNERS, {})
    page = response.content.decode()
    assert "<title>Error: Match the owners" in page
    assert "Select the organisations that “All relevant agencies” means" in page


def test_owners_are_chosen_created_and_remembered_with_the_import(
    client, scrutiny_officer, council, office
):
    sign_in(client, scrutiny_officer)
    upload_and_map(client)

    # West Mercia Police is not in Answerable: add it for its name.
    response = client.get(OWNER_NEW, {"name": "West Mercia Police"})
    assert 'value="West Mercia Police"' in response.content.decode()
    response = client.post(
        OWNER_NEW,
        {"name": "West Mercia Police", "kind": "police_force", "for_value": "West Mercia Police"},
    )
    assert response["Location"] == OWNERS
    # A second organisation with the same name, however spelt, is refused.
    response = client.post(OWNER_NEW, {"name": "west mercia police.", "kind": "police_force"})
    assert "West Mercia Police is already being added with this import" in (
        response.content.decode()
    )
    response = client.post(OWNER_NEW, {"name": "Telford & Wrekin Council", "kind": "other"})
    assert "Telford and Wrekin Council is already in Answerable" in response.content.decode()
    assert Organisation.objects.count() == 2  # nothing written yet

    page = client.get(OWNERS).content.decode()
    new_police = checkbox(page, "West Mercia Police (new: added when the import runs)")
    assert new_police == "new-0"
    ours = f"org-{council.pk}"
    response = client.post(
        OWNERS,
        {
            "owner_0": [ours],  # Telford & Wrekin Council
            "owner_1": [new_police],  # West Mercia Police
            "owner_2": [ours],  # Schools / Telford and Wrekin Council
            "owner_3": [ours, new_police],  # All relevant agencies
        },
    )
    assert response["Location"] == PREVIEW
    page = client.get(PREVIEW).content.decode()
    assert re.search(r"New organisations\s*</dt>\s*<dd[^>]*>\s*West Mercia Police", page)
    assert "Owner names to remember" in page
    assert Organisation.objects.count() == 2

    client.post(CONFIRM)

    police = Organisation.objects.get(name="West Mercia Police")
    assert (police.kind, police.office) == ("police_force", office)
    assert set(
        Action.objects.filter(recommendation__reference="R3").values_list("owner", flat=True)
    ) == {council.pk, police.pk}
    assert set(OrganisationAlias.objects.values_list("key", "organisation__name")) == {
        ("telford and wrekin council", "Telford and Wrekin Council"),
        ("schools telford and wrekin council", "Telford and Wrekin Council"),
        ("all relevant agencies", "Telford and Wrekin Council"),
        ("all relevant agencies", "West Mercia Police"),
    }
    assert AuditEvent.objects.filter(action="organisation.created", target_id=police.pk).exists()

    # The next file with the same names goes straight from the columns to the check.
    response = upload_and_map(client, REPORT_CSV.replace(b"Telford inquiry", b"Next"), "next.csv")
    assert response["Location"] == OWNERS
    assert client.get(OWNERS)["Location"] == PREVIEW


def test_an_alias_of_another_office_is_not_offered_or_used(client, scrutiny_officer, council):
    other = OrganisationFactory(name="Other office", kind=Organisation.Kind.PCC_OFFICE)
    OrganisationAlias.objects.create(
        office=other,
        organisation=council,
        name="All relevant agencies",
        key="all relevant agencies",
        created_by=scrutiny_officer,
    )
    sign_in(client, scrutiny_officer)
    upload_and_map(client)
    assert "All relevant agencies" in legends(client.get(OWNERS).content.decode())
