"""Settings shared by every environment. Values that differ come from config.env."""

from __future__ import annotations

from pathlib import Path

from django.utils.translation import gettext_lazy as _

from config.env import env

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(env.str("LOKET_VAR_DIR", str(BASE_DIR / "var")))

SECRET_KEY = env.str("DJANGO_SECRET_KEY", "insecure-development-key-change-me")
DEBUG = env.bool("DJANGO_DEBUG", False)
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", ["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "config.admin.LoketAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "template_partials",
    "ninja",
    "django.contrib.humanize",
    "loket.core",
    "loket.offices",
    "loket.applicants",
    "loket.payments",
    "loket.notifications",
    "loket.applications",
    "loket.booking",
    "loket.queueing",
    "loket.feedback",
    "loket.reports",
    "loket.planning",
    "loket.pickup",
    "loket.outreach",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "loket.core.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "loket.core.middleware.ApplicationErrorMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "loket.core.context_processors.loket",
            ],
        },
    },
]

DATABASES = {"default": env.database("DATABASE_URL", str(VAR_DIR / "loket.sqlite3"))}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# Database connections one dashboard or periodic report reads on at once (PostgreSQL
# only; 1: one query after the other). Such a request holds one more than this: its own
# keeps the snapshot the others read.
REPORTS_PARALLEL_QUERIES = env.int("LOKET_REPORTS_PARALLEL_QUERIES", 2)
# Covering indexes (INCLUDE) are for PostgreSQL; SQLite, the development default, just
# indexes the key columns, which is all it needs.
SILENCED_SYSTEM_CHECKS = ["models.W040"]

AUTH_USER_MODEL = "core.User"
LOGIN_URL = "core:login"
LOGIN_REDIRECT_URL = "core:home"
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Login throttling (loket.core.throttle): failures per username and per IP in a window.
LOGIN_MAX_FAILURES = env.int("LOKET_LOGIN_MAX_FAILURES", 5)
LOGIN_FAILURE_WINDOW_SECONDS = env.int("LOKET_LOGIN_FAILURE_WINDOW_SECONDS", 900)

LANGUAGE_CODE = "id"
LANGUAGES = [("id", _("Bahasa Indonesia")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
USE_TZ = True
# Storage is UTC; every office carries its own zone (WIB/WITA/WIT) for local dates.
TIME_ZONE = env.timezone("LOKET_DEFAULT_TIME_ZONE", "Asia/Jakarta")

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = VAR_DIR / "staticfiles"
# Uploads live outside the web root and are served only through views that check access.
MEDIA_ROOT = Path(env.str("LOKET_MEDIA_ROOT", str(VAR_DIR / "private-media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

EMAIL_BACKEND = env.str("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = env.str("EMAIL_HOST", "127.0.0.1")
EMAIL_PORT = env.int("EMAIL_PORT", 1025)
EMAIL_HOST_USER = env.str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env.str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", "Loket <noreply@loket.invalid>")
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", 20)
# The site's public address, for links in emails (no request at hand in background work).
LOKET_PUBLIC_URL = env.str("LOKET_PUBLIC_URL", "http://127.0.0.1:8000")
LOKET_COMPLAINT_MAX_PER_IP = env.int("LOKET_COMPLAINT_MAX_PER_IP", 10)
LOKET_COMPLAINT_WINDOW_SECONDS = env.int("LOKET_COMPLAINT_WINDOW_SECONDS", 3600)
LOKET_SURVEY_INVITATION_DAYS = env.int("LOKET_SURVEY_INVITATION_DAYS", 30)
# SMS / WhatsApp gateway (HTTP JSON). Empty URL: the local SIMULATOR records messages instead.
LOKET_SMS_GATEWAY_URL = env.str("LOKET_SMS_GATEWAY_URL", "")
LOKET_SMS_GATEWAY_TOKEN = env.str("LOKET_SMS_GATEWAY_TOKEN", "")

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

NINJA_PAGINATION_PER_PAGE = 50
NINJA_PAGINATION_MAX_LIMIT = 200

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOKET_LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # 4xx answers (a full session, a wrong field) are expected outcomes, answered with a
        # clear message; logging each one floods the log at a quota release. 5xx still logs.
        "django.request": {"level": "ERROR"},
    },
}
CSRF_FAILURE_VIEW = "loket.core.views.error_csrf"
