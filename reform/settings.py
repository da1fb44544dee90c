"""Settings, driven by environment variables (see README.md, "Configuration").

SQLite in the project folder is the default; PostgreSQL is set with DATABASE_URL.
"""

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def envbool(name: str, default: str) -> bool:
    return os.getenv(name, default).strip().lower() in ("1", "true", "yes", "on")


def envint(name: str, default: str) -> int:
    return int(os.getenv(name, default))


def envlist(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.getenv(name, default).split(",") if item.strip()]


DEBUG = envbool("DEBUG", "False")
# The fallback key is only for DEBUG runs on a developer's machine; check --deploy flags it.
SECRET_KEY = os.getenv("SECRET_KEY", "django-insecure-dev-only-key-change-me")
ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_filters",
    "django_tables2",
    "simple_history",
    "axes",
    "django_tasks",
    "django_tasks_db",
    "reform",
    "pilots",
    "clusters",
    "demonstration",
    "promotion",
    "dashboards",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    # /healthz before the host check (a load balancer calls it by address); see reform/health.py.
    "reform.health.HealthCheckMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # A stored file that vanished behind the site's back: an explaining 404, not a 500.
    "reform.storage.FileGoneMiddleware",
    # Last, as django-axes asks: it must see the outcome of the authentication.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "reform.urls"
WSGI_APPLICATION = "reform.wsgi.application"

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
                "reform.context_processors.navigation",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.getenv("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=envint("DB_CONN_MAX_AGE", "60"),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    # WAL lets the dashboards read while an import writes.
    DATABASES["default"].setdefault("OPTIONS", {})["init_command"] = (
        "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"
    )
    DATABASES["default"]["OPTIONS"]["transaction_mode"] = "IMMEDIATE"
elif DATABASES["default"]["ENGINE"].endswith("postgresql") and envbool(
    "DB_PREPARED_STATEMENTS", "True"
):
    # PostgreSQL plans a statement the dashboards run again and again once per connection
    # instead of on every page (psycopg prepares it on its fifth run; parameters are bound by the
    # server). Off (DB_PREPARED_STATEMENTS=False) behind a pooler in transaction mode that does
    # not keep prepared statements (PgBouncer before 1.21).
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        server_side_binding=True, prepare_threshold=5
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# The cache of computed figures (reform/figures.py): local memory of each process by default;
# Redis (redis://host:6379/0) when several app servers should share it. CACHE_URL, or REDIS_URL.
CACHE_URL = os.getenv("CACHE_URL") or os.getenv("REDIS_URL") or "locmem://"
if CACHE_URL.startswith(("redis://", "rediss://", "unix://")):
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": CACHE_URL,
            "KEY_PREFIX": "reform",
        }
    }
    # Sessions read from the shared cache (written through to the database): one query less per
    # page view. Not with a cache of each process's own: a session ended on one would live on in
    # the others.
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
elif CACHE_URL == "locmem://":
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "OPTIONS": {"MAX_ENTRIES": 1000},
        }
    }
elif CACHE_URL == "dummy://":
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
else:
    raise ImproperlyConfigured(
        "CACHE_URL must be redis://…, rediss://…, unix://…, locmem:// or dummy://."
    )
# How long a computed page part is kept at most (0: no caching). Every write through the site
# makes the cached parts obsolete at once; this bounds what a change made outside it (by hand
# in the database) leaves stale, unless `manage.py data_changed` is run after it.
FIGURES_CACHE_SECONDS = envint("FIGURES_CACHE_SECONDS", "600")

AUTH_USER_MODEL = "reform.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
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
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "dashboards:landing"
LOGOUT_REDIRECT_URL = "login"
# A refused form (an expired page, a blocked cookie) gets a page of the site, not Django's.
CSRF_FAILURE_VIEW = "reform.errors.csrf_failure"

# Sign-in lockout (django-axes; reform/signin.py): failures of one user name on one address lock
# that name there (nobody elsewhere can lock a user out); failures of one address under any names
# lock the address (password spraying). Tries during a lock are not recorded, so they do not
# extend it: the cool-off counts from the failure that locked.
AXES_FAILURE_LIMIT = envint("AXES_FAILURE_LIMIT", "5")
AXES_IP_FAILURE_LIMIT = envint("AXES_IP_FAILURE_LIMIT", "20")
AXES_COOLOFF_TIME = envint("AXES_COOLOFF_MINUTES", "15") / 60  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "ip_address"]
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_RESET_ON_SUCCESS = True
AXES_HANDLER = "reform.signin.LockoutHandler"
AXES_LOCKOUT_CALLABLE = "reform.signin.lockout_response"
# The client address: the N-th X-Forwarded-For entry from the right behind N reverse proxies;
# REMOTE_ADDR (and no header) with none. The variable keeps the name the README always gave it;
# the setting may not (axes warns about a setting called AXES_PROXY_COUNT).
REVERSE_PROXY_COUNT = envint("AXES_PROXY_COUNT", "0")
AXES_CLIENT_IP_CALLABLE = "reform.signin.client_address"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = os.getenv("TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.getenv("STATIC_ROOT", BASE_DIR / "staticfiles"))
MEDIA_ROOT = Path(os.getenv("MEDIA_ROOT", BASE_DIR / "media"))
# Where uploads, import previews, undo logs and attached files are kept (reform/storage.py):
# "database" (production default: every app server reads them, one backup holds them),
# "s3" (S3-compatible object storage) or "local" (MEDIA_ROOT; the DEBUG default only).
FILE_STORAGE = os.getenv("FILE_STORAGE", "local" if DEBUG else "database").strip().lower()
FILE_STORAGES = {
    "database": {"BACKEND": "reform.storage.DatabaseStorage"},
    "local": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "s3": {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": os.getenv("S3_BUCKET", ""),
            "endpoint_url": os.getenv("S3_ENDPOINT_URL") or None,
            "region_name": os.getenv("S3_REGION") or None,
            "access_key": os.getenv("S3_ACCESS_KEY_ID") or None,
            "secret_key": os.getenv("S3_SECRET_ACCESS_KEY") or None,
            "location": os.getenv("S3_PREFIX", ""),
            "addressing_style": os.getenv("S3_ADDRESSING_STYLE") or None,
            "signature_version": "s3v4",
            # Private objects under names that are never reused: files are served by views
            # that check the scope, never by a bucket URL.
            "default_acl": "private",
            "file_overwrite": False,
            "querystring_auth": True,
        },
    },
}
if FILE_STORAGE not in FILE_STORAGES:
    raise ImproperlyConfigured(
        f"FILE_STORAGE={FILE_STORAGE!r}: use one of {', '.join(sorted(FILE_STORAGES))}."
    )
