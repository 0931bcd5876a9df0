"""Django settings for Aula. Every value that differs between machines comes from
``aula.config`` (environment variables, documented in README.md)."""

from datetime import timedelta

from django.utils.translation import gettext_lazy as _

from aula import config
from aula.core import collation

# Before django.setup() imports it: django-countries without its eager collation table.
collation.import_django_countries()

BASE_DIR = config.BASE_DIR
VAR_DIR = config.VAR_DIR

SECRET_KEY = config.secret_key()
DEBUG = config.env_flag("AULA_DEBUG", default=False)
ALLOWED_HOSTS = config.allowed_hosts()
AULA_BASE_URL = config.base_url()
CSRF_TRUSTED_ORIGINS = [AULA_BASE_URL]

INSTALLED_APPS = [
    # Django's admin, its apps' admin.py imported on first use (core/adminsite.py).
    "aula.core.adminsite.LazyAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_countries",
    "django_tasks",
    "django_tasks_db",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "aula.core",
    "aula.audit",
    "aula.webhooks",
    "aula.projects",
    "aula.events",
    "aula.demo",
    "aula.registrations",
    "aula.messaging",
    "aula.console",
    "aula.attendance",
    "aula.materials",
    "aula.feedback",
    "aula.certificates",
    "aula.reports",
    "aula.announcements",
    "aula.campaigns",
    "aula.api",
]

MIDDLEWARE = [
    # First: public pages replayed from memory before the rest runs (aula.core.fastlane).
    "aula.core.fastlane.FastLaneMiddleware",
    # Errors under /api/ made outside its routes (unknown address, 405, NUL) as problem details.
    "aula.api.middleware.ProblemMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # CSP, Permissions-Policy, no-store on personal pages; then 400 for a NUL in a parameter.
    "aula.core.security.SecurityHeadersMiddleware",
    "aula.core.security.RejectNulMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # An unprefixed project or event address: the browser's language, else the content's.
    "aula.events.middleware.ContentLanguageRedirectMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Console pages about one event show its times in the event's zone.
    "aula.console.middleware.EventTimeZoneMiddleware",
    "django_otp.middleware.OTPMiddleware",
    # After a password, an organiser with two-factor login may open only the code page.
    "aula.console.auth.TwoFactorGateMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, so that it turns a refused login into the lockout page.
    "axes.middleware.AxesMiddleware",
    "aula.core.unavailable.DatabaseUnavailableMiddleware",  # a lost database: 503, never 500
]

ROOT_URLCONF = "aula.urls"
WSGI_APPLICATION = "aula.wsgi.application"

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
                "aula.core.context_processors.site",
                "aula.messaging.context_processors.mail_viewer",
            ],
        },
    },
]

DATABASES = {"default": config.database()}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = config.redis_url()
if REDIS_URL:
    CACHES = config.redis_cache(REDIS_URL)
    INSTALLED_APPS += ["django_rq", "django_tasks_rq"]
    RQ_QUEUES = config.rq_queues()
    TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
else:
    # One machine without Redis: files under var/, shared by every web process and the worker
    # (a per-process cache would let one process serve a page another had changed, and give
    # each process its own rate limit). Public pages are answered from memory before this
    # (aula.core.fastlane); six languages need more than Django's default 300 entries.
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(VAR_DIR / "cache"),
            "OPTIONS": {"MAX_ENTRIES": 5000},
        }
    }
    TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Languages. Organisers write content in all six partner languages; the interface has
# catalogues for English and Romanian so far and shows English where a catalogue is missing.
LANGUAGE_CODE = "en"
LANGUAGES = [
    ("en", _("English")),
    ("ro", _("Romanian")),
    ("lt", _("Lithuanian")),
    ("nl", _("Dutch")),
    ("it", _("Italian")),
    ("hr", _("Croatian")),
]
# A form sent without a valid CSRF token gets the site's page, not Django's bare one.
CSRF_FAILURE_VIEW = "aula.core.errorpages.csrf_failure"

