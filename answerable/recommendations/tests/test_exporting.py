import csv
import datetime
import io

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from answerable.core.testing import sign_in
from answerable.organisations.models import Membership
from answerable.organisations.tests.factories import OrganisationFactory, member
from answerable.recommendations import importing
from answerable.recommendations.models import Action, Recommendation, Theme
from answerable.recommendations.tables import read_table
from answerable.recommendations.tests.factories import (
    ActionFactory,
    RecommendationFactory,
    SourceFactory,
)

DANGEROUS = ['=HYPERLINK("https://evil.example")', "+44 1234", "-2+3", "@SUM(A1)", "\tx", "\rx"]


def export(client, name: str, file_kind: str, query: str = ""):
    url = reverse(f"recommendations:{name}_export", args=[file_kind]) + query
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    if file_kind == "csv":
        text = b"".join(response.streaming_content).decode("utf-8-sig")
        return list(csv.DictReader(io.StringIO(text)))
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


@pytest.mark.parametrize("file_kind", ["csv", "xlsx"])
def test_a_partner_lead_exports_only_its_own_actions(
    client, force_lead, force_action, council_action, file_kind
):
    sign_in(client, force_lead)

    actions = export(client, "action", file_kind)
    recommendations = export(client, "recommendation", file_kind)

    assert [row["owner"] for row in actions] == ["Shire Police"]
    assert [row["action_owners"] for row in recommendations] == ["Shire Police"]


def test_an_action_exports_the_local_day_of_its_last_update_and_whether_it_is_overdue(
    client, force_lead, force_action
):
    late_evening_in_july = datetime.datetime(2026, 7, 1, 23, 30, tzinfo=datetime.UTC)
    Action.objects.filter(pk=force_action.pk).update(
        last_update_at=late_evening_in_july,
        target_on=timezone.localdate() - datetime.timedelta(days=1),
    )
    ActionFactory(recommendation=force_action.recommendation, owner=force_action.owner)
    sign_in(client, force_lead)
    rows = {row["action_description"]: row for row in export(client, "action", "csv")}
    row = rows[force_action.description]
    assert row["last_update_on"] == "2026-07-02"  # 00:30 in London (BST)
    assert row["is_overdue"] == "Yes"
    assert [r["is_overdue"] for d, r in rows.items() if d != force_action.description] == ["No"]


def test_another_partners_recommendations_are_not_exported(
    client, force_lead, force_action, council
):
    ActionFactory(owner=council)  # under another recommendation, not shared with the force
    sign_in(client, force_lead)
    rows = export(client, "recommendation", "csv")
    assert [row["reference"] for row in rows] == [force_action.recommendation.reference]


def test_the_office_exports_every_action_and_honours_the_list_filters(
    client, scrutiny_officer, force_action, council_action, council
):
    sign_in(client, scrutiny_officer)

    assert sorted(row["owner"] for row in export(client, "action", "csv")) == [
        "Shire Council",
        "Shire Police",
    ]
    filtered = export(client, "action", "csv", f"?owner={council.pk}&page=2")
    assert [row["owner"] for row in filtered] == ["Shire Council"]


def test_the_recommendation_export_honours_the_list_filters(client, scrutiny_officer, source):
    RecommendationFactory(source=source, reference="R1")
    RecommendationFactory(
        source=source,
        reference="AFI 1",
        finding_type=Recommendation.FindingType.AREA_FOR_IMPROVEMENT,
    )
    sign_in(client, scrutiny_officer)

    rows = export(client, "recommendation", "xlsx", "?finding_type=area_for_improvement")

    assert [(row["reference"], row["finding_type"]) for row in rows] == [
        ("AFI 1", "Area for improvement")
    ]


@pytest.mark.parametrize("file_kind", ["csv", "xlsx"])
def test_cells_that_would_run_as_formulas_are_quoted(
    client, scrutiny_officer, source, force, file_kind
):
    for index, value in enumerate(DANGEROUS):
        recommendation = RecommendationFactory(
            source=source, reference=f"R{index}", text=value, addressees=value
        )
        ActionFactory(recommendation=recommendation, owner=force, description=value)
    sign_in(client, scrutiny_officer)

    recommendations = export(client, "recommendation", file_kind, "?sort=reference")
    actions = export(client, "action", file_kind, "?sort=reference")

    expected = ["'" + value for value in DANGEROUS]
    assert [row["text"] for row in recommendations] == expected
    assert [row["addressees"] for row in recommendations] == expected
    assert [row["action_description"] for row in actions] == expected


