"""Settings for the beneficiary relations portal.

One module. Every value that differs between the embedded default (``make run``), CI and production
comes from an environment variable; ``.env.example`` lists them all. With no variable set the portal
runs on SQLite under ``var/`` with an embedded Celery broker, so a fresh clone starts at once.
"""

import os
from pathlib import Path

import dj_database_url
import fontpkg_amiri
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("VAR_DIR", BASE_DIR / "var"))


def envstr(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def envbool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    if value.lower() in ("1", "true", "yes", "on"):
        return True
    if value.lower() in ("0", "false", "no", "off"):
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (1/0, true/false), not {value!r}")


def envint(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be an integer, not {value!r}") from None


def envlist(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


# Off unless asked for: `make run` (embedded mode) and the test settings set DEBUG=1 themselves.
DEBUG = envbool("DEBUG", False)

_DEV_SECRET = "embedded-mode-only-insecure-key-change-me-in-production-0123456789"


def production_secret_key(value: str) -> str:
    """The key production may start with: long, varied, and not a placeholder or the embedded key.

    Sessions, password-reset links, form tokens and signed values all rest on it, so a guessable key is
    refused at start-up rather than warned about by ``check --deploy``."""
    if not value:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off")
    lowered = value.lower()
    if value == _DEV_SECRET or "change-me" in lowered or "changeme" in lowered or lowered.startswith("django-insecure"):
        raise ImproperlyConfigured("SECRET_KEY is a placeholder or the embedded-mode key; generate a real one")
    if len(value) < 50 or len(set(value)) < 5:
        raise ImproperlyConfigured("SECRET_KEY must be at least 50 random characters when DEBUG is off")
    return value


SECRET_KEY = (envstr("SECRET_KEY") or _DEV_SECRET) if DEBUG else production_secret_key(envstr("SECRET_KEY"))

# Encryption at rest of national IDs, IBANs, health notes and incomes (association.kernel.crypto).
# FIELD_ENCRYPTION_KEYS: comma-separated ``[key_id:]base64`` 32-byte keys, the first encrypts, all decrypt;
# BLIND_INDEX_KEY: the HMAC key of the exact-lookup hashes. Losing them is losing the data (README).
# Development only (DEBUG): fixed keys, so `make run` and the tests start with nothing set.
_DEV_FIELD_KEYS = ["dev:ZW1iZWRkZWQtbW9kZS1vbmx5LWZpZWxkLWtleS0wMDE="]
_DEV_BLIND_KEY = "ZW1iZWRkZWQtbW9kZS1vbmx5LWJsaW5kaW5kZXgtMDE="


def field_encryption_keys(entries: list[str], blind_key: str, debug: bool) -> tuple[list[str], str]:
    """The encryption keys and the blind-index key the portal may start with.

    Without DEBUG both are required, well-formed, random, not the development keys and not the same key:
    a missing key would store new values in clear or make the stored ones unreadable, so start-up stops."""
    from association.kernel.crypto import decode_key, parse_keyring

    if debug:
        entries, blind_key = entries or _DEV_FIELD_KEYS, blind_key or _DEV_BLIND_KEY
    elif not entries:
        raise ImproperlyConfigured("FIELD_ENCRYPTION_KEYS must be set when DEBUG is off")
    elif not blind_key:
        raise ImproperlyConfigured("BLIND_INDEX_KEY must be set when DEBUG is off")
    try:
        keys = parse_keyring(entries)
        blind = decode_key(blind_key, "BLIND_INDEX_KEY")
    except ValueError as exc:
        raise ImproperlyConfigured(str(exc)) from None
    if not debug:
        development = {raw for _id, raw in parse_keyring(_DEV_FIELD_KEYS)} | {decode_key(_DEV_BLIND_KEY, "")}
        if any(raw in development for _id, raw in keys) or blind in development:
            raise ImproperlyConfigured(
                "FIELD_ENCRYPTION_KEYS / BLIND_INDEX_KEY: the development keys; generate real ones"
            )
        if any(raw == blind for _id, raw in keys):
            raise ImproperlyConfigured("BLIND_INDEX_KEY must differ from every FIELD_ENCRYPTION_KEYS key")
    return entries, blind_key


FIELD_ENCRYPTION_KEYS, BLIND_INDEX_KEY = field_encryption_keys(
    envlist("FIELD_ENCRYPTION_KEYS"), envstr("BLIND_INDEX_KEY"), DEBUG
)

ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS")
SITE_URL = envstr("SITE_URL", "http://127.0.0.1:8000")

INSTALLED_APPS = [
    "association.admin_site.PortalAdminConfig",  # django.contrib.admin, safe on bad filters and actions
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "association.axes_app.AxesConfig",  # django-axes, named in Arabic in the admin
    "crispy_forms",
    "crispy_bootstrap5",
    "import_export",
    "django_htmx",
    "bootstrap",
    "csp",
    "django_otp",
    "association.otp_app.OtpTotpConfig",  # django-otp TOTP devices, named in Arabic in the admin
    "association",
    "beneficiaries",
    "requests_app",
    "surveys",
    "channels_log",
    "programs",
    "selfservice",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "association.middleware.RejectNulBytesMiddleware",  # 400 for %00 in a path or query, before any view
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    # Staff with a TOTP device give its code; STAFF_2FA_REQUIRED_ROLES are sent to enrolment (association.two_factor).
    "association.two_factor.TwoFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "csp.middleware.CSPMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "association.urls"
WSGI_APPLICATION = "association.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "association.context_processors.portal",
            ],
            "builtins": ["association.templatetags.portal"],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        envstr("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'portal.sqlite3'}",
        conn_max_age=envint("DB_CONN_MAX_AGE", 60),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Embedded mode: the web threads and the Celery worker write to one file. SQLite has one writer at a
    # time; what keeps concurrent writes from failing with "database is locked":
    # - WAL: readers never block the writer and the writer never blocks readers;
    # - IMMEDIATE transactions: a transaction takes the write lock when it begins, so it waits (up to
    #   the busy timeout) instead of failing when a read lock cannot be upgraded half-way through;
    # - a busy timeout ("timeout", seconds) long enough for a queue of writers (each takes milliseconds);
    # - synchronous=NORMAL, safe with WAL (a power cut may lose the last commits, never corrupt the file).
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 30,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = envstr("REDIS_URL")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# With Redis, a session is read from it (written to both): one database query less on every page.
SESSION_ENGINE = "django.contrib.sessions.backends." + ("cached_db" if REDIS_URL else "db")

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    # ModelBackend with each user's permissions cached until a grant changes (association.kernel.memo).
    "association.kernel.permissions.PortalModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# How many reverse proxies stand in front of the portal and append to X-Forwarded-For (0: none, the
# client connects directly). association.kernel.client.client_address reads it; the log-in lockout and every
# throttle use that one address.
TRUSTED_PROXIES = envint("TRUSTED_PROXIES", 0)
if TRUSTED_PROXIES < 0:
    raise ImproperlyConfigured("TRUSTED_PROXIES must be 0 or more")

AXES_FAILURE_LIMIT = envint("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = envint("AXES_COOLOFF_MINUTES", 30) / 60  # hours
# Failures count per (username, address) pair: wrong passwords from one address lock that address out
# of that account, never the real user elsewhere.
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_CLIENT_IP_CALLABLE = "association.kernel.client.client_address"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_VERBOSE = False

LANGUAGE_CODE = "ar"
LANGUAGES = [("ar", _("Arabic")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "Asia/Riyadh"
USE_TZ = True
# «1,500.00», not the Arabic locale's «1500,00», wherever Django localises a number (association.kernel.numbers).
FORMAT_MODULE_PATH = ["association.formats"]

STATIC_URL = "/static/"
# Its own variable: the Docker image collects static files at build time, outside the VAR_DIR volume.
STATIC_ROOT = Path(envstr("STATIC_ROOT") or VAR_DIR / "static")
# The Amiri font is served from its installed package (fontpkg-amiri), never copied into the repo.
STATICFILES_DIRS = [BASE_DIR / "static", ("fonts/amiri", Path(fontpkg_amiri.__file__).parent / "files")]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(envstr("MEDIA_ROOT") or VAR_DIR / "media")
# Uploaded documents: checked by content (magic bytes), not by extension.
DOCUMENT_MAX_BYTES = envint("DOCUMENT_MAX_MB", 10) * 1024 * 1024
# The research committee decides no sooner than this many days after submission, unless the approved
# policy says otherwise (requests_app.services.decision_window_days reads it).
DEFAULT_DECISION_WINDOW_DAYS = envint("DEFAULT_DECISION_WINDOW_DAYS", 14)
DATA_UPLOAD_MAX_MEMORY_SIZE = 12 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# Uploaded documents and the embedded database hold people's data: readable by the portal's own user
# only (association.apps makes the SQLite file so too).
FILE_UPLOAD_PERMISSIONS = 0o600
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o700

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

IMPORT_EXPORT_USE_TRANSACTIONS = True

# Security. Production (DEBUG off) turns on HTTPS-only cookies and HSTS unless told otherwise.
# X-Forwarded-Proto says "this came over HTTPS" only when a proxy we run sets it and strips the client's
# own: trusted when configured (docker-compose's reverse proxy does), never by default.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if envbool("TRUST_X_FORWARDED_PROTO", False) else None
SECURE_SSL_REDIRECT = envbool("SECURE_SSL_REDIRECT", not DEBUG)
SESSION_COOKIE_SECURE = envbool("SESSION_COOKIE_SECURE", not DEBUG)
CSRF_COOKIE_SECURE = envbool("CSRF_COOKIE_SECURE", not DEBUG)
SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", 0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_HSTS_SECONDS > 0
SECURE_HSTS_PRELOAD = envbool("SECURE_HSTS_PRELOAD", SECURE_HSTS_SECONDS >= 31536000)
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = envint("SESSION_COOKIE_AGE", 8 * 3600)
X_FRAME_OPTIONS = "DENY"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "style-src": ["'self'"],
        "script-src": ["'self'"],
        "font-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    }
}

# Embedded default: each email a file under var/mail (like SMS in var/sms), not printed over the console.
EMAIL_BACKEND = envstr("EMAIL_BACKEND", "django.core.mail.backends.filebased.EmailBackend")
EMAIL_FILE_PATH = envstr("EMAIL_FILE_PATH") or str(VAR_DIR / "mail")
EMAIL_HOST = envstr("EMAIL_HOST", "localhost")
EMAIL_PORT = envint("EMAIL_PORT", 25)
EMAIL_HOST_USER = envstr("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = envstr("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = envbool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = envstr("DEFAULT_FROM_EMAIL", "portal@localhost")

# Outgoing messages (channels_log.messaging.services). SMS: file (embedded default), console, http, or a dotted path.
SMS_BACKEND = envstr("SMS_BACKEND", "file")
SMS_FILE_PATH = envstr("SMS_FILE_PATH") or str(VAR_DIR / "sms" / "outbox.jsonl")
SMS_SENDER = envstr("SMS_SENDER", "Association")
SMS_GATEWAY_URL = envstr("SMS_GATEWAY_URL")
SMS_GATEWAY_USER = envstr("SMS_GATEWAY_USER")
SMS_GATEWAY_PASSWORD = envstr("SMS_GATEWAY_PASSWORD")
SMS_GATEWAY_BODY_TEMPLATE = envstr(
    "SMS_GATEWAY_BODY_TEMPLATE", '{"to": "$to", "text": "$text", "reference": "$key", "sender": "$sender"}'
)
SMS_GATEWAY_CONTENT_TYPE = envstr("SMS_GATEWAY_CONTENT_TYPE", "application/json")
SMS_GATEWAY_ID_FIELD = envstr("SMS_GATEWAY_ID_FIELD", "id")
SMS_GATEWAY_TIMEOUT = envint("SMS_GATEWAY_TIMEOUT", 15)
# A message stuck in `sending` this long is sent again with the same key (must exceed the gateway timeout).
MESSAGING_LEASE_SECONDS = envint("MESSAGING_LEASE_SECONDS", 120)
MESSAGING_REQUEUE_AFTER_SECONDS = envint("MESSAGING_REQUEUE_AFTER_SECONDS", 300)
MESSAGING_MAX_ATTEMPTS = envint("MESSAGING_MAX_ATTEMPTS", 5)
MESSAGING_RETRY_BASE_SECONDS = envint("MESSAGING_RETRY_BASE_SECONDS", 30)
MESSAGING_SWEEP_SECONDS = envint("MESSAGING_SWEEP_SECONDS", 60)

# Staff two-factor sign-in (TOTP, association.two_factor): the roles that must use it ("superuser" for
# admins). Production (DEBUG off) requires it of managers and admins unless set; the embedded demo and the
# tests (DEBUG on) leave it to each user unless set. Everyone may enrol from their menu.
STAFF_2FA_REQUIRED_ROLES = envlist("STAFF_2FA_REQUIRED_ROLES", "" if DEBUG else "manager,superuser")
OTP_TOTP_ISSUER = envstr("OTP_TOTP_ISSUER", "Beneficiary portal")

# Cases the portal opens itself (the public /contact/ form, low-score survey follow-ups) are assigned to
# this username. Unset, or not an active user who handles cases: to the relations officer with the
# fewest open cases (channels_log.cases.services.case_duty_officer).
PUBLIC_CASES_DUTY_OFFICER = envstr("PUBLIC_CASES_DUTY_OFFICER")

# Celery. Embedded default: kombu's filesystem transport under var/broker (no Redis needed).
CELERY_BROKER_URL = envstr("CELERY_BROKER_URL") or "filesystem://"
if CELERY_BROKER_URL.startswith("filesystem://"):
    _broker_dir = VAR_DIR / "broker"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir / "out"),
        "data_folder_out": str(_broker_dir / "out"),
        "processed_folder": str(_broker_dir / "processed"),
        "control_folder": str(_broker_dir / "control"),
        "store_processed": False,
    }
else:
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
CELERY_TASK_ALWAYS_EAGER = envbool("CELERY_TASK_ALWAYS_EAGER", False)
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
# Periodic sweeps, in code. Each finds in the database what is due, so a lost broker loses nothing.
CELERY_BEAT_SCHEDULE: dict[str, dict] = {}
CELERY_BEAT_SCHEDULE["requests_app.reminders_sweep"] = {
    "task": "requests_app.tasks.requests_reminders_sweep",
    "schedule": 15 * 60.0,
}
CELERY_BEAT_SCHEDULE["surveys.sweep_survey_invitations"] = {
    "task": "surveys.tasks.sweep_survey_invitations",
    "schedule": 15 * 60.0,
}
CELERY_BEAT_SCHEDULE["channels_log.sweep_messages"] = {
    "task": "channels_log.tasks.sweep_messages",
    "schedule": float(MESSAGING_SWEEP_SECONDS),
}
CELERY_BEAT_SCHEDULE["channels_log.escalate_overdue_cases"] = {
    "task": "channels_log.tasks.escalate_overdue_cases",
    "schedule": 15 * 60.0,
}
CELERY_BEAT_SCHEDULE["programs.permit_expiry_sweep"] = {
    "task": "programs.tasks.permit_expiry_sweep",
    "schedule": 6 * 3600.0,
}
CELERY_BEAT_SCHEDULE["beneficiaries.retention_sweep"] = {
    "task": "beneficiaries.tasks.retention_sweep",
    "schedule": 24 * 3600.0,
}
CELERY_BEAT_SCHEDULE["beneficiaries.subject_requests_escalate"] = {
    "task": "beneficiaries.tasks.subject_requests_escalate",
    "schedule": 3600.0,
}
CELERY_BEAT_SCHEDULE["association.breach_reminders"] = {
    "task": "association.tasks.breach_reminders",
    "schedule": 3600.0,
}
CELERY_BEAT_SCHEDULE["association.form_tokens_sweep"] = {
    "task": "association.tasks.form_tokens_sweep",
    "schedule": 24 * 3600.0,
}
CELERY_BEAT_SCHEDULE["association.policy_review_reminders_sweep"] = {
    "task": "association.tasks.policy_review_reminders_sweep",
    "schedule": 6 * 3600.0,
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": envstr("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "axes": {"level": "WARNING"},
        "weasyprint": {"level": "ERROR"},
        "fontTools": {"level": "WARNING"},
    },
}