LOCALE_PATHS = [BASE_DIR / "src" / "aula" / "locale"]
# "6 December 2026" in English, as European public bodies write it (aula/formats/en).
FORMAT_MODULE_PATH = ["aula.formats"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = "UTC"

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
MEDIA_URL = "/media/"
MEDIA_ROOT = VAR_DIR / "media"
# Uploaded attendance reports wait here (personal data: never under MEDIA_ROOT, never served)
# until the worker has imported them; the web processes and the worker share the var dir.
PRIVATE_UPLOADS = {
    "BACKEND": "django.core.files.storage.FileSystemStorage",
    "OPTIONS": {"location": VAR_DIR / "private" / "uploads",
                "file_permissions_mode": 0o600, "directory_permissions_mode": 0o700},
}
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "private_uploads": PRIVATE_UPLOADS,
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
# Without collectstatic (tests, make run before it ran) WhiteNoise serves from the finders.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

globals().update(config.email())
DEFAULT_FROM_EMAIL = config.os.environ.get("AULA_FROM_EMAIL", "Aula <noreply@localhost>")
# The public mail viewer at /mail/ (e-mail kept, never sent: the demo) only when asked for.
AULA_MAIL_VIEWER = config.env_flag("AULA_MAIL_VIEWER")
# E-mails are written "to render" and rendered by the delivery worker, not in the request
# (messaging.services.render_later; the warm-up then leaves their templates out). Tests set it off.
AULA_RENDER_EMAILS_IN_WORKER = True
# SQLite: registrations take turns through a file lock (aula.core.sqlite_writers).
AULA_SQLITE_WRITER_LOCK = config.env_flag("AULA_SQLITE_WRITER_LOCK", default=True)
# Webhooks to http:// and to private, loopback or link-local addresses (never in production:
# they would let an owner reach the server's own network). On with AULA_DEBUG and the demo.
AULA_WEBHOOKS_ALLOW_PRIVATE = config.env_flag(
    "AULA_WEBHOOKS_ALLOW_PRIVATE", default=DEBUG or AULA_MAIL_VIEWER
)
# Partner sites listed to embed the registration form (projects.origins) must be https, unless
# this is set: development and the browser tests, whose partner page is served over http.
AULA_EMBED_ALLOW_HTTP = config.env_flag("AULA_EMBED_ALLOW_HTTP")

# Optional tuning, each from the environment only when set (the apps hold the defaults).
for _name, _cast in [
    ("AULA_REGISTRATION_RATE_LIMIT", str),
    ("AULA_API_RATE_LIMIT", str),
    ("AULA_REGISTRATION_MIN_FILL_SECONDS", float),
    ("AULA_TRUSTED_PROXIES", int),
    ("AULA_MATERIAL_MAX_BYTES", int),
    ("AULA_IMAGE_MAX_BYTES", int),
    ("AULA_PAGE_CACHE_SECONDS", int),
    ("AULA_PAGE_BROWSER_SECONDS", int),
    ("AULA_FASTLANE_SECONDS", float),
    # How long records kept only briefly stay, in days (docs/deploy.md, "Data retention").
    ("AULA_RETENTION_OUTBOX_DAYS", int),
    ("AULA_RETENTION_UNMATCHED_ATTENDANCE_DAYS", int),
    ("AULA_RETENTION_LOGIN_RECORDS_DAYS", int),
    ("AULA_RETENTION_TASK_RESULTS_DAYS", int),
    ("AULA_RETENTION_WEBHOOK_DAYS", int),
    ("AULA_WEBHOOKS_MAX_ATTEMPTS", int),
    ("AULA_WEBHOOKS_CACHE_SECONDS", float),
]:
    if config.os.environ.get(_name):
        globals()[_name] = _cast(config.os.environ[_name])

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = AULA_BASE_URL.startswith("https://")
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
_https = config.https(AULA_BASE_URL, globals().get("AULA_TRUSTED_PROXIES", 0))
globals().update(_https)
# HSTS preload is a promise to the browsers' lists that an operator makes by submitting the
# domain there (AULA_HSTS_PRELOAD); not asking for it is no weakness of this site.
SILENCED_SYSTEM_CHECKS_HTTPS = [] if _https["SECURE_HSTS_PRELOAD"] else ["security.W021"]

LOGIN_URL = "console:login"
LOGIN_REDIRECT_URL = "console:home"
LOGOUT_REDIRECT_URL = "console:login"

# The lockout check runs before the password check (see aula.console.auth.LockoutBackend).
AUTHENTICATION_BACKENDS = [
    "aula.console.auth.LockoutBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Repeated failed logins lock the pair (user name, client address) for a while, never the user
# name alone: a flood of wrong passwords from one address cannot lock the organiser out from
# another. Many failures from one address, whatever the names (password spraying), lock that
# address with a higher limit of its own (aula.console.auth.LockoutBackend). A completed
# password reset lifts the lock. The address is aula.registrations.ratelimit.client_address
# (AULA_TRUSTED_PROXIES).
AXES_FAILURE_LIMIT = int(config.os.environ.get("AULA_LOGIN_FAILURE_LIMIT") or 5)
AULA_LOGIN_ADDRESS_FAILURE_LIMIT = int(
    config.os.environ.get("AULA_LOGIN_ADDRESS_FAILURE_LIMIT") or 30
)
AXES_COOLOFF_TIME = timedelta(
    minutes=int(config.os.environ.get("AULA_LOGIN_LOCKOUT_MINUTES") or 30)
)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_CLIENT_IP_CALLABLE = "aula.registrations.ratelimit.client_address"
# A console session ends after this many minutes without a request.
AULA_CONSOLE_IDLE_MINUTES = int(config.os.environ.get("AULA_CONSOLE_IDLE_MINUTES") or 30)
SILENCED_SYSTEM_CHECKS = [*SILENCED_SYSTEM_CHECKS_HTTPS]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "aula.console.accounts.locked_out"
AXES_VERBOSE = False
# Two-factor login (TOTP): the name authenticator apps show next to the code.
OTP_TOTP_ISSUER = "Aula"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {"aula": {"level": "INFO"}},
}
