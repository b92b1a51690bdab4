"""Test settings: base plus speed-only overrides."""

import os

os.environ.setdefault("DJANGO_SECRET_KEY", "test-only-insecure")
os.environ.setdefault("DJANGO_SECURE_SSL_REDIRECT", "false")

from config.settings.base import *  # noqa: E402, F403 - base, once the env is set
from config.settings.base import BASE_DIR  # noqa: E402 - as above

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # noqa: S303 - tests only, for speed
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
MEDIA_ROOT = BASE_DIR / ".test-media"
AUDIT_CHECKPOINT_PATH = MEDIA_ROOT / "audit" / "checkpoints.jsonl"
WHITENOISE_AUTOREFRESH = True
# Tests talk plain HTTP to the test client and the live server.
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
# Tasks run at once, inside the request that queues them, so tests need no worker. The
# database backend and its worker are exercised by answerable/imports/tests/test_worker.py.
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
