"""Django settings of the staff console, read from the project's one configuration.

Values come from ``assistant.settings``: the process environment, then the untracked
``.env``, then the defaults in ``assistant/settings.py``. ``CONSOLE_PRODUCTION=true``
switches on HTTPS-only cookies, HSTS and the SSL redirect (see the README).
"""

from __future__ import annotations

from pathlib import Path

from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from assistant.settings import Settings
from console.database_url import database_from_url

SETTINGS = Settings.load()
ENV = SETTINGS.env
BASE_DIR = Path(__file__).resolve().parent


SECRET_KEY = ENV.get("CONSOLE_SECRET_KEY", "")
if not SECRET_KEY:
    raise ImproperlyConfigured(
        "CONSOLE_SECRET_KEY is not set: `make run` or `python -m console.manage` generates one into .env."
    )

PRODUCTION = SETTINGS.console_production
DEBUG = SETTINGS.console_debug and not PRODUCTION
ALLOWED_HOSTS = SETTINGS.words("CONSOLE_ALLOWED_HOSTS")
CSRF_TRUSTED_ORIGINS = SETTINGS.words("CONSOLE_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "console.staff",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "console.urls"
WSGI_APPLICATION = "console.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "console.staff.roles.role_context",
                "console.staff.triage.urgent_context",
            ],
        },
    },
]

# Our own tables, and Rasa's tracker store read as a second database (never migrated).
DATABASES = {
    "default": database_from_url(ENV["CONSOLE_DATABASE_URL"]),
    "tracker": database_from_url(ENV["TRACKER_STORE_URL"]),
}
DATABASE_ROUTERS = ["console.routers.TrackerStoreRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "staff:login"
LOGIN_REDIRECT_URL = "staff:home"
LOGOUT_REDIRECT_URL = "staff:login"

LANGUAGE_CODE = "th"
LANGUAGES = [("th", _("Thai")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "staff" / "locale"]
TIME_ZONE = ENV["CONSOLE_TIME_ZONE"]
USE_I18N = True
USE_TZ = True

# Sessions end with the browser and after 8 hours; cookies are HTTP-only.
SESSION_COOKIE_AGE = 8 * 60 * 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = True
    SECURE_HSTS_SECONDS = 31536000
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    # Behind a TLS proxy (nginx) that sets this header.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

STATIC_URL = "static/"

# What the console needs from the rest of the project.
RASA_URL = ENV["CONSOLE_RASA_URL"].rstrip("/")
RASA_API_TOKEN = ENV.get("RASA_API_TOKEN", "")
LOGIN_FAILURES = SETTINGS.integer("CONSOLE_LOGIN_FAILURES")
LOGIN_WINDOW_SECONDS = SETTINGS.integer("CONSOLE_LOGIN_WINDOW_SECONDS")
QUEUE_REFRESH_SECONDS = SETTINGS.integer("CONSOLE_QUEUE_REFRESH_SECONDS")
RETENTION_DAYS = SETTINGS.retention_days
LINE_EVENT_RETENTION_DAYS = SETTINGS.line_event_retention_days

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "INFO" if not DEBUG else "DEBUG"},
}
