"""Settings shared by every environment; values that differ come from the environment."""

from pathlib import Path

import environ
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()
env.read_env(BASE_DIR / ".env")  # optional; real environment variables win

SECRET_KEY = env("SECRET_KEY", default="")
DEBUG = env.bool("DEBUG", default=False)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django.forms",  # its widget templates, found through TEMPLATES (see FORM_RENDERER)
    "django_filters",
    "simple_history",
    "import_export",
    "axes",
    "django_tasks_db",
    "django_ratelimit",
    "rest_framework",
    "drf_spectacular",
    "corsheaders",
    "core",
    "careers",
    "programs",
    "finder",
    "representatives",
    "corrections",
    "search",
    "api",
]

MIDDLEWARE = [
    "core.middleware.RequestLogMiddleware",
    "corsheaders.middleware.CorsMiddleware",  # /api/ only (CORS_URLS_REGEX)
    "django.middleware.security.SecurityMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # The path's language, before anything here answers with a page of its own (503, 400, 403).
    "core.i18n.LocaleFromPathMiddleware",
    "core.middleware.DatabaseUnavailableMiddleware",
    "core.middleware.RejectNulBytesMiddleware",
    "core.crossorigin.CrossOriginProtectionMiddleware",
    # Cached public pages are answered here; the middleware below never runs for them.
    "core.pagecache.PageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "axes.middleware.AxesMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
]

# Widgets render through TEMPLATES, so templates/django/forms/ can override Django's own.
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

ROOT_URLCONF = "directory.urls"
WSGI_APPLICATION = "directory.wsgi.application"

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
                "django.template.context_processors.csp",
                "finder.context_processors.selections",
                "core.i18n.languages",
            ],
        },
    },
]

# SQLite file by default; DATABASE_URL (postgres://...) selects PostgreSQL through psycopg 3.
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# REDIS_URL selects the shared Redis cache; local memory otherwise (one process only).
# Rate-limit counters have a cache of their own: while Redis is down they are counted per
# process (core/cache.py CountersCache), so public forms stay open.
REDIS_URL = env("REDIS_URL", default="")
# Short socket timeouts: a Redis that stalls is treated as down (core/cache.py) after half
# a second, rather than holding a page for redis-py's default of several seconds per call.
REDIS_OPTIONS = {"socket_connect_timeout": 0.5, "socket_timeout": 0.5}
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "core.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "directory",
            "OPTIONS": REDIS_OPTIONS,
        },
        "counters": {
            "BACKEND": "core.cache.CountersCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "directory-counters",
            "OPTIONS": REDIS_OPTIONS,
        },
    }
    # Django's own Redis backend increments atomically, which is what django-ratelimit needs;
    # the library's list of supported backends just predates it.
    SILENCED_SYSTEM_CHECKS = ["django_ratelimit.W001"]
else:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
        "counters": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "counters",
        },
    }
    # Local memory counts rate limits per process: right for one dev server, not for production.
    SILENCED_SYSTEM_CHECKS = ["django_ratelimit.E003", "django_ratelimit.W001"]
RATELIMIT_USE_CACHE = "counters"

# Whole public pages kept in the cache for visitors without a session (core/pagecache.py);
# every edit or import makes them stale at once. 0 turns the page cache off.
# Work done after the response (finder/tasks.py: facet recounts): at once, in the request, by
# default (development, tests); production runs `manage.py db_worker` with
# TASKS_BACKEND=django_tasks_db.DatabaseBackend (docs/deploy.md).
TASKS = {
    "default": {
        "BACKEND": env("TASKS_BACKEND", default="django.tasks.backends.immediate.ImmediateBackend")
    }
}

PAGE_CACHE_SECONDS = env.int("PAGE_CACHE_SECONDS", default=600)
PAGE_CACHE_MAX_BYTES = env.int("PAGE_CACHE_MAX_BYTES", default=256 * 1024)  # larger: not stored
# How long a browser or a shared cache (nginx, a CDN) keeps a public page before revalidating it
# with its ETag (docs/deploy.md); an edit shows there within this time.
PAGE_MAX_AGE = env.int("PAGE_MAX_AGE", default=60)
# How long an app server trusts the tag versions it read (core/pagecache.py): an edit through
# another app server shows on this one's cached pages within this time.
PAGE_CACHE_VERSION_CHECK_SECONDS = env.float("PAGE_CACHE_VERSION_CHECK_SECONDS", default=1.0)

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

# English at the paths the site always had, Spanish under /es/ (core/i18n.py, docs/i18n.md).
LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("es", "Español")]
LOCALE_PATHS = [BASE_DIR / "locale"]
# Spanish numbers and dollars as US Spanish-language sites write them (core/formats/es).
FORMAT_MODULE_PATH = ["core.formats"]
# Paths outside i18n_patterns: one language (English) only.
UNTRANSLATED_PATH_PREFIXES = (
    "/admin/",
    "/sitemap",
    "/robots.txt",
    "/static/",
    "/healthz",
    "/favicon.ico",
    "/api/",
    "/developers/",
    "/downloads/",
)
TIME_ZONE = "America/New_York"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
FIXTURE_DIRS = [BASE_DIR / "fixtures"]

# Where the import commands find the real data shipped with the repository.
DATA_DIR = BASE_DIR / "fixtures"

