"""Progress reports: the content matches the register, and Word and PDF say the same."""

import datetime
import io

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone
from docx import Document

from answerable.core.testing import assert_libreoffice_opens, sign_in
from answerable.meetings import services as meeting_services
from answerable.meetings.models import AgendaItem, ItemVerdict
from answerable.meetings.selectors import recommendation_meeting_verdicts
from answerable.meetings.tests.factories import MeetingFactory
from answerable.organisations.tests.factories import OrganisationFactory
from answerable.recommendations import services
from answerable.recommendations.models import DeliveryStatus
from answerable.recommendations.selectors import action_list, recommendation_list
from answerable.reports.content import ReportScope, report_content
from answerable.reports.documents import report_docx, report_pdf
from answerable.reports.tests.helpers import (
    INTERNAL,
    SECRET,
    docx_text,
    pdf_text,
    period,
    preview_query,
    today,
)
from answerable.workforce import services as workforce_services
from answerable.workforce.models import CoverageFigure
from answerable.workforce.tests.factories import CourseFactory, SnapshotFactory


def test_the_preview_counts_what_the_register_holds(client, register, scrutiny_officer):
    content = report_content(
        ReportScope(
            title="Report",
            actions=action_list(user=scrutiny_officer),
            recommendations=recommendation_list(user=scrutiny_officer),
            **period(),
        )
    )
    assert content["summary"]["recommendations_total"] == 3
    by_name = {o["name"]: o for o in content["summary"]["organisations"]}
    assert by_name["Shire Police"]["delivery"]["completed"] == 1
    assert by_name["Shire Police"]["total"] == 2
    assert by_name["Shire Council"]["delivery"]["not_started"] == 1
    assert [row["owner"] for row in content["changes"]["completed"]] == ["Shire Police"]
    assert content["changes"]["dates_moved"][0]["reason"] == "Waiting for the new case system"
    sign_in(client, scrutiny_officer)
    page = client.get(reverse("reports:report_preview"), preview_query(register))
    html = page.content.decode()
    assert page.status_code == 200
    assert "Newly completed (1)" in html
    assert "Target dates moved (1)" in html
    assert INTERNAL in html
    assert "format=docx" in html
    assert 'role="img"' in html  # the burn-up, with its table
    assert "Actions in scope and delivered, at the end of each month" in html


def test_word_and_pdf_read_back_with_the_same_figures(client, register, scrutiny_officer):
    sign_in(client, scrutiny_officer)
    for kind, read in (("docx", docx_text), ("pdf", pdf_text)):
        url = reverse("reports:report_preview")
        response = client.get(url, preview_query(register, format=kind))
        assert response.status_code == 200
        assert response["Content-Disposition"].endswith(f'.{kind}"')
        text = read(response.content)
        assert "Newly completed (1)" in text
        assert "Target dates moved (1)" in text
        assert "Waiting for the new case system" in text
        assert "Shire Police" in text
        assert "Actions delivered over time" in text
    word = client.get(reverse("reports:report_preview"), preview_query(register, format="docx"))
    pictures = Document(io.BytesIO(word.content)).inline_shapes
    descriptions = [p._inline.docPr.get("descr") for p in pictures]
    # The three summary charts and the burn-up, each with alternative text naming its table.
    assert len(descriptions) == 4
    assert all("the table below gives the figures" in d for d in descriptions)


def test_a_public_report_has_no_internal_narrative_or_sensitive_evidence(
    register, scrutiny_officer
):
    services.source_publish(actor=scrutiny_officer, source=register)
    content = report_content(
        ReportScope(
            title="Public report",
            actions=action_list(user=scrutiny_officer),
            recommendations=recommendation_list(user=scrutiny_officer),
            audience="public",
            **period(),
        )
    )
    for text in (docx_text(report_docx(content=content)), pdf_text(report_pdf(content=content))):
        assert "Published training plan" in text
        assert SECRET not in text
        assert INTERNAL not in text
        assert "Waiting for the new case system" not in text
        assert "Newly completed (1)" in text


def test_a_public_report_leaves_out_unpublished_sources(register, scrutiny_officer):
    content = report_content(
        ReportScope(
            title="Public report",
            actions=action_list(user=scrutiny_officer),
            recommendations=recommendation_list(user=scrutiny_officer),
            audience="public",
            **period(),
        )
    )
    assert content["summary"]["recommendations_total"] == 0
    assert content["recommendations"] == []


