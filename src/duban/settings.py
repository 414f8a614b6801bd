"""Duban settings: one module, driven by DUBAN_* environment variables (see README.md)."""

import datetime as dt
import secrets
from pathlib import Path

from csp.constants import NONE, SELF, UNSAFE_INLINE
from django.utils.translation import gettext_lazy

from duban.env import (
    ConfigError,
    env_bool,
    env_database,
    env_int,
    env_list,
    env_path,
    env_str,
    env_url,
)

PACKAGE_DIR = Path(__file__).resolve().parent

DEBUG = env_bool("DUBAN_DEBUG", False)
DATA_DIR = env_path("DUBAN_DATA_DIR", Path.cwd() / "var")
DATA_DIR.mkdir(mode=0o700, parents=True, exist_ok=True)


def _secret_key() -> str:
    """DUBAN_SECRET_KEY, or a random key kept in DATA_DIR so sessions survive restarts."""
    key = env_str("DUBAN_SECRET_KEY")
    if key:
        if len(key) < 50 or len(set(key)) < 5:
            raise ConfigError("DUBAN_SECRET_KEY is too weak: use at least 50 random characters")
        return key
    key_file = DATA_DIR / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(64))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


SECRET_KEY = _secret_key()
ALLOWED_HOSTS = env_list("DUBAN_ALLOWED_HOSTS", ["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env_list("DUBAN_CSRF_TRUSTED_ORIGINS", [])
# The address people open Duban at, for links that leave the site (calendar feeds); by
# default the address each request came in on.
SITE_URL = env_url("DUBAN_SITE_URL")

INSTALLED_APPS = [
    "duban.core",
    "duban.org",
    "duban.notify",
    "duban.supervision",
    "duban.partners",
    "duban.resources",
    "duban.people",
    "duban.leads",
    "duban.projects",
    "duban.aftersales",
    "duban.receivables",
    "duban.cockpit",
    "duban.api",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "django_tasks",
    "django_tasks_db",
    "django_filters",
    "django_tables2",
    "simple_history",
    "axes",
    "ninja",  # serves its API docs page (Swagger UI) from its own static files, not a CDN
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "duban.core.middleware.PrivacyHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "duban.core.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "duban.core.middleware.DatabaseBusyMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "axes.middleware.AxesMiddleware",  # last: it turns a locked-out login into its page
]

ROOT_URLCONF = "duban.urls"
WSGI_APPLICATION = "duban.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "duban.core.context_processors.shell",
            ],
        },
    },
]

# Databases: SQLite in DATA_DIR by default, tuned for an office of concurrent users (WAL, a long
# busy timeout, and BEGIN IMMEDIATE so a read-then-write transaction waits instead of failing).
DATABASES = {"default": env_database("DUBAN_DATABASE_URL", DATA_DIR / "duban.sqlite3")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    _sqlite_file = Path(DATABASES["default"]["NAME"])
    if str(_sqlite_file) != ":memory:" and _sqlite_file.parent.is_dir():
        # private like the secret key; SQLite gives its -wal and -shm files the same mode
        _sqlite_file.touch(mode=0o600, exist_ok=True)
        if _sqlite_file.stat().st_mode & 0o077:
            _sqlite_file.chmod(0o600)
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 25,
        "transaction_mode": "IMMEDIATE",
        # 32 MB of page cache per connection: large imports and aging read and write much
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA cache_size=-32768;"
        ),
    }
else:
    DATABASES["default"].setdefault("CONN_MAX_AGE", env_int("DUBAN_DB_CONN_MAX_AGE", 60))
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "org.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # first: refuses a locked-out login before the rest
    "django.contrib.auth.backends.ModelBackend",
]

