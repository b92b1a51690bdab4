"""Two-factor set-up: a new secret is issued once, and the audit trail records it."""

from django_otp.plugins.otp_totp.models import TOTPDevice

from answerable.accounts.services import totp_device_pending
from answerable.audit.testing import audited


def test_a_new_authenticator_secret_is_audited_once_however_often_the_page_is_opened(
    scrutiny_officer,
):
    first = totp_device_pending(user=scrutiny_officer)
    again = totp_device_pending(user=scrutiny_officer)
    assert again == first
    assert TOTPDevice.objects.filter(user=scrutiny_officer).count() == 1
    event = audited("user.two_factor_setup_started", target=scrutiny_officer)
    assert event.actor == scrutiny_officer