def test_an_xlsx_export_holds_no_formulas(client, scrutiny_officer, source):
    RecommendationFactory(source=source, text="=1+1")
    sign_in(client, scrutiny_officer)
    response = client.get(reverse("recommendations:recommendation_export", args=["xlsx"]))
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    cells = [cell for row in sheet.iter_rows() for cell in row]
    assert all(cell.data_type != "f" for cell in cells)
    assert "'=1+1" in [cell.value for cell in cells]


def _register(office, force, council, size: int) -> None:
    theme = Theme.objects.create(name=f"Theme {size}")
    for _ in range(size):
        recommendation = RecommendationFactory(source=SourceFactory(owner=office))
        recommendation.themes.add(theme)
        ActionFactory(recommendation=recommendation, owner=force)
        ActionFactory(recommendation=recommendation, owner=council)


@pytest.mark.parametrize("name", ["recommendation", "action"])
@pytest.mark.parametrize("file_kind", ["csv", "xlsx"])
def test_the_number_of_queries_does_not_grow_with_the_rows(
    client, scrutiny_officer, office, force, council, name, file_kind
):
    sign_in(client, scrutiny_officer)
    url = reverse(f"recommendations:{name}_export", args=[file_kind])

    def queries_for_export() -> tuple[int, int]:
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url)
            content = (
                b"".join(response.streaming_content) if response.streaming else response.content
            )
        return len(captured), content.count(b"\n") if file_kind == "csv" else len(content)

    _register(office, force, council, 3)
    few, _ = queries_for_export()
    _register(office, force, council, 27)
    many, _ = queries_for_export()

    assert few == many
    rows = export(client, name, file_kind)
    assert len(rows) == (30 if name == "recommendation" else 60)


def test_an_exported_register_imports_into_another_office(
    client, scrutiny_officer, source, force, council
):
    recommendation = RecommendationFactory(
        source=source, reference="R1", text="By 1 May 2026, do X."
    )
    recommendation.themes.add(Theme.objects.create(name="Training"))
    ActionFactory(recommendation=recommendation, owner=force)
    ActionFactory(recommendation=recommendation, owner=council)
    sign_in(client, scrutiny_officer)
    response = client.get(reverse("recommendations:recommendation_export", args=["xlsx"]))
    other_office = OrganisationFactory(name="Another office")
    other_officer = member(other_office, Membership.Role.SCRUTINY_OFFICER)

    table = read_table(response.content, kind="xlsx", name="export.xlsx")
    result = importing.recommendations_import(
        actor=other_officer,
        office=other_office,
        table=table,
        mapping=importing.guess_mapping(table.headers),
        file_name="export.xlsx",
        file_sha256="0" * 64,
    )

    assert (result.sources_created, result.recommendations_created, result.actions_created) == (
        1,
        1,
        2,
    )
    copy = Recommendation.objects.get(source__owner=other_office)
    assert (copy.reference, copy.text, copy.source.title) == (
        "R1",
        recommendation.text,
        source.title,
    )
    assert [t.name for t in copy.themes.all()] == ["Training"]
    assert copy.source.published_on == source.published_on


def test_exports_need_sign_in_and_a_known_format(client, scrutiny_officer):
    url = reverse("recommendations:action_export", args=["csv"])
    assert client.get(url)["Location"].startswith(reverse("accounts:sign_in"))
    sign_in(client, scrutiny_officer)
    response = client.get(reverse("recommendations:action_export", args=["pdf"]))
    assert response.status_code == 404


@pytest.mark.parametrize("name", ["recommendation", "action"])
def test_the_list_pages_link_to_the_downloads_keeping_the_filters(client, scrutiny_officer, name):
    sign_in(client, scrutiny_officer)
    response = client.get(
        reverse(f"recommendations:{name}_list") + "?delivery_status=on_track&page=1"
    )
    page = response.content.decode()
    for file_kind in ("csv", "xlsx"):
        href = reverse(f"recommendations:{name}_export", args=[file_kind])
        assert f'href="{href}?delivery_status=on_track"' in page