if FILE_STORAGE == "s3" and not os.getenv("S3_BUCKET"):
    raise ImproperlyConfigured("FILE_STORAGE=s3 needs S3_BUCKET (and usually S3_ENDPOINT_URL).")
STORAGES = {
    "default": FILE_STORAGES[FILE_STORAGE],
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
# Tests and DEBUG runs serve files straight from the finders, no collectstatic needed.
WHITENOISE_USE_FINDERS = envbool("WHITENOISE_USE_FINDERS", "True" if DEBUG else "False")

# Security: production values unless DEBUG is on.
SECURE_SSL_REDIRECT = envbool("SECURE_SSL_REDIRECT", "False" if DEBUG else "True")
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# The health check answers over plain HTTP too: a load balancer checks app servers directly.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SESSION_COOKIE_SECURE = envbool("SESSION_COOKIE_SECURE", "False" if DEBUG else "True")
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = envint("SESSION_COOKIE_AGE", str(8 * 3600))
SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", "0" if DEBUG else "31536000")
SECURE_HSTS_INCLUDE_SUBDOMAINS = envbool("SECURE_HSTS_INCLUDE_SUBDOMAINS", "True")
SECURE_HSTS_PRELOAD = envbool("SECURE_HSTS_PRELOAD", "False")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SILENCED_SYSTEM_CHECKS = envlist("SILENCED_SYSTEM_CHECKS", "")
if not SECURE_HSTS_PRELOAD:
    # Preloading is a browser-vendor list an intranet site cannot join; not a gap.
    SILENCED_SYSTEM_CHECKS.append("security.W021")

# Content-Security-Policy: everything from this site only, no inline script.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

DJANGO_TABLES2_TEMPLATE = "django_tables2/bootstrap5-responsive.html"
# The most rows a list page shows, whatever `?per_page=` asks (reform/paging.py).
LIST_MAX_PER_PAGE = envint("LIST_MAX_PER_PAGE", "200")
DJANGO_TABLES2_TABLE_ATTRS = {"class": "table"}

# Uploads (Excel import): limits are settings, the defaults are the work plan's sizes.
IMPORT_MAX_BYTES = envint("IMPORT_MAX_BYTES", str(10 * 1024 * 1024))
IMPORT_MAX_ROWS = envint("IMPORT_MAX_ROWS", "50000")
# An upload, confirm or undo of more rows than this runs as a background task (reform/jobs.py).
IMPORT_BACKGROUND_ROWS = envint("IMPORT_BACKGROUND_ROWS", "2000")
DATA_UPLOAD_MAX_MEMORY_SIZE = IMPORT_MAX_BYTES + 1024 * 1024
# Files people attach (evidence, photos, write-ups; reform/files.py).
ATTACHMENT_MAX_BYTES = envint("ATTACHMENT_MAX_BYTES", str(20 * 1024 * 1024))
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024

# An export of the enterprise or pilot list of more rows than this is written by a background
# task (its page shows the rows done and left, then the file). Measured on the province data
# set: about 5,000 rows take a second to write as .xlsx (README, "Background tasks").
EXPORT_BACKGROUND_ROWS = envint("EXPORT_BACKGROUND_ROWS", "5000")
# The case collection (.docx) of more selected cases than this is made by a background task.
COLLECTION_BACKGROUND_CASES = envint("COLLECTION_BACKGROUND_CASES", "20")
# Background tasks (reform/jobs.py): the Django Tasks API (backport django-tasks) with its
# database backend, so SQLite and PostgreSQL both work and no other server is needed. Workers:
# `manage.py db_worker` (dev.py serve starts one; README, "Deployment").
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
# A running task that recorded no progress for this many minutes is shown as failed (its worker
# died); the page offers to run it again.
JOBS_STALE_MINUTES = envint("JOBS_STALE_MINUTES", "5")
# `manage.py clear_jobs` removes finished tasks older than this, with the files they made.
JOBS_KEEP_DAYS = envint("JOBS_KEEP_DAYS", "30")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.getenv("LOG_LEVEL", "INFO")},
    "loggers": {"axes": {"level": "WARNING"}},
}
