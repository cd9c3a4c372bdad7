"""Settings for the partnership portal.

Every value that differs between machines comes from the environment (or a `.env` file beside
manage.py). The defaults work on a developer machine with PostgreSQL and Redis on localhost; with
DEBUG off the portal refuses to start without a real SECRET_KEY.
"""

from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEVELOPMENT_SECRET_KEY = "development-only-secret-key-never-use-in-production"

DEBUG = env.bool("DEBUG", default=True)
SECRET_KEY = env.str("SECRET_KEY", default=DEVELOPMENT_SECRET_KEY)
if not DEBUG and (SECRET_KEY == DEVELOPMENT_SECRET_KEY or len(SECRET_KEY) < 50):
    raise ImproperlyConfigured(
        "SECRET_KEY must be set to a random value of at least 50 characters when DEBUG is off. "
        'Generate one with: python -c "import secrets; print(secrets.token_urlsafe(64))"'
    )

# The portal's own address; each partnership answers at <slug>.<PORTAL_DOMAIN> or a custom domain.
PORTAL_DOMAIN = env.str("PORTAL_DOMAIN", default="localhost")
PORTAL_SCHEME = env.str("PORTAL_SCHEME", default="http" if DEBUG else "https")
PORTAL_PORT = env.str("PORTAL_PORT", default="8000" if DEBUG else "")
# (Django's test runner adds `testserver` for the test client; no running portal answers to it.)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=[PORTAL_DOMAIN, f".{PORTAL_DOMAIN}", "127.0.0.1"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "partnership.tenancy.admin_apps.PlatformAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.forms",
    "django.contrib.postgres",
    "django_htmx",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.usersessions",
    "partnership.accounts",
    "partnership.tenancy",
    "partnership.audit",
    "partnership.privacy",
    "schools",
    "reviews",
    "cpd",
    "partnership.governance",
    "improvement",
    "partnership.dashboards.apps.DashboardsConfig",
    "partnership.portal",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "partnership.tenancy.middleware.RefuseNulBytesMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "partnership.tenancy.middleware.TenantMiddleware",
    "partnership.audit.context.AuditContextMiddleware",
    "partnership.accounts.middleware.TwoFactorRequiredMiddleware",
    "reviews.middleware.ArchivedReviewMiddleware",
]

ROOT_URLCONF = "partnership.urls"
FORM_RENDERER = "partnership.forms.GovukFormRenderer"
WSGI_APPLICATION = "partnership.wsgi.application"

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
                "partnership.tenancy.context_processors.tenant",
                "partnership.portal.context_processors.navigation",
            ],
        },
    },
]

# DATABASE_URL names the server, the database and its owner, who runs migrations (`manage.py migrate` connects as
# the owner by itself). The portal connects as DATABASE_APP_USER: a role that is neither superuser nor BYPASSRLS,
# so PostgreSQL's row-level security holds it to one partnership per transaction (partnership/tenancy/rls.py).
# scripts/preflight.py creates it; DATABASE_APP_USER= (empty) connects as the owner (no second guard).
DATABASES = {"default": env.db("DATABASE_URL", default="postgres://postgres@127.0.0.1:5432/partnership_portal")}
DATABASES["default"]["ENGINE"] = "partnership.tenancy.postgresql"
DATABASE_APP_USER = env.str("DATABASE_APP_USER", default="portal_app")
if DATABASE_APP_USER and DATABASES["default"]["USER"] != DATABASE_APP_USER:
    DATABASES["default"]["OWNER"] = {key: DATABASES["default"][key] for key in ("USER", "PASSWORD", "HOST", "PORT")}
    DATABASES["default"]["USER"] = DATABASE_APP_USER
    DATABASES["default"]["PASSWORD"] = env.str("DATABASE_APP_PASSWORD", default="")
