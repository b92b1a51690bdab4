"""Each request finds its session, its person and their second factor afresh (issue #12 reads
them with SQL built once), so whatever ends a sign-in ends it at the next request."""

import datetime

import pytest
from django.contrib.sessions.models import Session
from django.db import connection, connections
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

PASSWORD = "correct horse battery"
DASHBOARD = "/register/"


def _signed_in(user) -> Client:
    client = Client()
    response = client.post("/account/sign-in/", {"email": user.email, "password": PASSWORD})
    assert response.status_code == 302
    assert client.get(DASHBOARD).status_code == 200
    return client


def _signed_out(response) -> bool:
    return response.status_code == 302 and response["Location"].startswith(
        reverse("accounts:sign_in")
    )


def test_a_new_password_signs_out_every_other_session(force_lead):
    laptop = _signed_in(force_lead)
    force_lead.set_password("a different long password")
    force_lead.save()
    assert _signed_out(laptop.get(DASHBOARD))
    assert _signed_out(laptop.get(DASHBOARD))


def test_a_deactivated_account_is_signed_out_at_its_next_request(force_lead):
    laptop = _signed_in(force_lead)
    force_lead.is_active = False
    force_lead.save()
    assert _signed_out(laptop.get(DASHBOARD))


def test_an_expired_session_is_signed_out(force_lead):
    laptop = _signed_in(force_lead)
    Session.objects.update(expire_date=timezone.now() - datetime.timedelta(seconds=1))
    assert _signed_out(laptop.get(DASHBOARD))


def test_a_session_deleted_from_the_store_is_signed_out_at_once(force_lead):
    """How signing out everywhere reaches a browser on another worker."""
    laptop = _signed_in(force_lead)
    Session.objects.all().delete()
    assert _signed_out(laptop.get(DASHBOARD))


def test_a_session_of_an_account_that_no_longer_exists_is_signed_out(force_lead):
    laptop = _signed_in(force_lead)
    session = laptop.session
    session["_auth_user_id"] = str(force_lead.pk + 1000)
    session.save()
    assert _signed_out(laptop.get(DASHBOARD))


def test_a_new_secret_key_keeps_people_signed_in_while_the_old_one_is_a_fallback(
    force_lead, settings
):
    laptop = _signed_in(force_lead)
    settings.SECRET_KEY_FALLBACKS = [settings.SECRET_KEY]
    settings.SECRET_KEY = "a-new-test-only-secret-key-0123456789-abcdefghijklmnop"  # noqa: S105
    assert laptop.get(DASHBOARD).status_code == 200
    settings.SECRET_KEY_FALLBACKS = []
    assert laptop.get(DASHBOARD).status_code == 200  # moved to the new key on the way


def test_a_verified_second_factor_lasts_until_its_device_is_removed(client, scrutiny_officer):
    device = TOTPDevice.objects.create(user=scrutiny_officer, name="Phone", confirmed=True)
    client.post("/account/sign-in/", {"email": scrutiny_officer.email, "password": PASSWORD})
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    client.post(reverse("accounts:two_factor_verify"), {"token": f"{totp.token():06d}"})
    assert client.get(DASHBOARD).status_code == 200
    assert client.get(DASHBOARD).status_code == 200
    device.delete()
    assert client.get(DASHBOARD)["Location"] == reverse("accounts:two_factor_setup")


@pytest.mark.parametrize("persistent_id", ["otp_totp.totpdevice/x", "nowhere.device/1", "junk"])
def test_a_session_naming_no_device_is_not_verified(client, scrutiny_officer, persistent_id):
    client.force_login(scrutiny_officer)
    session = client.session
    session["otp_device_id"] = persistent_id
    session.save()
    assert client.get(DASHBOARD)["Location"] == reverse("accounts:two_factor_setup")


def test_a_device_of_someone_else_does_not_verify_a_session(client, scrutiny_officer, force_lead):
    device = TOTPDevice.objects.create(user=force_lead, name="Phone", confirmed=True)
    client.force_login(scrutiny_officer)
    session = client.session
    session["otp_device_id"] = device.persistent_id
    session.save()
    assert client.get(DASHBOARD)["Location"] == reverse("accounts:two_factor_setup")


def _server_process() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return cursor.fetchone()[0]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite has no server to drop it")
@pytest.mark.django_db(transaction=True)
def test_a_connection_the_server_dropped_is_opened_afresh_by_the_session_read(
    force_lead, monkeypatch
):
    """The session read is the request's health check: no `SELECT 1` before it, and a kept
    connection the server has ended (a restart, an idle timeout) is replaced, not an error."""
    # A connection opened now: one older than CONN_MAX_AGE would be closed as obsolete below.
    connection.close()
    client = Client()
    client.force_login(force_lead)
    assert client.get(DASHBOARD).status_code == 200
    dropped = _server_process()
    other = connections.create_connection("default")
    try:
        with other.cursor() as cursor:
            cursor.execute("SELECT pg_terminate_backend(%s)", [dropped])
    finally:
        other.close()
    checks = []
    monkeypatch.setattr(connection, "is_usable", lambda: checks.append(1) or True)
    connection.close_if_unusable_or_obsolete()  # as every request starts (request_started)
    assert connection.connection is not None  # kept: the dropped connection is not yet known
    assert client.get(DASHBOARD).status_code == 200
    assert checks == []
    assert _server_process() != dropped
