import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from django.test import Client, override_settings

from answerable.accounts.models import User
from answerable.audit.models import AuditEvent
from answerable.demo.accounts import ACCOUNTS, BACKUP_CODES
from answerable.organisations.models import Membership, Organisation
from answerable.recommendations.models import (
    Action,
    Assessment,
    AssuranceStatus,
    DeliveryStatus,
    PublicNarrative,
    Recommendation,
    Source,
    Update,
)
from answerable.recommendations.tallies import tally_differences
from answerable.reports.models import ProgressReport

pytestmark = pytest.mark.django_db

SIGN_IN = "/account/sign-in/"
TWO_FACTOR = "/account/two-factor/"
DASHBOARD = "/register/"


def _seed() -> str:
    out = StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


def _counts() -> dict[str, int]:
    return {
        "organisations": Organisation.objects.count(),
        "users": User.objects.count(),
        "memberships": Membership.objects.count(),
        "sources": Source.objects.count(),
        "recommendations": Recommendation.objects.count(),
        "actions": Action.objects.count(),
        "updates": Update.objects.count(),
        "assessments": Assessment.objects.count(),
        "audit_events": AuditEvent.objects.count(),
    }


def _printed_password(output: str) -> str:
    return re.search(r"password is: (\S+)", output)[1]  # type: ignore[index]


def _sign_in(client, email: str, password: str):  # type: ignore[no-untyped-def]
    return client.post(SIGN_IN, {"email": email, "password": password})


@pytest.fixture(autouse=True)
def _debug(settings):  # type: ignore[no-untyped-def]
    """seed_demo and demo_code only run on a development machine."""
    settings.DEBUG = True


@pytest.fixture(scope="module")
def _seeded_once(django_db_setup, django_db_blocker):  # type: ignore[no-untyped-def]
    """The demo seeded once for the module, in a transaction rolled back after it: each test
    runs in a savepoint inside it, so what one test changes the next does not see (seeding
    for every test took 14 s of each on PostgreSQL)."""
    with django_db_blocker.unblock(), override_settings(DEBUG=True), transaction.atomic():
        yield _seed()
        transaction.set_rollback(True)


@pytest.fixture
def printed(_seeded_once: str) -> str:
    return _seeded_once


def test_seeding_twice_adds_nothing_the_second_time(printed):
    first = _counts()
    again = _seed()

    assert _counts() == first
    assert first["organisations"] == 5
    assert first["users"] == len(ACCOUNTS)
    assert first["sources"] == 9
    assert first["recommendations"] == 57
    assert first["actions"] == 40
    assert tally_differences() == []  # the dashboard's counts match what was seeded
    assert "already there" in again
    # The second run prints the same sign-in block.
    assert again.split("\n", 2)[2] == printed.split("\n", 2)[2]


def test_the_printed_block_names_every_sign_in_and_the_two_factor_secrets(printed):
    assert "http://127.0.0.1:8000" in printed
    for account in ACCOUNTS:
        assert account.email in printed
        if account.totp_key:
            assert account.totp_secret in printed
    for code in BACKUP_CODES:
        assert code in printed
    assert "manage.py demo_code scrutiny@answerable.example" in printed


@pytest.mark.parametrize(
    "email",
    [
        "lead.police@answerable.example",
        "lead.council@answerable.example",
        "lead.nhs@answerable.example",
        "viewer@answerable.example",
    ],
)
def test_a_demo_user_without_two_factor_signs_in_with_the_printed_password(client, printed, email):
    response = _sign_in(client, email, _printed_password(printed))

    assert response.status_code == 302
    assert client.get(DASHBOARD).status_code == 200


def test_the_scrutiny_officer_passes_two_factor_with_a_printed_backup_code(client, printed):
    backup_code = re.search(r"Backup codes.*: (demo-\d+)", printed)[1]  # type: ignore[index]
    _sign_in(client, "scrutiny@answerable.example", _printed_password(printed))
    assert client.get(DASHBOARD)["Location"] == TWO_FACTOR

    response = client.post(TWO_FACTOR, {"token": backup_code})

    assert response.status_code == 302
    assert client.get(DASHBOARD).status_code == 200