# The portal's own connections may go through a pooler (PgBouncer) while the owner's go straight to PostgreSQL.
DATABASES["default"]["HOST"] = env.str("DATABASE_APP_HOST", default=DATABASES["default"]["HOST"])
DATABASES["default"]["PORT"] = env.str("DATABASE_APP_PORT", default=str(DATABASES["default"]["PORT"] or ""))
# Behind a transaction-pooling PgBouncer a cursor cannot outlive its transaction (the row-level security setting
# never does: it is set per transaction).
DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = env.bool("DATABASE_TRANSACTION_POOLING", default=False)
# TRUNCATE ignores row-level security: granted to the portal's role only where tests empty tables with it.
DATABASE_APP_MAY_TRUNCATE = env.bool("DATABASE_APP_MAY_TRUNCATE", default=DEBUG)
# Connections are bounded by the processes that hold them (see docs/deployment.md): each gunicorn worker and each
# Celery worker process holds at most one, kept for CONN_MAX_AGE seconds. The development server starts a thread per
# request, so there a kept connection is never reused and only piles up: 0 closes it at the end of each request.
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=0 if DEBUG else 60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env.str("REDIS_URL", default="redis://127.0.0.1:6379/0")
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": "portal",
        # Redis away: fail within seconds (a clear 503 where it is needed), never hang a worker.
        "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},
    }
}

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"

# Accounts: email is the login, nobody signs up, failed sign-ins are rate-limited (allauth, cache).
ACCOUNT_ADAPTER = "partnership.accounts.adapters.InviteOnlyAccountAdapter"
ACCOUNT_FORMS = {"login": "partnership.accounts.forms.PortalLoginForm"}
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "none"
# A new address replaces the old one only once a link sent to the new address has been followed.
ACCOUNT_CHANGE_EMAIL = True
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_LOGOUT_ON_GET = False
ACCOUNT_SESSION_REMEMBER = None
ACCOUNT_EMAIL_UNKNOWN_ACCOUNTS = False
ACCOUNT_LOGIN_ON_PASSWORD_RESET = False
ACCOUNT_EMAIL_SUBJECT_PREFIX = ""
# Every sign-in limit (allauth's, counted in the cache) is set here and can be changed from the environment as
# <NAME>_RATE_LIMIT, e.g. LOGIN_FAILED_RATE_LIMIT="100/m/ip,5/5m/key": each part is <count>/<period>/<key>, the key
# being ip (one address), key (the email address typed) or user (a signed-in person). A training room, a school or a
# council network signs in from one address, so the limits per address are wide and the tight ones are per account.
SIGN_IN_RATE_LIMIT_DEFAULTS = {
    "login": "300/m/ip",
    "login_failed": "100/m/ip,5/5m/key",
    "reset_password": "60/m/ip,3/m/key",
    "reset_password_from_key": "60/m/ip",
    "change_password": "5/m/user",
    "manage_email": "10/m/user",
    "reauthenticate": "10/m/user",
    "confirm_email": "1/3m/key",
    "request_login_code": "60/m/ip,3/m/key",
    "signup": "20/m/ip",
    "change_phone": "1/m/user",
    "verify_phone": "1/30s/key,30/m/ip",
}
ACCOUNT_RATE_LIMITS = {
    name: env.str(f"{name.upper()}_RATE_LIMIT", default=limit) for name, limit in SIGN_IN_RATE_LIMIT_DEFAULTS.items()
}
MFA_RATE_LIMITS = {"webauthn_login": env.str("WEBAUTHN_LOGIN_RATE_LIMIT", default="60/m/ip")}
# Behind a reverse proxy or load balancer, how many of them append to X-Forwarded-For: without it every person
# shares the proxy's address for sign-in rate limiting and the audit of downloads records the proxy.
ALLAUTH_TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
# The platform admin reaches every partnership's data: operators sign in with a second factor (tests/conftest.py
# turns this off for tests that are not about signing in; tests/tenancy/test_admin.py turns it on).
PLATFORM_ADMIN_REQUIRES_TWO_FACTOR = True
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = env.str("MFA_TOTP_ISSUER", default="Partnership portal")
# Each session records its address and browser at sign-in, so a person can see and sign out their others (tracking
# every request's activity would cost a write on every page).
USERSESSIONS_TRACK_ACTIVITY = False

