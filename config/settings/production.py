"""Production: PostgreSQL, secrets and hosts from the environment, HTTPS-only cookies."""

from django.core.exceptions import ImproperlyConfigured

from config.env import env
from config.settings.base import *  # noqa: F403
from config.settings.base import SECRET_KEY

DEBUG = False
if SECRET_KEY.startswith("insecure-") or len(SECRET_KEY) < 40:
    raise ImproperlyConfigured(
        "DJANGO_SECRET_KEY must be set to a random value of at least 40 characters in production."
    )
if not env.str("DATABASE_URL", ""):
    raise ImproperlyConfigured("DATABASE_URL must point to PostgreSQL in production.")

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", True)
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