# Email: every message is queued in the database and sent after the response or by
# `manage.py send_queued_email` (core/mail.py). EMAIL_BACKEND picks the mailer: the console by
# default here, SMTP in production; the file backend writes to EMAIL_FILE_PATH.
SMTP_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
FILE_BACKEND = "django.core.mail.backends.filebased.EmailBackend"


def mailer(backend: str) -> dict:
    """A MAILERS entry for `backend`, with the options it needs from the environment."""
    options = {}
    if backend == SMTP_BACKEND:
        options = {
            "host": env("EMAIL_HOST", default="localhost"),
            "port": env.int("EMAIL_PORT", default=587),
            "username": env("EMAIL_HOST_USER", default=""),
            "password": env("EMAIL_HOST_PASSWORD", default=""),
            "use_tls": env.bool("EMAIL_USE_TLS", default=True),
            "timeout": env.int("EMAIL_TIMEOUT", default=10),
        }
    elif backend == FILE_BACKEND:
        options = {"file_path": env("EMAIL_FILE_PATH", default=str(BASE_DIR / "sent-emails"))}
    return {"BACKEND": backend, "OPTIONS": options}


CONSOLE_BACKEND = "django.core.mail.backends.console.EmailBackend"
MAILERS = {"default": mailer(env("EMAIL_BACKEND", default=CONSOLE_BACKEND))}
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="editors@localhost")

# Content Security Policy: everything from this site only, no inline scripts or styles.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "object-src": [CSP.NONE],
}

# Security headers sent in every environment (production adds HSTS and secure cookies).
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
PERMISSIONS_POLICY = {
    feature: []
    for feature in (
        "accelerometer", "camera", "geolocation", "gyroscope", "magnetometer",
        "microphone", "payment", "usb",
    )
}  # fmt: skip

# Public forms: small bodies only, and a limit per client through the shared cache.
DATA_UPLOAD_MAX_MEMORY_SIZE = 64 * 1024
DATA_UPLOAD_MAX_NUMBER_FIELDS = 50
CORRECTIONS_RATE_LIMIT = env("CORRECTIONS_RATE_LIMIT", default="10/h")
REPRESENTATIVE_RATE_LIMIT = env("REPRESENTATIVE_RATE_LIMIT", default="5/h")
REPRESENTATIVE_SCHOOL_RATE_LIMIT = env("REPRESENTATIVE_SCHOOL_RATE_LIMIT", default="10/h")
# Downloads of the listing as CSV (/programs/export.csv) per client address.
EXPORT_RATE_LIMIT = env("EXPORT_RATE_LIMIT", default="30/h")

# Admin login: lock out a username + address pair after repeated failures (django-axes).
# Behind a reverse proxy the connection is the proxy's: the visitor's address is the header the
# proxy sets (e.g. HTTP_X_REAL_IP from nginx, docs/deploy.md). Set it only when the app servers
# can be reached through the proxy alone, or visitors could choose their own address.
CLIENT_ADDRESS_HEADER = env("CLIENT_ADDRESS_HEADER", default="")
RATELIMIT_IP_META_KEY = "core.ratelimits.client_address"
AXES_CLIENT_IP_CALLABLE = "core.ratelimits.client_address"
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = 1  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_VERBOSE = False
AXES_LOCKOUT_CALLABLE = "core.ratelimits.admin_lockout_response"  # the 429 page, Retry-After
# Admin sign-in attempts per client address, whatever usernames it tries.
ADMIN_LOGIN_RATE_LIMIT = env("ADMIN_LOGIN_RATE_LIMIT", default="20/h")

# Logs on stdout, one JSON object per line (core/logformat.py): one line per request
# (core.middleware.RequestLogMiddleware) and the site's own messages. `directory` doesn't
# propagate, so a root handler (production's) never prints its lines a second time.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "core.logformat.JSONFormatter"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "json",
            "stream": "ext://sys.stdout",
        }
    },
    "loggers": {
        "directory": {
            "handlers": ["console"],
            "level": env("LOG_LEVEL", default="INFO"),
            "propagate": False,
        },
    },
}

# The open-data API (api/, docs/api.md): read-only JSON, anyone may read it from any origin.
REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": [],
    "DEFAULT_AUTHENTICATION_CLASSES": [],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "UNAUTHENTICATED_USER": None,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Allied Health Training Directory API",
    "VERSION": "1.0.0",
    "OAS_VERSION": "3.1.0",
    "SERVE_INCLUDE_SCHEMA": False,
}
# Requests a client address may make to the API (DRF's rate syntax: "300/m").
API_RATE_LIMIT = env("API_RATE_LIMIT", default="300/m")
CORS_URLS_REGEX = r"^/api/.*$"
CORS_ALLOW_ALL_ORIGINS = True
CORS_ALLOW_METHODS = ["GET", "HEAD", "OPTIONS"]
CORS_EXPOSE_HEADERS = ["ETag", "Retry-After", "Link"]
# The bulk downloads (api/downloads.py): rebuilt by `manage.py build_downloads`, served at
# /downloads/ (nginx can serve the folder itself: docs/deploy.md).
DOWNLOADS_ROOT = Path(env("DOWNLOADS_ROOT", default=str(BASE_DIR / "var" / "downloads")))
# Every import rebuilds them, as a task after it (api/apps.py).
DOWNLOADS_AFTER_IMPORT = env.bool("DOWNLOADS_AFTER_IMPORT", default=True)
