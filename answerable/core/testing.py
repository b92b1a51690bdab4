"""Helpers for tests: sign a user in, past two-factor where their role needs it; check a page's
forms."""

import re

from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from answerable.accounts.models import User


def sign_in(client: Client, user: User) -> Client:
    """Log the client in as the user with a verified authenticator, as after a real sign-in."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="Test authenticator", confirmed=True)
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


_POST_FORM = re.compile(r'<form[^>]*method="post"[^>]*>(.*?)</form>', re.IGNORECASE | re.DOTALL)


def post_forms_without_csrf(page: str) -> int:
    """How many of the page's POST forms a browser could not submit: those with no CSRF field
    (a macro imported without context draws `csrf_input` as nothing)."""
    return sum("csrfmiddlewaretoken" not in form for form in _POST_FORM.findall(page))
