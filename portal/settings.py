"""Sésame settings: one file, read from the environment (django-environ).

Defaults serve development on a bare machine: SQLite, tasks run in-process, e-mails written to
files under var/mail and readable in the browser by staff. Production sets DEBUG=false and the
variables listed in .env.example.
"""

import os
import sys
from pathlib import Path

import environ
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
if (BASE_DIR / ".env").exists():
    environ.Env.read_env(BASE_DIR / ".env")

DEBUG = env.bool("DEBUG", default=True)
# Under pytest: a fast password hasher and plain static storage.
TESTING = env.bool("SESAME_TESTING", default="pytest" in sys.modules)
SECRET_KEY = env.str(
    "SECRET_KEY", default="dev-only-insecure-key-change-me" if DEBUG else environ.Env.NOTSET
)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
# The port `make run PORT=…` serves on: in development, e-mailed links follow it.
PORT = env.int("PORT", default=8000)
SITE_URL = env.str("SITE_URL", default=f"http://127.0.0.1:{PORT}").rstrip("/")
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[SITE_URL])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.forms",
    "django_htmx",
    "common",  # template filters shared by pages and e-mails (common/templatetags)
    "import_export",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "anymail",
    "notifications",
    "accounts",
    "delegation",
    "approvals",
    "imports",
    "portal",  # project-level commands (seed_demo) that span every app
]

MIDDLEWARE = [
    "portal.middleware.ApiFastPathMiddleware",  # /api/: only what the machine API needs
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "portal.middleware.NoStoreWhenSignedInMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "accounts.middleware.PasswordChangeRequiredMiddleware",
    "delegation.middleware.CurrentCompanyMiddleware",
    "portal.middleware.ContentSecurityPolicyMiddleware",
]

# The machine API (key-authenticated, JSON) skips the portal's middleware it does not use:
# about a third of the CPU of a sender check on a sync worker (bench/README.md).
API_PATH_PREFIX = "/api/"
API_SKIPPED_MIDDLEWARE = [
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "portal.middleware.NoStoreWhenSignedInMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "accounts.middleware.PasswordChangeRequiredMiddleware",
    "delegation.middleware.CurrentCompanyMiddleware",
]

ROOT_URLCONF = "portal.urls"
FORM_RENDERER = "portal.forms.SesameFormRenderer"
WSGI_APPLICATION = "portal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            # Template tags of the shared bottom package (not an app of its own).
            "libraries": {"wrapping": "common.templatetags.wrapping"},
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "delegation.context_processors.current_company",
                "notifications.context_processors.inbox",
                "approvals.context_processors.esecure",
            ],
        },
    },
    {
        # The text parts and subjects of e-mails: plain text, so nothing is HTML-escaped.
        "NAME": "email_text",
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "OPTIONS": {"autoescape": False},
    },
]

