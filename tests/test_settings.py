"""The settings a newcomer and an operator meet: what runs without a secret key, what refuses."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _run(args, tmp_path, **env):
    """Run Python in a clean environment: production settings, no secret key."""
    clean = {
        "PATH": os.environ["PATH"],
        "HOME": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "config.settings.base",
        "DJANGO_DEBUG": "false",
        "DJANGO_SECRET_KEY": "",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        **env,
    }
    return subprocess.run(  # noqa: S603 - our own interpreter and manage.py
        [sys.executable, *args], cwd=ROOT, env=clean, capture_output=True, text=True, timeout=120
    )


def test_makemigrations_check_runs_without_a_secret_key(tmp_path):
    result = _run(["manage.py", "makemigrations", "--check", "--dry-run"], tmp_path)
    assert result.returncode == 0, result.stderr
    assert "No changes detected" in result.stdout


def test_the_site_refuses_to_start_without_a_secret_key(tmp_path):
    result = _run(["-c", "import config.wsgi"], tmp_path)
    assert result.returncode != 0
    assert "The SECRET_KEY setting must not be empty" in result.stderr
    started = _run(["-c", "import config.wsgi"], tmp_path, DJANGO_SECRET_KEY="x" * 60)
    assert started.returncode == 0, started.stderr


def test_each_worker_keeps_its_own_cache_unless_a_cache_url_names_a_shared_one(tmp_path):
    show = ["-c", "from django.conf import settings; print(settings.CACHES['default']['BACKEND'])"]
    own = _run(show, tmp_path, DJANGO_SECRET_KEY="x" * 60)
    assert own.stdout.strip() == "django.core.cache.backends.locmem.LocMemCache", own.stderr
    shared = _run(
        show, tmp_path, DJANGO_SECRET_KEY="x" * 60, DJANGO_CACHE_URL="redis://127.0.0.1:6379/1"
    )
    assert shared.stdout.strip() == "django.core.cache.backends.redis.RedisCache", shared.stderr


def test_gunicorns_settings_give_requests_longer_than_its_default_timeout():
    """The production config is valid for gunicorn and gives each request 60 s, not 30 s."""
    import runpy

    from gunicorn.config import Config

    values = runpy.run_path(str(ROOT / "config" / "gunicorn.conf.py"))
    config = Config()
    for name in ("bind", "workers", "timeout", "graceful_timeout", "keepalive", "max_requests"):
        config.set(name, values[name])
    assert config.timeout == 60 > Config().timeout
    assert config.workers >= 2
