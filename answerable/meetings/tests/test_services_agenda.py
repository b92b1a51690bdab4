import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from answerable.audit.models import AuditEvent
from answerable.audit.testing import audited
from answerable.meetings import services
from answerable.meetings.models import AccountabilityMeeting, AgendaItem, Marking, Paper, Response
from answerable.meetings.tests.conftest import checked_pdf
from answerable.meetings.tests.factories import PaperFactory, QuestionFactory, meeting_has_started
from answerable.organisations.models import Membership, Organisation
from answerable.organisations.tests.factories import OrganisationFactory, member
from answerable.recommendations.tests.factories import RecommendationFactory


def test_adding_an_item_puts_it_last_with_its_links_and_is_audited(
    item, recommendation, force_action
):
    assert item.position == 2
    assert item.theme.name == "Training"
    assert list(item.recommendations.all()) == [recommendation]
    assert list(item.actions.all()) == [force_action]
    [event] = AuditEvent.objects.filter(action="agenda_item.added")
    assert event.changes["recommendations"] == [None, [recommendation.reference]]
    assert event.changes["theme"] == [None, "Training"]


def test_an_item_cannot_link_another_offices_recommendations(meeting, scrutiny_officer):
    elsewhere = RecommendationFactory(
        source__owner=OrganisationFactory(kind=Organisation.Kind.PCC_OFFICE)
    )
    with pytest.raises(ValidationError) as error:
        services.agenda_item_add(
            actor=scrutiny_officer, meeting=meeting, title="Peek", recommendations=[elsewhere]
        )
    assert "recommendations" in error.value.message_dict
    assert meeting.items.count() == 1
    assert not AuditEvent.objects.filter(action="agenda_item.added").exists()


def test_a_lead_officer_cannot_add_an_item(meeting, force_lead):
    with pytest.raises(PermissionDenied):
        services.agenda_item_add(actor=force_lead, meeting=meeting, title="Mine")
    assert meeting.items.count() == 1


def test_updating_an_item_records_only_what_changed(item, scrutiny_officer):
    services.agenda_item_update(
        actor=scrutiny_officer,
        item=item,
        expected_version=item.version,
        title=item.title,
        theme="Training",
        is_sensitive=True,
        recommendations=list(item.recommendations.all()),
        actions=[],
    )
    item.refresh_from_db()
    assert item.is_sensitive
    [event] = AuditEvent.objects.filter(action="agenda_item.updated")
    assert set(event.changes) == {"is_sensitive", "actions"}
    assert event.changes["is_sensitive"] == [False, True]


def test_the_generated_review_item_cannot_be_edited(meeting, scrutiny_officer):
    review = meeting.items.get(is_action_review=True)
    with pytest.raises(ValidationError):
        services.agenda_item_update(
            actor=scrutiny_officer, item=review, expected_version=1, title="Something else"
        )


def test_moving_an_item_swaps_it_with_its_neighbour_and_is_audited(meeting, scrutiny_officer):
    first = services.agenda_item_add(actor=scrutiny_officer, meeting=meeting, title="First")
    second = services.agenda_item_add(actor=scrutiny_officer, meeting=meeting, title="Second")
    services.agenda_item_move(actor=scrutiny_officer, item=second, direction="up")
    titles = list(meeting.items.order_by("position").values_list("title", flat=True))
    assert titles[1:] == ["Second", "First"]
    [event] = AuditEvent.objects.filter(action="agenda_item.moved")
    assert event.changes["position"] == [3, 2]
    assert event.target_id == str(second.pk)
    first.refresh_from_db()
    assert first.position == 3


def test_nothing_moves_above_the_action_tracker_review(item, scrutiny_officer):
    with pytest.raises(ValidationError):
        services.agenda_item_move(actor=scrutiny_officer, item=item, direction="up")
    review = item.meeting.items.get(is_action_review=True)
    with pytest.raises(ValidationError):
        services.agenda_item_move(actor=scrutiny_officer, item=review, direction="down")
    item.refresh_from_db()
    assert item.position == 2
    assert not AuditEvent.objects.filter(action="agenda_item.moved").exists()


def test_the_last_item_cannot_move_down(item, scrutiny_officer):
    with pytest.raises(ValidationError):
        services.agenda_item_move(actor=scrutiny_officer, item=item, direction="down")