def test_a_period_that_ends_before_it_starts_is_refused(client, register, scrutiny_officer):
    sign_in(client, scrutiny_officer)
    page = client.get(
        reverse("reports:report_preview"),
        preview_query(register, period_from=today().isoformat(), period_to="2020-01-01"),
    )
    html = page.content.decode()
    assert "The end of the period must be the same as or after its start" in html
    assert "<title>Error:" in html
    assert "Download as Word" not in html


def test_partners_cannot_write_reports(client, register, force_lead):
    sign_in(client, force_lead)
    assert client.get(reverse("reports:report_preview")).status_code == 403


def test_the_command_writes_the_same_report(register, tmp_path):
    output = tmp_path / "report.docx"
    call_command(
        "progress_report",
        "--source", register.title,
        "--from", period()["period_from"].isoformat(),
        "--to", period()["period_to"].isoformat(),
        "--format", "docx",
        "--output", str(output),
    )  # fmt: skip
    assert "Newly completed (1)" in docx_text(output.read_bytes())


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--source", "No such report"], "No source is called No such report"),
        (["--organisation", "Nobody"], "No organisation is called Nobody"),
        ([], "Name at least one --source or an --organisation"),
    ],
)
def test_the_command_refuses_bad_input_and_writes_nothing(register, tmp_path, arguments, message):
    output = tmp_path / "report.pdf"
    with pytest.raises(CommandError, match=message):
        call_command(
            "progress_report", *arguments, "--from", "2026-01-01", "--to", "2026-06-30",
            "--output", str(output),
        )  # fmt: skip
    assert not output.exists()


def test_the_command_refuses_a_backwards_period(register, tmp_path):
    output = tmp_path / "report.pdf"
    with pytest.raises(CommandError, match="The end of the period must be"):
        call_command(
            "progress_report", "--source", register.title, "--from", "2026-06-30",
            "--to", "2026-01-01", "--output", str(output),
        )  # fmt: skip
    assert not output.exists()


def test_the_office_finds_the_report_from_the_sources_page(client, register, scrutiny_officer):
    sign_in(client, scrutiny_officer)
    page = client.get(reverse("recommendations:source_list"))
    assert reverse("reports:report_preview") in page.content.decode()
    form = client.get(reverse("reports:report_preview")).content.decode()
    assert register.title in form


@pytest.mark.parametrize(("kind", "build"), [("docx", report_docx), ("pdf", report_pdf)])
def test_libreoffice_opens_the_report(register, scrutiny_officer, tmp_path, kind, build):
    content = report_content(
        ReportScope(
            title="Report",
            actions=action_list(user=scrutiny_officer),
            recommendations=recommendation_list(user=scrutiny_officer),
            **period(),
        )
    )
    assert_libreoffice_opens(build(content=content), kind=kind, workdir=tmp_path)


def _meeting_verdict(office, scrutiny_officer, recommendation, *, sensitive: bool) -> None:
    meeting = meeting_services.meeting_create(
        actor=scrutiny_officer,
        office=office,
        title="Holding to account: child sexual exploitation",
        kind="holding_to_account",
        starts_at=timezone.now() - datetime.timedelta(days=7),
        chair_name="The Commissioner",
        venue="Hindlip Hall",
    )
    item = meeting_services.agenda_item_add(
        actor=scrutiny_officer,
        meeting=meeting,
        title="Intelligence records",
        is_sensitive=sensitive,
        recommendations=[recommendation],
    )
    meeting_services.item_verdict_record(
        expected_version=0,
        actor=scrutiny_officer,
        item=item,
        verdict="partly_assured",
        rationale="Some way to go",
    )


def test_each_recommendation_shows_the_meeting_that_gave_its_verdict(
    register, office, scrutiny_officer
):
    recommendation = register.recommendations.order_by("pk").first()
    _meeting_verdict(office, scrutiny_officer, recommendation, sensitive=False)
    scope = ReportScope(
        title="Report",
        actions=action_list(user=scrutiny_officer),
        recommendations=recommendation_list(user=scrutiny_officer),
        **period(),
    )
    text = docx_text(report_docx(content=report_content(scope)))
    assert "Partly assured at Holding to account: child sexual exploitation on" in text
    # The public see a meeting's verdict only once its summary is published.
    services.source_publish(actor=scrutiny_officer, source=register)
    public = report_content(
        ReportScope(**{**scope.__dict__, "audience": "public"})  # type: ignore[arg-type]
    )
    assert all(not r["meeting_verdict"] for r in public["recommendations"])