# --- Database -----------------------------------------------------------------------------
VAR_DIR = Path(env.str("SESAME_VAR_DIR", default=str(BASE_DIR / "var")))
if "DATABASE_URL" not in os.environ:
    VAR_DIR.mkdir(parents=True, exist_ok=True)  # the default SQLite file lives here
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'sesame.sqlite3'}")}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Persistent connections; no `SELECT 1` health check at the start of each request (a round
    # trip on every API call): a connection that failed in a request is closed at its end anyway,
    # so after a database restart each worker loses at most one request.
    DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("DB_CONN_MAX_AGE", default=600))
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = env.bool("DB_CONN_HEALTH_CHECKS", default=False)
    # The machine API's statements are prepared by PostgreSQL after this many executions on a
    # connection (common/sql.py; Django's own cursors bind on the client and never prepare).
    # "off" behind a pgbouncer in transaction mode older than 1.21 (no prepared statements).
    _prepare = env.str("DB_PREPARE_THRESHOLD", default="1")
    DATABASES["default"].setdefault("OPTIONS", {})["prepare_threshold"] = (
        None if _prepare.lower() in ("", "off", "none") else int(_prepare)
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Caches (rate limits of allauth live here) ---------------------------------------------
REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- Users, sign-in, passwords ------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "portal:home"
LOGOUT_REDIRECT_URL = "account_login"
# Where a signed-in person without a selected company goes (the lower apps name no upper URL).
COMPANY_SELECT_URL = "delegation:company-select"

PASSWORD_MIN_LENGTH = env.int("PASSWORD_MIN_LENGTH", default=12)
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": PASSWORD_MIN_LENGTH},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
if TESTING:
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
PASSWORD_RESET_TIMEOUT = env.int("PASSWORD_RESET_TIMEOUT", default=60 * 60 * 24)

# allauth: sign-in by username or e-mail; accounts are created by admins, never by sign-up.
ACCOUNT_LOGIN_METHODS = {"username", "email"}
ACCOUNT_SIGNUP_FIELDS = ["username*", "email*", "password1*", "password2*"]
ACCOUNT_ADAPTER = "accounts.adapters.AccountAdapter"
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_PRESERVE_USERNAME_CASING = False
ACCOUNT_SESSION_REMEMBER = None
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_RATE_LIMITS = {
    # Failed sign-ins per client address and per account, and reset requests.
    "login_failed": env.str("LOGIN_FAILED_RATE_LIMIT", default="10/m/ip,5/5m/key"),
    "reset_password": "20/m/ip,5/m/key",
}
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Sésame"

# --- Internationalisation ------------------------------------------------------------------
LANGUAGE_CODE = "fr"
LANGUAGES = [
    ("fr", _("Français")),
    ("en", _("English")),
    ("nl", _("Nederlands")),
    ("de", _("Deutsch")),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
# The portal's one clock: pages, CSV files and e-mails show times in this zone.
TIME_ZONE = env.str("TIME_ZONE", default="Europe/Brussels")
# Day/month/year and a 24-hour clock in every language (portal/formats/en: not the US order).
FORMAT_MODULE_PATH = ["portal.formats"]
USE_I18N = True
USE_TZ = True

# --- Static files --------------------------------------------------------------------------
STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG or TESTING
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
MEDIA_ROOT = VAR_DIR / "media"
WHITENOISE_USE_FINDERS = DEBUG or TESTING
WHITENOISE_AUTOREFRESH = DEBUG or TESTING
if DEBUG or TESTING:
    STATIC_ROOT.mkdir(exist_ok=True)  # WhiteNoise warns when the folder is missing

# --- E-mail --------------------------------------------------------------------------------
EMAIL_BACKEND = env.str("EMAIL_BACKEND", default="django.core.mail.backends.filebased.EmailBackend")
EMAIL_FILE_PATH = env.str("EMAIL_FILE_PATH", default=str(VAR_DIR / "mail"))
EMAIL_HOST = env.str("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env.str("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env.str("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Sésame <no-reply@sesame.example>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Provider settings for django-anymail: every ANYMAIL_<NAME> variable becomes ANYMAIL["<NAME>"],
# e.g. EMAIL_BACKEND=anymail.backends.postmark.EmailBackend with ANYMAIL_POSTMARK_SERVER_TOKEN.
ANYMAIL = {k.removeprefix("ANYMAIL_"): v for k, v in os.environ.items() if k.startswith("ANYMAIL_")}
EMAIL_MAX_ATTEMPTS = env.int("EMAIL_MAX_ATTEMPTS", default=6)
# Seconds one network operation with the SMTP server may block (Django's default: forever).
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=30)
# An e-mail queued, or claimed by a worker, this long without being sent is taken as lost (worker
# killed, task message lost) and sent again; keep it well above EMAIL_TIMEOUT.
EMAIL_STALE_SECONDS = env.int("EMAIL_STALE_SECONDS", default=300)
# A new eSecure request still unnotified this long after its creation lost its task (worker
# killed before its commit): it is queued again.
ESECURE_NOTIFY_STALE_SECONDS = env.int("ESECURE_NOTIFY_STALE_SECONDS", default=120)

# --- Celery --------------------------------------------------------------------------------
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = False
CELERY_RESULT_BACKEND = None
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_DEFAULT_QUEUE = env.str("CELERY_TASK_DEFAULT_QUEUE", default="sesame")
# Celery's Django fixup closes the database connection around every task unless told to reuse it.
CELERY_DB_REUSE_MAX = env.int("CELERY_DB_REUSE_MAX", default=1000)
# Rows an import job handles per transaction (each chunk commits its effects and outcomes).
IMPORT_CHUNK_SIZE = env.int("IMPORT_CHUNK_SIZE", default=250)
CELERY_BEAT_SCHEDULE = {
    "email-retry-stale": {
        "task": "notifications.tasks.email_retry_stale",
        "schedule": max(1.0, min(300.0, EMAIL_STALE_SECONDS / 3)),
    },
    "esecure-expire-requests": {"task": "approvals.tasks.requests_expire", "schedule": 3600.0},
    "esecure-notify-stale": {
        "task": "approvals.tasks.requests_notify_stale",
        "schedule": max(1.0, min(300.0, ESECURE_NOTIFY_STALE_SECONDS / 3)),
    },
    "router-rights-end": {"task": "delegation.tasks.router_rights_end_due", "schedule": 3600.0},
    "router-rights-remind": {"task": "delegation.tasks.router_rights_remind", "schedule": 3600.0},
    "provider-access-expire": {
        "task": "delegation.tasks.provider_accesses_expire",
        "schedule": 3600.0,
    },
    "imports-requeue-stale": {"task": "imports.tasks.import_jobs_requeue_stale", "schedule": 300.0},
    "imports-purge-rows": {"task": "imports.tasks.import_rows_purge", "schedule": 3600.0},
    "provider-access-end": {
        "task": "delegation.tasks.provider_accesses_end_due",
        "schedule": 3600.0,
    },
    "provider-access-remind": {
        "task": "delegation.tasks.provider_accesses_remind",
        "schedule": 3600.0,
    },
}
CELERY_TIMEZONE = TIME_ZONE
# Beat's state file (last run of each periodic task); beat rebuilds it from the schedule above.
CELERY_BEAT_SCHEDULE_FILENAME = env.str(
    "CELERY_BEAT_SCHEDULE_FILENAME", default=str(VAR_DIR / "celerybeat-schedule")
)

# --- Security ------------------------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "frame-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'self'; "
    "object-src 'none'"
)
if not DEBUG:
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    # false only for a local stack served over plain http (make stack), never in production.
    SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=True)
    CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=True)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django": {"level": env.str("LOG_LEVEL", default="INFO")},
        "django.db.backends": {"level": "WARNING"},
    },
}

