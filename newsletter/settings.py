"""Configuration, read from environment variables (the README lists them all)."""

import os
import secrets
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("VAR_DIR", BASE_DIR / "var"))
DEV_SECRET_KEY = "dev-only-secret-key-not-for-production"


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG")
SECRET_KEY = os.environ.get("SECRET_KEY", "" if not DEBUG else DEV_SECRET_KEY)
if not DEBUG and SECRET_KEY in ("", DEV_SECRET_KEY):
    raise ImproperlyConfigured(
        "Set SECRET_KEY to a long random value (or DEBUG=true for local development)."
    )
# Suppression hashes must survive a SECRET_KEY rotation, so they may have their own key.
SUPPRESSION_HASH_KEY = os.environ.get("SUPPRESSION_HASH_KEY", SECRET_KEY)

SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
_site = urlsplit(SITE_URL)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS") or [_site.hostname or "127.0.0.1"]
if DEBUG:
    ALLOWED_HOSTS += ["127.0.0.1", "localhost", "[::1]"]
CSRF_TRUSTED_ORIGINS = [f"{_site.scheme}://{_site.netloc}"]
ALLOWED_EMBED_ORIGINS = env_list("ALLOWED_EMBED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "corsheaders",
    "anymail",
    "axes",
    "django_htmx",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "ninja",
    "newsletter",
]

MIDDLEWARE = [
    "newsletter.observability.logs.RequestId",
    "newsletter.views.health.Probes",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "corsheaders.middleware.CorsMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "newsletter.workspace.access.AdminSecondFactor",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into its lockout answer.
    "axes.middleware.AxesMiddleware",
]

# Every page: our own scripts, styles and images only; nothing from another origin.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF, CSP.UNSAFE_INLINE],  # style attributes in a few staff pages
    "img-src": [CSP.SELF, "data:"],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.SELF],
}

# Staff logins are throttled (django-axes): after LOGIN_FAILURE_LIMIT wrong passwords for one
# username, or from one client address, further tries are refused for LOGIN_LOCKOUT_HOURS.
# Administrators see and lift lockouts in the admin ("Access attempts").
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = int(os.environ.get("LOGIN_FAILURE_LIMIT", "10"))
AXES_COOLOFF_TIME = float(os.environ.get("LOGIN_LOCKOUT_HOURS", "1"))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "newsletter.views.common.client_ip"
AXES_VERBOSE = False

ROOT_URLCONF = "newsletter.urls"
WSGI_APPLICATION = "newsletter.wsgi.application"

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
            ],
        },
    },
]

if "DATABASE_URL" not in os.environ:
    VAR_DIR.mkdir(parents=True, exist_ok=True)
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'newsletter.sqlite3'}"),
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "60")),
    )
}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # Writers queue at BEGIN instead of failing mid-transaction, so two dispatchers on one
    # machine take turns (PostgreSQL uses SELECT ... FOR UPDATE SKIP LOCKED instead).
    DATABASES["default"].setdefault("OPTIONS", {})["transaction_mode"] = "IMMEDIATE"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
CACHES = {
    "default": {
        "BACKEND": "newsletter.cache.RedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", "newsletter"),
    }
}

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
# Production serves collected files (`manage.py collectstatic`); DEBUG serves them from the app.
STATIC_ROOT = None if DEBUG else VAR_DIR / "static"
WHITENOISE_USE_FINDERS = DEBUG
# Production serves hashed, compressed copies (long cache lifetimes); DEBUG and tests the files.
STATICFILES_BACKEND = (
    "django.contrib.staticfiles.storage.StaticFilesStorage"
    if DEBUG
    else "whitenoise.storage.CompressedManifestStaticFilesStorage"
)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": STATICFILES_BACKEND},
}
LOGIN_URL = "workspace:login"
LOGIN_REDIRECT_URL = "workspace:sequences"
# Staff sessions end STAFF_SESSION_HOURS after logging in; a password change ends every other
# session of that user (Django's session auth hash; the changing session is kept).
STAFF_SESSION_HOURS = float(os.environ.get("STAFF_SESSION_HOURS", "12"))
SESSION_COOKIE_AGE = int(STAFF_SESSION_HOURS * 3600)
# Staff give a code from an authenticator app (or a recovery code) after the password:
# "required" (the default without DEBUG) or "off" (the default with DEBUG).
STAFF_2FA = os.environ.get("STAFF_2FA", "off" if DEBUG else "required").strip().lower()
if STAFF_2FA not in ("required", "off"):
    raise ImproperlyConfigured("STAFF_2FA must be 'required' or 'off'.")
OTP_TOTP_ISSUER = "Newsletter workspace"