# Login throttling (django-axes): after DUBAN_LOGIN_FAILURE_LIMIT wrong passwords for one user
# name from one address, that user name is locked out from that address for the cool-off (a
# right password then fails too); the admin unlocks under 管理后台 → Axes → Access attempts.
# By user name and address together, so that one person's typos do not lock out a whole office
# behind one NAT address, and a guesser cannot lock a user out from everywhere.
AXES_FAILURE_LIMIT = env_int("DUBAN_LOGIN_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = dt.timedelta(minutes=env_int("DUBAN_LOGIN_COOLOFF_MINUTES", 15, minimum=1))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "duban.core.views.locked_out"
AXES_VERBOSE = False
# The client's address is REMOTE_ADDR, unless Duban is told how many proxies of its own it sits
# behind (DUBAN_PROXY_COUNT): then it is read from X-Forwarded-For, as those proxies wrote it
# (duban.core.middleware.client_address).
PROXY_COUNT = env_int("DUBAN_PROXY_COUNT", 0, minimum=0)
AXES_CLIENT_IP_CALLABLE = "duban.core.middleware.client_address"
LOGOUT_REDIRECT_URL = "login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Language and time: Simplified Chinese by default, English selectable; stored in UTC.
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
FORMAT_MODULE_PATH = ["duban.formats"]
USE_I18N = True
FILTERS_EMPTY_CHOICE_LABEL = gettext_lazy("全部")  # every list filter's "any"
USE_THOUSAND_SEPARATOR = True
TIME_ZONE = "Asia/Shanghai"
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"
STATICFILES_DIRS = [PACKAGE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
MEDIA_ROOT = DATA_DIR / "media"
# uploaded tables and error files are readable by Duban's own user only, like the secret key
FILE_UPLOAD_PERMISSIONS = 0o600
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o700

CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    # parts of busy pages (the agenda), shared by the server's workers (duban.core.pagecache)
    "pages": {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": DATA_DIR / "cache",
        "TIMEOUT": 60,
        "OPTIONS": {"MAX_ENTRIES": 2000},
    },
}

# Background work (a large import) is queued in the database and run by `duban worker`, on
# this or any other machine that reaches the same database; its progress is kept there too.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}

# Uploads larger than this are checked and imported in the background, with a progress bar;
# smaller ones (a usual table of a few thousand rows) at once, within the request.
IMPORT_BACKGROUND_BYTES = 256 * 1024
# The largest sheet an import reads, counted from A1 to its last used cell: a file beyond
# these is refused before it is read (a stray cell at XFD1048576 would take all memory).
IMPORT_MAX_ROWS = env_int("DUBAN_IMPORT_MAX_ROWS", 500_000, minimum=1)
IMPORT_MAX_COLUMNS = env_int("DUBAN_IMPORT_MAX_COLUMNS", 500, minimum=1)
IMPORT_MAX_CELLS = env_int("DUBAN_IMPORT_MAX_CELLS", 5_000_000, minimum=1)
# uploaded files and their error lists are removed this many days after the upload (duban tick)
IMPORT_RETENTION_DAYS = env_int("DUBAN_IMPORT_RETENTION_DAYS", 30, minimum=1)

# Dates Duban takes in forms and files: a year outside these is refused as a typing slip.
EARLIEST_YEAR = env_int("DUBAN_EARLIEST_YEAR", 1900, minimum=1900)
LATEST_YEAR = env_int("DUBAN_LATEST_YEAR", 2100, minimum=EARLIEST_YEAR)
if LATEST_YEAR > 9000:
    raise ConfigError("DUBAN_LATEST_YEAR must be at most 9000")

# The JSON API (/api/v1/, django-ninja): lists are paged 50 rows at a time, at most 200; each
# personal token may make this many requests a minute (counted in the database, so the limit
# holds across worker processes and app servers: duban.api.services.token_use).
NINJA_PAGINATION_PER_PAGE = 50
NINJA_PAGINATION_MAX_LIMIT = 200
API_RATE = env_int("DUBAN_API_RATE", 120, minimum=1)

# HTTPS: on by default (secure cookies, HSTS, redirect). Set DUBAN_HTTPS=false only to serve plain
# HTTP on a trusted network or on 127.0.0.1 (the demo does).
HTTPS = env_bool("DUBAN_HTTPS", True)
if HTTPS and not DEBUG:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env_int("DUBAN_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DUBAN_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("DUBAN_HSTS_PRELOAD", True)
SESSION_COOKIE_AGE = 14 * 24 * 3600

# Content-Security-Policy (django-csp): scripts, styles, fonts and data from this site only
# (Bootstrap, ECharts, htmx and Duban's own scripts are served from it, and no page has an
# inline script or event handler); style attributes are allowed, as charts and tables set them;
# images also as data: URIs (Bootstrap's form icons). No page may be framed by another site.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF, UNSAFE_INLINE],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
# what a page may use of the browser: none of these (duban.core.middleware)
PERMISSIONS_POLICY = (
    "camera=(), microphone=(), geolocation=(), payment=(), usb=(), serial=(), midi=(), "
    "magnetometer=(), gyroscope=(), accelerometer=(), display-capture=()"
)

# Email: SMTP when DUBAN_EMAIL_HOST is set (腾讯企业邮 smtp.exmail.qq.com:465, 阿里企业邮
# smtp.qiye.aliyun.com:465), otherwise messages are written as files to DATA_DIR/mail.
EMAIL_HOST = env_str("DUBAN_EMAIL_HOST")
EMAIL_PORT = env_int("DUBAN_EMAIL_PORT", 465, minimum=1)
EMAIL_HOST_USER = env_str("DUBAN_EMAIL_USER")
EMAIL_HOST_PASSWORD = env_str("DUBAN_EMAIL_PASSWORD")
EMAIL_USE_SSL = env_bool("DUBAN_EMAIL_USE_SSL", EMAIL_PORT == 465)
EMAIL_USE_TLS = env_bool("DUBAN_EMAIL_USE_TLS", EMAIL_PORT == 587)
if EMAIL_USE_SSL and EMAIL_USE_TLS:
    raise ConfigError("DUBAN_EMAIL_USE_SSL and DUBAN_EMAIL_USE_TLS cannot both be true")
EMAIL_TIMEOUT = 20
EMAIL_BACKEND = (
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "django.core.mail.backends.filebased.EmailBackend"
)
# without an SMTP server, each message is written as a file here (one per sending), to read
EMAIL_FILE_PATH = DATA_DIR / "mail"
DEFAULT_FROM_EMAIL = env_str("DUBAN_EMAIL_FROM", EMAIL_HOST_USER or "duban@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

DJANGO_TABLES2_TEMPLATE = "django_tables2/bootstrap5-responsive.html"
DJANGO_TABLES2_TABLE_ATTRS = {"class": "table table-sm table-hover align-middle text-nowrap"}

# An agreed communication time without its result this many minutes later is missed that day.
AGREED_TIME_GRACE_MINUTES = env_int("DUBAN_AGREED_TIME_GRACE_MINUTES", 30)

# Working-day calendar: years within this many days from today must have their holidays
# configured, else every page shows a banner naming them.
CALENDAR_HORIZON_DAYS = env_int("DUBAN_CALENDAR_HORIZON_DAYS", 60)

LOG_LEVEL = env_str("DUBAN_LOG_LEVEL", "INFO").upper()
if LOG_LEVEL not in {"DEBUG", "INFO", "WARNING", "ERROR"}:
    raise ConfigError(f"DUBAN_LOG_LEVEL={LOG_LEVEL!r} must be DEBUG, INFO, WARNING or ERROR")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"refusals": {"()": "duban.logs.OrdinaryRefusals"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["refusals"]}},
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        # a line per failed login (and per robot request) is noise; lockouts and errors are not
        "axes": {"level": "WARNING"},
        "httpx": {"level": "WARNING"},
    },
}