# --- Sésame --------------------------------------------------------------------------------
# A regenerated API key keeps working this long, so that integrations can switch.
API_KEY_GRACE_HOURS = env.int("API_KEY_GRACE_HOURS", default=24)
# Advanced-user invitation links are valid this long.
INVITATION_VALID_HOURS = env.int("INVITATION_VALID_HOURS", default=48)
# eSecure: e-mailed decision links and pending access requests expire after these many days.
ESECURE_LINK_EXPIRY_DAYS = env.int("ESECURE_LINK_EXPIRY_DAYS", default=14)
ESECURE_REQUEST_EXPIRY_DAYS = env.int("ESECURE_REQUEST_EXPIRY_DAYS", default=30)
# Provider access (Swiss Post): an offer waits this many days for an answer, then expires; an
# administrator may offer provider access to this many addresses per hour.
PROVIDER_ACCESS_VALID_DAYS = env.int("PROVIDER_ACCESS_VALID_DAYS", default=30)
PROVIDER_OFFERS_PER_HOUR = env.int("PROVIDER_OFFERS_PER_HOUR", default=20)
# A person may ask companies for provider access this many times per hour (asked by customer
# account number, so that the form cannot be used to probe many numbers).
PROVIDER_REQUESTS_PER_HOUR = env.int("PROVIDER_REQUESTS_PER_HOUR", default=5)
SUPPORT_EMAIL = env.str("SUPPORT_EMAIL", default="support@sesame.example")
SUPPORT_PHONE = env.str("SUPPORT_PHONE", default="+32 2 201 11 11")