# --- papers ------------------------------------------------------------------------------


def test_an_attending_lead_officer_tables_a_paper_stored_under_its_sha256(item, force_lead, force):
    paper = services.paper_upload(
        actor=force_lead, item=item, title="Progress report", file=checked_pdf()
    )
    assert paper.organisation == force
    assert paper.file.name.endswith(f"{paper.sha256}.pdf")
    assert paper.file.read() == checked_pdf().content
    [event] = AuditEvent.objects.filter(action="paper.uploaded")
    assert event.organisation == force
    assert event.changes["sha256"] == [None, paper.sha256]


def test_a_scrutiny_officer_tables_papers_for_the_office(item, scrutiny_officer, office):
    paper = services.paper_upload(
        actor=scrutiny_officer, item=item, title="Brief", file=checked_pdf()
    )
    assert paper.organisation == office
    assert audited("paper.uploaded", target=paper).actor == scrutiny_officer


def test_a_lead_officer_whose_organisation_does_not_attend_cannot_table_a_paper(item, council_lead):
    with pytest.raises(PermissionDenied):
        services.paper_upload(actor=council_lead, item=item, title="X", file=checked_pdf())
    assert not Paper.objects.exists()
    assert not AuditEvent.objects.filter(action="paper.uploaded").exists()


def test_an_official_sensitive_paper_cannot_be_published(item, force_lead):
    with pytest.raises(ValidationError) as error:
        services.paper_upload(
            actor=force_lead,
            item=item,
            title="Intelligence picture",
            file=checked_pdf(),
            marking=Marking.OFFICIAL_SENSITIVE,
            is_published=True,
        )
    assert "is_published" in error.value.message_dict
    assert not Paper.objects.exists()


def test_the_database_refuses_a_published_official_sensitive_paper(item, force):
    with pytest.raises(IntegrityError), transaction.atomic():
        PaperFactory(
            item=item, organisation=force, marking=Marking.OFFICIAL_SENSITIVE, is_published=True
        )


# --- questions and responses ----------------------------------------------------------------


def test_the_office_marks_a_paper_for_publication_and_withholds_it_again(
    item, force_lead, scrutiny_officer
):
    paper = services.paper_upload(actor=force_lead, item=item, title="Report", file=checked_pdf())
    services.paper_publication_set(actor=scrutiny_officer, paper=paper, is_published=True)
    paper.refresh_from_db()
    assert paper.is_published
    services.paper_publication_set(actor=scrutiny_officer, paper=paper, is_published=False)
    paper.refresh_from_db()
    assert not paper.is_published
    changes = [
        event.changes["is_published"]
        for event in AuditEvent.objects.filter(action="paper.publication_changed").order_by("id")
    ]
    assert changes == [[False, True], [True, False]]


def test_only_the_office_decides_what_papers_are_published(item, force_lead):
    paper = services.paper_upload(actor=force_lead, item=item, title="Report", file=checked_pdf())
    with pytest.raises(PermissionDenied):
        services.paper_publication_set(actor=force_lead, paper=paper, is_published=True)
    paper.refresh_from_db()
    assert not paper.is_published
    assert not AuditEvent.objects.filter(action="paper.publication_changed").exists()


def test_an_official_sensitive_paper_can_never_be_marked_for_publication(
    item, force_lead, scrutiny_officer
):
    paper = services.paper_upload(
        actor=force_lead,
        item=item,
        title="Covert tactics",
        file=checked_pdf(),
        marking=Marking.OFFICIAL_SENSITIVE,
    )
    with pytest.raises(ValidationError, match="OFFICIAL-SENSITIVE"):
        services.paper_publication_set(actor=scrutiny_officer, paper=paper, is_published=True)
    paper.refresh_from_db()
    assert not paper.is_published
    assert not AuditEvent.objects.filter(action="paper.publication_changed").exists()


def test_a_question_is_recorded_with_who_asked_it_and_audited(item, scrutiny_officer, force):
    question = services.question_add(
        actor=scrutiny_officer,
        item=item,
        text="How many officers are trained?",
        asked_by="PCC",
        addressed_to=force,
        is_prepared=False,
    )
    assert not question.is_prepared
    [event] = AuditEvent.objects.filter(action="question.added")
    assert event.changes["addressed_to"] == [None, force.name]