def test_a_sensitive_items_verdict_stays_out_of_a_public_report(register, office, scrutiny_officer):
    recommendation = register.recommendations.order_by("pk").first()
    _meeting_verdict(office, scrutiny_officer, recommendation, sensitive=True)
    scope = ReportScope(
        title="Report",
        actions=action_list(user=scrutiny_officer),
        recommendations=recommendation_list(user=scrutiny_officer),
        **period(),
    )
    internal = report_content(scope)
    assert [r["meeting_verdict"] for r in internal["recommendations"]].count("Partly assured") == 1
    shown = recommendation_meeting_verdicts(
        recommendation_ids=[recommendation.pk], include_sensitive=False
    )
    assert shown == {}


def test_a_verdict_given_at_another_offices_meeting_is_not_this_offices(
    register, office, scrutiny_officer
):
    recommendation = register.recommendations.order_by("pk").first()
    other = OrganisationFactory(kind="pcc_office")
    meeting = MeetingFactory(office=other)
    item = AgendaItem.objects.create(meeting=meeting, title="Elsewhere", position=99)
    item.recommendations.add(recommendation)  # no service links another office's register
    ItemVerdict.objects.create(
        item=item, verdict="not_assured", rationale="Not ours", recorded_by=scrutiny_officer
    )
    assert (
        recommendation_meeting_verdicts(
            recommendation_ids=[recommendation.pk], include_sensitive=True
        )
        == {}
    )
    _meeting_verdict(office, scrutiny_officer, recommendation, sensitive=False)
    [verdict] = recommendation_meeting_verdicts(
        recommendation_ids=[recommendation.pk], include_sensitive=True
    ).values()
    assert verdict.item.meeting.office == office


def test_a_report_on_one_organisation_covers_only_its_actions(
    client, register, scrutiny_officer, council
):
    sign_in(client, scrutiny_officer)
    query = preview_query(register, organisation=council.pk)
    del query["sources"]  # no source chosen: every source of the office
    page = client.get(reverse("reports:report_preview"), query)
    html = page.content.decode()
    assert "Progress report: Shire Council" in html
    assert "1 recommendation is covered." in html
    summary = html.split('id="preview"')[1].split('id="changes"')[0]
    assert "Shire Council" in summary
    assert "Shire Police" not in summary


def test_a_report_needs_a_source_or_an_organisation(client, register, scrutiny_officer):
    sign_in(client, scrutiny_officer)
    query = preview_query(register)
    del query["sources"]
    html = client.get(reverse("reports:report_preview"), query).content.decode()
    assert "Select at least one source, or an organisation" in html


def test_an_internal_report_gives_the_training_coverage_offered_as_evidence(
    register, force, force_lead, scrutiny_officer
):
    course = CourseFactory(owner=force, code="CSE", title="Spotting exploitation")
    snapshot = SnapshotFactory(organisation=force, taken_on=datetime.date(2026, 11, 1))
    CoverageFigure.objects.create(snapshot=snapshot, course=course, required=400, in_date=348)
    recommendation = register.actions.filter(owner=force).first().recommendation
    workforce_services.coverage_link_create(
        actor=force_lead, course=course, recommendation=recommendation
    )
    scope = {
        "title": "Report",
        "actions": action_list(user=scrutiny_officer),
        "recommendations": recommendation_list(user=scrutiny_officer),
        **period(),
    }
    internal = report_content(ReportScope(**scope))
    expected = "Spotting exploitation (Shire Police): 87% in date on 2026-11-01, target 90%"
    assert [r["training"] for r in internal["recommendations"] if r["training"]] == [[expected]]
    assert expected in docx_text(report_docx(content=internal))
    services.source_publish(actor=scrutiny_officer, source=register)
    public = report_content(ReportScope(**scope, audience="public"))
    assert all(not r["training"] for r in public["recommendations"])


def test_a_public_report_names_what_cannot_be_done_but_not_the_owners_reason(
    register, force, force_lead, scrutiny_officer
):
    action = register.actions.filter(owner=force, delivery_status="not_started").first()
    reason = "Internal: needs the Home Office to change the data-sharing rules"
    services.update_post(
        actor=force_lead,
        action=action,
        narrative="Blocked.",
        status=DeliveryStatus.UNABLE_TO_IMPLEMENT,
        unable_reason=reason,
    )
    services.source_publish(actor=scrutiny_officer, source=register)
    scope = {
        "title": "Report",
        "actions": action_list(user=scrutiny_officer),
        "recommendations": recommendation_list(user=scrutiny_officer),
        **period(),
    }
    internal = report_content(ReportScope(**scope))
    public = report_content(ReportScope(**scope, audience="public"))
    assert [row["reason"] for row in internal["changes"]["unable"]] == [reason]
    assert len(public["changes"]["unable"]) == 1
    for text in (docx_text(report_docx(content=public)), pdf_text(report_pdf(content=public))):
        assert "Unable to implement (1)" in text
        assert reason not in text
