import io

import pytest
from django.core.management import CommandError, call_command

from answerable.accounts.models import User
from answerable.audit.models import AuditEvent
from answerable.organisations.models import Membership, Organisation
from answerable.organisations.selectors import access_for, scrutiny_office_for
from answerable.organisations.tests.factories import UserFactory


def run(command: str, *args: str) -> str:
    out = io.StringIO()
    call_command(command, *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def test_an_empty_install_starts_with_an_account_then_the_office(db):
    """The first account and the PCC's office, from nothing: then the UI does the rest."""
    assert not Organisation.objects.exists()
    run("system_administrator", "first@pcc.example", "--name", "First Person")
    out = run(
        "createorganisation",
        "Office of the Police and Crime Commissioner for Shire",
        "--kind",
        "pcc_office",
        "--short-name",
        "Shire OPCC",
        "--as",
        "first@pcc.example",
        "--administrator",
        "first@pcc.example",
        "--scrutiny-officer",
        "FIRST@pcc.example",
    )
    assert "Added Office of the Police and Crime Commissioner for Shire." in out
    office = Organisation.objects.get()
    assert (office.kind, office.short_name, office.office) == ("pcc_office", "Shire OPCC", None)
    user = User.objects.get()
    assert set(Membership.objects.values_list("user", "organisation", "role")) == {
        (user.pk, office.pk, "administrator"),
        (user.pk, office.pk, "scrutiny_officer"),
    }
    # They can administer the office and import into its register.
    assert access_for(user).can_administer(office)
    assert scrutiny_office_for(user=user) == office
    assert AuditEvent.objects.filter(action="organisation.created", actor=user).exists()
    assert AuditEvent.objects.filter(action="membership.granted", actor=user).count() == 2


def test_a_partner_goes_in_the_named_office_s_area(office):
    admin = UserFactory(is_system_administrator=True)
    run(
        "createorganisation",
        "Shire Council",
        "--kind",
        "local_authority",
        "--office",
        "office of the pcc",
        "--as",
        admin.email,
    )
    assert Organisation.objects.get(name="Shire Council").office == office


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--as", "nobody@example.org"], "There is no active account for nobody@example.org"),
        (["--as", "{admin}", "--administrator", "x@example.org"], "no active account for x@"),
        (["--as", "{plain}"], "Only administrators manage organisations and users"),
        (["--as", "{admin}", "--office", "Nowhere"], "There is no office called Nowhere"),
    ],
)
def test_bad_input_is_refused_and_writes_nothing(db, args, message):
    admin = UserFactory(is_system_administrator=True)
    plain = UserFactory()
    args = [a.format(admin=admin.email, plain=plain.email) for a in args]
    before = AuditEvent.objects.count()
    with pytest.raises(CommandError, match=message):
        run("createorganisation", "Office", "--kind", "pcc_office", *args)
    assert not Organisation.objects.exists()
    assert AuditEvent.objects.count() == before


def test_a_grant_that_fails_undoes_the_organisation(db):
    admin = UserFactory(is_system_administrator=True)
    with pytest.raises(CommandError):
        run(
            "createorganisation",
            "Office",
            "--kind",
            "pcc_office",
            "--as",
            admin.email,
            "--administrator",
            admin.email,
            "--administrator",
            admin.email,
        )
    assert not Organisation.objects.exists()