def test_a_lead_officer_cannot_add_a_question(item, force_lead):
    with pytest.raises(PermissionDenied):
        services.question_add(actor=force_lead, item=item, text="Q?", asked_by="Me")


def test_a_lead_officer_prepares_a_response_for_their_own_organisation(
    item, force_lead, force, council
):
    question = QuestionFactory(item=item, addressed_to=force)
    response = services.response_record(
        actor=force_lead,
        question=question,
        text="We have trained 400 officers.",
        given_by_name="Chief Constable",
        given_by_organisation=council,
    )
    assert response.is_prepared
    assert response.given_by_organisation == force
    [event] = AuditEvent.objects.filter(action="response.recorded")
    assert event.organisation == force
    assert event.changes["is_prepared"] == [None, True]


def test_a_lead_officer_cannot_answer_for_another_organisation(item, council_lead, force):
    question = QuestionFactory(item=item, addressed_to=force)
    with pytest.raises(PermissionDenied):
        services.response_record(
            actor=council_lead, question=question, text="Not ours", given_by_name="Someone"
        )
    assert not Response.objects.exists()


def test_prepared_responses_close_once_the_meeting_is_held(
    item, force_lead, force, scrutiny_officer
):
    question = QuestionFactory(item=item, addressed_to=force)
    meeting_has_started(item.meeting)
    services.meeting_status_change(
        actor=scrutiny_officer, meeting=item.meeting, status=AccountabilityMeeting.Status.HELD
    )
    question.refresh_from_db()
    with pytest.raises(PermissionDenied):
        services.response_record(
            actor=force_lead, question=question, text="Late", given_by_name="Chief Constable"
        )


def test_a_scrutiny_officer_records_the_response_given_in_the_meeting(
    item, scrutiny_officer, force
):
    question = QuestionFactory(item=item, addressed_to=force)
    response = services.response_record(
        actor=scrutiny_officer,
        question=question,
        text="Training is now mandatory.",
        given_by_name="Chief Constable",
        given_by_organisation=force,
    )
    assert not response.is_prepared
    assert response.recorded_by == scrutiny_officer
    event = audited("response.recorded", target=question)
    assert event.changes["text"] == [None, "Training is now mandatory."]
    assert event.organisation == force


def test_a_response_needs_text_and_nothing_is_written_without_it(item, scrutiny_officer):
    question = QuestionFactory(item=item)
    with pytest.raises(ValidationError):
        services.response_record(
            actor=scrutiny_officer, question=question, text=" ", given_by_name="CC"
        )
    assert not Response.objects.exists()
    assert not AuditEvent.objects.filter(action="response.recorded").exists()


def test_positions_are_unique_within_a_meeting(item):
    with pytest.raises(IntegrityError), transaction.atomic():
        AgendaItem.objects.create(meeting=item.meeting, position=item.position, title="Clash")


def test_a_lead_officer_of_an_organisation_that_is_not_a_member_cannot_respond(item):
    outsider = member(OrganisationFactory(), Membership.Role.LEAD_OFFICER)
    question = QuestionFactory(item=item)
    with pytest.raises(PermissionDenied):
        services.response_record(actor=outsider, question=question, text="Hi", given_by_name="X")


# --- two people editing one item (issue #11) ------------------------------------------------


def test_a_save_drawn_from_an_older_version_of_an_item_is_refused_and_writes_nothing(
    item, scrutiny_officer
):
    colleague = member(item.meeting.office, Membership.Role.SCRUTINY_OFFICER)
    opened = item.version  # both open the edit page at this version
    services.agenda_item_update(
        actor=colleague, item=item, expected_version=opened, title="Training: first pass"
    )
    with pytest.raises(ValidationError) as refused:
        services.agenda_item_update(
            actor=scrutiny_officer,
            item=item,
            expected_version=opened,
            title=item.title,
            description="What the second editor wrote",
        )
    assert refused.value.messages == [
        "Someone else changed this agenda item while you were editing it. "
        "Check their changes below and make yours again."
    ]
    item.refresh_from_db()
    assert (item.title, item.description, item.version) == ("Training: first pass", "", 2)
    [event] = AuditEvent.objects.filter(action="agenda_item.updated")
    assert event.actor == colleague
    assert event.changes["title"] == ["Training to spot exploitation", "Training: first pass"]
