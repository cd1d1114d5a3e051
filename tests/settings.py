"""Test settings: a test secret, Redis database 15 and anymail's test backend."""

import os
import tempfile

os.environ.setdefault("DEBUG", "true")
os.environ.setdefault("SECRET_KEY", "test-secret-key-for-the-test-suite-only")
os.environ.setdefault("REDIS_URL", os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15"))
os.environ.setdefault("VAR_DIR", tempfile.mkdtemp(prefix="newsletter-test-var-"))

from newsletter.settings import *  # noqa: E402,F403

MAILERS = {"default": {"BACKEND": "anymail.backends.test.EmailBackend"}}
CELERY_TASK_ALWAYS_EAGER = True
CELERY_TASK_EAGER_PROPAGATES = True
CACHES["default"]["KEY_PREFIX"] = "newsletter-test"  # noqa: F405
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# The live server's threads must not keep connections open, or the test database cannot be dropped.
DATABASES["default"]["CONN_MAX_AGE"] = 0  # noqa: F405
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):  # noqa: F405
    # A file rather than memory: Django shares one in-memory connection between the test and
    # every live-server thread, and two overlapping requests (htmx) then break it.
    DATABASES["default"]["TEST"] = {"NAME": os.path.join(os.environ["VAR_DIR"], "test.sqlite3")}  # noqa: F405
# The send rate limiter still runs through Redis in tests, just never makes anyone wait.
SEND_RATE_PER_SECOND = 100_000
BOOKING_HOOK_SECRET = "test-booking-secret"
CALENDLY_SIGNING_KEY = "test-calendly-signing-key"
CALCOM_WEBHOOK_SECRET = "test-calcom-secret"
STAFF_2FA = "off"  # the two-factor tests turn it on
# Tests travel days ahead while logged in; tests/test_staff_passwords.py checks the 12 hours.
SESSION_COOKIE_AGE = 30 * 24 * 3600
