"""What the bench scripts share: paths, database URLs and Django set-up."""

import os
import sys
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
SCALES = ("small", "national")
# A fixed secret for the benchmark server only; never used anywhere else.
BENCH_SECRET_KEY = "bench-only-not-a-secret-0123456789-abcdefghijklmnopqrstuvwxyz"  # noqa: S105 - benchmark-only, on a local database


def default_database_url(scale: str) -> str:
    return f"sqlite:///{RESULTS / f'bench-{scale}.sqlite3'}"


def database_label(url: str) -> str:
    """A short name for the database: the SQLite file's stem or the PostgreSQL database name."""
    parsed = urlparse(url)
    if parsed.scheme.startswith("sqlite"):
        return Path(parsed.path).stem
    return f"{parsed.scheme.split('+')[0]}-{parsed.path.lstrip('/')}"


def sqlite_path(url: str) -> Path | None:
    parsed = urlparse(url)
    if not parsed.scheme.startswith("sqlite"):
        return None
    return Path(parsed.path)


def accounts_path(url: str) -> Path:
    """Where generate.py writes the known accounts for run.py, beside the results."""
    return RESULTS / f"{database_label(url)}.accounts.json"


def server_env(url: str) -> dict[str, str]:
    """Environment for the app, in this process and in the gunicorn it starts: production-like."""
    return {
        "DATABASE_URL": url,
        "DJANGO_SETTINGS_MODULE": "config.settings.base",
        "DJANGO_DEBUG": "false",
        "DJANGO_SECRET_KEY": BENCH_SECRET_KEY,
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_SECURE_SSL_REDIRECT": "false",
        "DJANGO_SECURE_COOKIES": "false",
        "DJANGO_LOG_LEVEL": "ERROR",
        # The public API answers an address 120 times a minute, then 429; every request here
        # comes from 127.0.0.1, so the limit is lifted to measure the API itself.
        "PUBLIC_API_RATE": "1000000/min",
    }


def django_setup(url: str) -> None:
    """Point Django at the benchmark database and set it up in this process."""
    RESULTS.mkdir(parents=True, exist_ok=True)
    os.environ.update(server_env(url))
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    import warnings

    import django

    # WhiteNoise warns when staticfiles/ has not been collected; the benchmark serves no assets.
    warnings.filterwarnings("ignore", message="No directory at", module="whitenoise.base")
    django.setup()