# Production hardening; `manage.py check --deploy` passes with DEBUG off.
if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    if env_bool("BEHIND_TLS_PROXY"):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SILENCED_SYSTEM_CHECKS = [] if SECURE_HSTS_PRELOAD else ["security.W021"]
SECURE_REFERRER_POLICY = "same-origin"

# Cross-origin subscribe form: CORS is answered only for the practice's own blogs, which
# views.subscribe.embed_cors_allowed reads on every request (the workspace's list plus
# ALLOWED_EMBED_ORIGINS).
CORS_URLS_REGEX = r"^/subscribe/$"
CORS_ALLOWED_ORIGINS: list[str] = []
CORS_ALLOW_METHODS = ["POST", "OPTIONS"]

# Rate limits (django-ratelimit syntax: count/period with s, m, h or d).
RATELIMIT_SUBSCRIBE_PER_CLIENT = os.environ.get("RATELIMIT_SUBSCRIBE_PER_CLIENT", "20/h")
RATELIMIT_SUBSCRIBE_PER_ADDRESS = os.environ.get("RATELIMIT_SUBSCRIBE_PER_ADDRESS", "3/h")
RATELIMIT_IP_META_KEY = os.environ.get("RATELIMIT_IP_META_KEY") or None
CONFIRMATION_RESEND_MINUTES = int(os.environ.get("CONFIRMATION_RESEND_MINUTES", "5"))
CONFIRMATION_MAX_AGE_DAYS = 7
# Confirmation emails per hour for the whole site (0: no ceiling); past it they wait.
CONFIRMATION_EMAILS_PER_HOUR = int(os.environ.get("CONFIRMATION_EMAILS_PER_HOUR", "300"))
IMPORT_CONFIRMATIONS_PER_HOUR = int(os.environ.get("IMPORT_CONFIRMATIONS_PER_HOUR", "100"))
# Requests never confirmed are deleted this many days after the last one (a daily beat task).
PENDING_RETENTION_DAYS = int(os.environ.get("PENDING_RETENTION_DAYS", "30"))
# Sent emails' personal detail is folded into per-email counts after this many days (daily).
DETAIL_RETENTION_DAYS = int(os.environ.get("DETAIL_RETENTION_DAYS", "400"))

# Celery: tasks are idempotent, so acknowledge late and requeue on a lost worker.
CELERY_BROKER_URL = REDIS_URL
CELERY_RESULT_BACKEND = None
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER")
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_WORKER_HIJACK_ROOT_LOGGER = False  # task logs use LOGGING below (JSON in production)


# No open pixel and no click redirect through the provider, whatever the account's default:
# set on every message for the ESPs whose anymail backend can switch them off (the others
# refuse the options; the README says where to turn tracking off in their accounts).
NO_ESP_TRACKING = {"track_opens": False, "track_clicks": False}
ESP_TRACKING_SWITCHES = {
    "mailersend",
    "mailgun",
    "mailjet",
    "mandrill",
    "postmark",
    "sendgrid",
    "sparkpost",
    "unisender_go",
}


def mailers_from_env() -> tuple[dict, dict]:
    """MAILERS and ANYMAIL settings from ESP / EMAIL_URL, else the on-disk outbox."""
    anymail = {
        key.removeprefix("ANYMAIL_"): value
        for key, value in os.environ.items()
        if key.startswith("ANYMAIL_")
    }
    esp = os.environ.get("ESP", "").strip().lower()
    email_url = os.environ.get("EMAIL_URL", "").strip()
    if esp:
        backend = {"BACKEND": f"anymail.backends.{esp}.EmailBackend"}
        if esp in ESP_TRACKING_SWITCHES:
            anymail.setdefault(f"{esp.upper()}_SEND_DEFAULTS", dict(NO_ESP_TRACKING))
    elif email_url:
        backend = smtp_mailer(email_url)
    else:
        backend = {
            "BACKEND": "newsletter.mail.outbox.EmailBackend",
            "OPTIONS": {"directory": str(VAR_DIR / "outbox")},
        }
    return {"default": backend}, anymail


def smtp_mailer(url: str) -> dict:
    parts = urlsplit(url)
    if parts.scheme not in {"smtp", "smtps", "submission"}:
        raise ImproperlyConfigured("EMAIL_URL must look like smtp://user:password@host:port")
    query = parse_qs(parts.query)
    options = {
        "host": parts.hostname or "localhost",
        "port": parts.port or (465 if parts.scheme == "smtps" else 25),
        "username": unquote(parts.username or ""),
        "password": unquote(parts.password or ""),
        "use_ssl": parts.scheme == "smtps",
        "use_tls": parts.scheme == "submission" or "tls" in query,
        "timeout": 30,
    }
    return {"BACKEND": "django.core.mail.backends.smtp.EmailBackend", "OPTIONS": options}