def test_a_used_backup_code_works_again_after_reseeding(client, printed):
    password = _printed_password(printed)
    _sign_in(client, "scrutiny@answerable.example", password)
    client.post(TWO_FACTOR, {"token": BACKUP_CODES[0]})
    client.post("/account/sign-out/")
    _sign_in(client, "scrutiny@answerable.example", password)
    assert client.post(TWO_FACTOR, {"token": BACKUP_CODES[0]}).status_code == 200  # used up

    _seed()

    assert client.post(TWO_FACTOR, {"token": BACKUP_CODES[0]}).status_code == 302


def test_the_administrator_passes_two_factor_with_the_demo_code(client, printed):
    out = StringIO()
    call_command("demo_code", "admin@answerable.example", stdout=out, stderr=StringIO())
    code = out.getvalue().strip()
    _sign_in(client, "admin@answerable.example", _printed_password(printed))

    response = client.post(TWO_FACTOR, {"token": code})

    assert re.fullmatch(r"\d{6}", code)
    assert response.status_code == 302
    assert client.get(DASHBOARD).status_code == 200


def test_seed_demo_refuses_unless_debug(settings):
    settings.DEBUG = False
    before = _counts()  # the module's seeded demo, where a test before this one seeded it

    with pytest.raises(CommandError, match="DJANGO_DEBUG"):
        call_command("seed_demo", stdout=StringIO())
    assert _counts() == before


def test_demo_code_refuses_unless_debug(printed, settings):
    settings.DEBUG = False

    with pytest.raises(CommandError, match="DJANGO_DEBUG"):
        call_command("demo_code", "scrutiny@answerable.example")


def test_demo_code_refuses_a_user_who_is_not_a_demo_user_with_two_factor(printed):
    with pytest.raises(CommandError, match="not a demo user"):
        call_command("demo_code", "viewer@answerable.example")


def test_the_audit_chain_verifies_after_seeding_twice(printed):
    _seed()
    out = StringIO()

    call_command("audit_verify", stdout=out)

    assert "intact" in out.getvalue()


def test_the_register_has_work_in_every_state_a_newcomer_should_see(printed):
    """The queue is not empty, some actions are overdue and some are assessed."""
    actions = Action.objects.all()

    assert actions.filter(delivery_status=DeliveryStatus.READY_FOR_ASSESSMENT).count() >= 2
    assert sum(action.is_overdue for action in actions) >= 2
    assert actions.filter(assurance_status=AssuranceStatus.ASSURED).exists()
    assert actions.filter(assurance_status=AssuranceStatus.PARTLY_ASSURED).exists()
    assert all(action.updates.exists() for action in actions)
    # National-only recommendations are tracked without a partner action.
    national = Recommendation.objects.get(
        source__title="The Internet Investigation Report", reference="R1"
    )
    assert not national.actions.exists()
    assert national.response == Recommendation.Response.ACCEPTED_IN_PRINCIPLE


def test_the_public_site_shows_the_telford_inquiry_and_one_inspection_from_the_first_run(
    printed,
):
    home = Client().get("/").content.decode()
    assert "Independent Inquiry into Telford Child Sexual Exploitation" in home
    assert "group-based child sexual exploitation" in home
    assert "PEEL victim service assessment" not in home  # not published


def test_the_telford_partnership_report_has_an_approved_june_edition_and_a_draft(printed):
    approved, draft = ProgressReport.objects.filter(title__startswith="Telford inquiry").order_by(
        "due_on"
    )
    assert (approved.due_on.month, approved.due_on.day) == (6, 30)
    assert approved.is_approved
    assert len(approved.pdf_sha256) == 64
    assert not draft.is_approved
    assert draft.due_on.year == approved.due_on.year + 1
    page = Client().get("/public/progress-reports/").content.decode()
    assert approved.title in page
    assert draft.title not in page


def test_the_published_sources_show_approved_progress_in_words(printed):
    narrative = (
        PublicNarrative.objects.filter(status="approved")
        .select_related("update__action")
        .order_by("pk")
        .first()
    )
    assert narrative is not None
    page = (
        Client()
        .get(f"/public/recommendations/{narrative.update.action.recommendation_id}/")
        .content.decode()
    )
    assert "Latest progress" in page