INVITATION_VALID_DAYS = env.int("INVITATION_VALID_DAYS", default=14)

# The largest GIAS extract a coordinator may upload; a full national extract is about 60 MB.
GIAS_UPLOAD_MAX_BYTES = env.int("GIAS_UPLOAD_MAX_MB", default=100) * 1024 * 1024

# Email: the console locally (or files with EMAIL_BACKEND=...filebased.EmailBackend), SMTP elsewhere.
EMAIL_BACKEND = env.str("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
EMAIL_FILE_PATH = env.str("EMAIL_FILE_PATH", default=str(BASE_DIR / "var" / "mail"))
EMAIL_HOST = env.str("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env.str("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env.str("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Partnership portal <portal@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(BASE_DIR / "var" / "media")))
# Stored files (reports, review documents, logos, GIAS extracts, meeting papers, certificates): a local folder, or,
# where web processes and workers run on several machines, an S3-compatible bucket they all share (S3_BUCKET).
# Files are private either way: served only through views that check permission, never by a public URL.
S3_BUCKET = env.str("S3_BUCKET", default="")


def object_storage(bucket: str) -> dict:
    return {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": bucket,
            "endpoint_url": env.str("S3_ENDPOINT_URL", default="") or None,
            "access_key": env.str("S3_ACCESS_KEY_ID", default="") or None,
            "secret_key": env.str("S3_SECRET_ACCESS_KEY", default="") or None,
            "region_name": env.str("S3_REGION", default="") or None,
            "location": env.str("S3_PREFIX", default=""),
            "default_acl": "private",
            "querystring_auth": True,
            # Never replace an object by saving another under its name (as FileSystemStorage never does); a report
            # that is rendered again deletes its object first (reviews/reports/storage.py).
            "file_overwrite": False,
        },
    }


STORAGES = {
    "default": object_storage(S3_BUCKET) if S3_BUCKET else {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = DEBUG
WHITENOISE_AUTOREFRESH = DEBUG
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
# Review documents (self-evaluation, improvement plan, data): PDF, DOCX or XLSX up to this size, stored under
# MEDIA_ROOT (never served by URL: only through a view that checks permission and writes an audit record).
REVIEW_ATTACHMENT_MAX_BYTES = env.int("REVIEW_ATTACHMENT_MAX_BYTES", default=20 * 1024 * 1024)

MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"

# Celery: Redis broker and results, JSON only, bounded task time, a separate queue for PDFs.
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default=REDIS_URL)
CELERY_RESULT_BACKEND = env.str("CELERY_RESULT_BACKEND", default=REDIS_URL)
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_TASK_SOFT_TIME_LIMIT", default=120)
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=180)
CELERY_RESULT_EXPIRES = 60 * 60 * 24
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 60 * 60}
CELERY_TASK_DEFAULT_QUEUE = "default"
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_WORKER_MAX_TASKS_PER_CHILD = env.int("CELERY_WORKER_MAX_TASKS_PER_CHILD", default=200)
CELERY_BEAT_SCHEDULE_FILENAME = env.str(
    "CELERY_BEAT_SCHEDULE_FILENAME", default=str(BASE_DIR / "var" / "celerybeat-schedule")
)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}, "weasyprint.progress": {"level": "WARNING"}},
}

# Production hardening: everything `manage.py check --deploy` asks for once DEBUG is off.
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if not DEBUG:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    # Preloading is opt-in: once on the browsers' list a custom partnership domain cannot leave it.
    SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=False)
    SILENCED_SYSTEM_CHECKS = [] if SECURE_HSTS_PRELOAD else ["security.W021"]