MAILERS, ANYMAIL = mailers_from_env()
# Tracking webhooks stay closed until the operator sets ANYMAIL_WEBHOOK_SECRET="user:password"
# (also given to the ESP): nobody else may report an address as bounced.
ANYMAIL.setdefault("WEBHOOK_SECRET", secrets.token_urlsafe(32) + ":" + secrets.token_urlsafe(32))
# Recipients per batch API call; only ESPs that emails.merge_field_format() knows batch at all.
ANYMAIL_BATCH_SIZES = {
    "sendgrid": 1000,
    "postmark": 500,
    "mailgun": 1000,
    "brevo": 1000,
    "amazon_ses": 50,
    "resend": 100,
}
# The ESP backend in use (ESP=postmark, ...), or "" for SMTP / the outbox.
ESP_NAME = os.environ.get("ESP", "").strip().lower()

# The sending engine (newsletter/dispatch.py and newsletter/sending.py).
SEND_CHUNK_SIZE = int(os.environ.get("SEND_CHUNK_SIZE", "200"))
# PostgreSQL: the ledger is analysed again after this many new rows from one process, so a
# big broadcast does not leave the planner believing queued rows are rare (delivery/bulk.py).
LEDGER_ANALYZE_EVERY = int(os.environ.get("LEDGER_ANALYZE_EVERY", "20000"))
SEND_RATE_PER_SECOND = float(os.environ.get("SEND_RATE_PER_SECOND", "10"))
SEND_RATE_ACCOUNT = os.environ.get("SEND_RATE_ACCOUNT", ESP_NAME or "smtp")
SEND_MAX_ATTEMPTS = int(os.environ.get("SEND_MAX_ATTEMPTS", "5"))
SEND_RETRY_BASE_SECONDS = float(os.environ.get("SEND_RETRY_BASE_SECONDS", "30"))
SEND_RETRY_MAX_SECONDS = float(os.environ.get("SEND_RETRY_MAX_SECONDS", "300"))
SEND_AUTO_PAUSE_AFTER = int(os.environ.get("SEND_AUTO_PAUSE_AFTER", "10"))
SEND_REQUEUE_AFTER_SECONDS = int(os.environ.get("SEND_REQUEUE_AFTER_SECONDS", "120"))
SEND_STALE_AFTER_SECONDS = int(os.environ.get("SEND_STALE_AFTER_SECONDS", "600"))
# How long a worker keeps retrying to record what it sent while the database is unreachable.
SEND_RECORD_PATIENCE_SECONDS = float(
    os.environ.get("SEND_RECORD_PATIENCE_SECONDS", str(min(120, SEND_STALE_AFTER_SECONDS / 2)))
)
# Temporary bounces in a row (no delivery between) after which an address counts as bounced.
SOFT_BOUNCE_LIMIT = int(os.environ.get("SOFT_BOUNCE_LIMIT", "3"))
# Shared secret a scheduling tool sends in the X-Booking-Secret header; empty turns the hook off.
BOOKING_HOOK_SECRET = os.environ.get("BOOKING_HOOK_SECRET", "")
# Booking tools' own webhooks: each is off until its key is set.
CALENDLY_SIGNING_KEY = os.environ.get("CALENDLY_SIGNING_KEY", "")
CALCOM_WEBHOOK_SECRET = os.environ.get("CALCOM_WEBHOOK_SECRET", "")
# The mailto half of List-Unsubscribe; the practice's reply-to (else its sender) when unset.
UNSUBSCRIBE_MAILTO = os.environ.get("UNSUBSCRIBE_MAILTO", "")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", f"newsletter@{_site.hostname}")

# REST API at /api/v1/: requests per token (`count/period`); outbound webhooks.
API_RATE_LIMIT = os.environ.get("API_RATE_LIMIT", "600/h")
# Tests and development may post webhooks to loopback or private addresses over plain http.
WEBHOOKS_ALLOW_PRIVATE = env_bool("WEBHOOKS_ALLOW_PRIVATE", False)
WEBHOOK_TIMEOUT_SECONDS = float(os.environ.get("WEBHOOK_TIMEOUT_SECONDS", "10"))

# /metrics answers only `Authorization: Bearer $METRICS_TOKEN`; without a token it is a 404.
METRICS_TOKEN = os.environ.get("METRICS_TOKEN", "")

# JSON lines in production, readable lines in development; no email address in either.
LOG_FORMAT = os.environ.get("LOG_FORMAT", "console" if DEBUG else "json").strip().lower()
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "structured": {
            "()": "newsletter.observability.logs.formatter",
            "json": LOG_FORMAT == "json",
        }
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "structured"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
}
