"""Settings for the test suite (SQLite unless DATABASE_URL points at PostgreSQL)."""

from config.env import env
from config.settings.base import *  # noqa: F403
from config.settings.base import VAR_DIR

DEBUG = False
SECRET_KEY = "test-secret-key-not-for-production"  # noqa: S105
# Fast hashing in tests; production uses Argon2 (asserted in tests of base settings).
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
MEDIA_ROOT = VAR_DIR / "test-media"
ALLOWED_HOSTS = ["*"]
DATABASES = {"default": env.database("DATABASE_URL", ":memory:")}
