"""Settings shared by every environment. Every value comes from the environment (12-factor).

The defaults are the embedded run: SQLite, a filesystem Celery broker, console email,
so that `make run` needs nothing installed or started by hand. Production overrides in
production.py refuse to start without real secrets.
"""

import os
from pathlib import Path

import django_stubs_ext
import environ

# Lets admin/serializer classes be subscripted for mypy at run time.
django_stubs_ext.monkeypatch()

BASE_DIR = Path(__file__).resolve().parent.parent.parent
# Everything the embedded run writes (database, broker, logs, demo logins); VAR_DIR moves
# it, e.g. for the soak test (scripts/soak.py), which must not touch the developer's demo.
VAR_DIR = Path(os.environ.get("VAR_DIR") or BASE_DIR / "var")
VAR_DIR.mkdir(parents=True, exist_ok=True)

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DJANGO_DEBUG", default=False)
SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="embedded-insecure-key-change-me")
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "drf_spectacular",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "backend.common",
    "backend.accounts",
    "backend.audit",
    "consent",
    "moderation",
    "moderation.comments",
    "publishers",
    "backend.operations",
    "procedures",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # The database gone away answers 503 with a plain message, not 500 (issue 16).
    "backend.common.middleware.DatabaseUnavailableMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Axes last: it turns a locked-out login into a 403 before the view runs.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "backend.urls"
WSGI_APPLICATION = "backend.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "backend" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
# A connection PostgreSQL dropped (restart, failover, pg_terminate_backend) is found and
# replaced at the next request instead of failing it (issue 16); kept this many seconds.
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DB_CONN_MAX_AGE", default=0)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # A database that does not answer fails the request in seconds (503), not minutes.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault(
        "connect_timeout", env.int("DB_CONNECT_TIMEOUT", default=5)
    )
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The embedded run has a web process and a worker writing to one file (issue 13):
    # WAL lets readers go on while one writes; a writer waits up to 20 s for another
    # (busy timeout) instead of failing; and every transaction takes the write lock when
    # it begins (IMMEDIATE), because SQLite cannot wait when a reader upgrades to a writer
    # mid-transaction: that was the "database is locked" of a double-clicked Approve.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "timeout": 20,
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
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
]

# Proxies whose X-Forwarded-For is believed (addresses or CIDR ranges, comma-separated).
# Empty: the connection's own address is the client (backend/common/client_address.py).
TRUSTED_PROXIES = env.list("TRUSTED_PROXIES", default=[])

# Lock-out after repeated failed logins, per account AND address (issue 16: by account
# alone, anyone behind the school's proxy could lock the head teacher out), for a cool-off;
# a trust admin can lift it early (membership_sign_in_unlock). Counts live in the database.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.float("AXES_COOLOFF_HOURS", default=0.5)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_CLIENT_IP_CALLABLE = "backend.common.client_address.client_address"
AXES_USERNAME_CALLABLE = "backend.accounts.hooks.axes_username"
AXES_USERNAME_FORM_FIELD = "email"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=8 * 3600)
CSRF_COOKIE_SAMESITE = "Lax"

LANGUAGE_CODE = "en-gb"
TIME_ZONE = env.str("TIME_ZONE", default="Europe/London")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
FRONTEND_DIST = BASE_DIR / "frontend" / "dist"
STATICFILES_DIRS = [FRONTEND_DIST] if FRONTEND_DIST.exists() else []
STORAGES = {
    # Private by default: uploaded originals, evidence, reference photos. Nothing under
    # MEDIA_ROOT is served by URL; authenticated views stream what a user may see.
    "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": env.str("PRIVATE_MEDIA_ROOT", default=str(VAR_DIR / "private"))},
    },
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
MEDIA_ROOT = env.str("PRIVATE_MEDIA_ROOT", default=str(VAR_DIR / "private"))

# Key for secrets and face encodings at rest (Fernet, urlsafe base64 32 bytes). Several
# keys may be given comma-separated: the first encrypts, all decrypt (rotation).
FIELD_ENCRYPTION_KEYS = env.list(
    "FIELD_ENCRYPTION_KEYS", default=["7bkz1kx8bX3Yp5kUcQm4y0Hk0oUZ6rj9iL8q3c1cQ2E="]
)
# R14: keys that sign the audit chain (HMAC-SHA256), comma-separated "<key id>:<secret>"
# (secret 32+ characters); the first signs, all verify events naming their id (rotation).
# The default is a fixed development key: production.py refuses it.
AUDIT_HMAC_DEV_KEY_ID = "dev"
AUDIT_HMAC_KEYS = env.list(
    "AUDIT_HMAC_KEYS",
    default=[f"{AUDIT_HMAC_DEV_KEY_ID}:embedded-and-test-only-audit-key-0000000000"],
)

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["rest_framework.authentication.SessionAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["backend.accounts.permissions.IsVerifiedMember"],
    "DEFAULT_SCHEMA_CLASS": "backend.common.schema.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 25,
    "EXCEPTION_HANDLER": "backend.common.api.api_exception_handler",
    "DEFAULT_THROTTLE_RATES": {"login": env.str("LOGIN_THROTTLE_RATE", default="20/min")},
    # JSON nested deeper than a request needs is a 400, not a RecursionError (issue 16).
    "DEFAULT_PARSER_CLASSES": [
        "backend.common.parsers.DepthLimitedJSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
}
OTP_TOTP_ISSUER = env.str("OTP_TOTP_ISSUER", default="School post queue")
SPECTACULAR_SETTINGS = {
    "TITLE": "School social-media safeguarding queue API",
    "VERSION": "0.1.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    # One clear name per choice set in the generated TypeScript client.
    "ENUM_NAME_OVERRIDES": {
        "PostStatusEnum": "moderation.models.Post.Status",
        "CheckVerdictEnum": "moderation.models.CheckRun.Verdict",
        "FaceTagEnum": "moderation.models.Face.Tag",
        "ChannelEnum": "backend.common.channels.ChannelKind",
        "AccountFieldInputTypeEnum": "publishers.base.ACCOUNT_FIELD_INPUT_TYPES",
        "PersonKindEnum": "consent.models.PersonKind",
        "FlagKindEnum": "consent.models.FlagKind",
        "PurposeEnum": "consent.models.Purpose",
        "ConsentMethodEnum": "consent.models.Method",
        # the methods a person may record by hand (not "imported from the MIS")
        "RecordedMethodEnum": ["paper_form", "electronic_form", "verbal"],
        "ImportStatusEnum": "consent.models.ImportRun.Status",
        "CommentStatusEnum": "moderation.comments.models.Comment.Status",
        "CommentVerdictEnum": "moderation.comments.models.Comment.Verdict",
        "ModerationActionKindEnum": "moderation.comments.models.ModerationAction.Kind",
        "WebsiteCommentStatusEnum": "publishers.models.WebsiteComment.Status",
        "PublicationStateEnum": "publishers.models.Publication.State",
        "TakedownStateEnum": "publishers.models.Takedown.State",
        "PlatformReportOutcomeEnum": "procedures.models.PlatformReport.Outcome",
        "ParentLetterStatusEnum": "procedures.models.ParentLetter.Status",
        "MentionSourceEnum": "procedures.models.Mention.Source",
        "MentionStateEnum": "procedures.models.Mention.State",
    },
}

# Throttle counters must be shared by every web process (issue 16): Redis where there is
# one, else the database (the embedded run; `embedded_prepare` creates the table). With
# Redis down they are counted per process for a while, never a 500 (backend/common/cache.py).
REDIS_URL = env.str("REDIS_URL", default="")
CACHES = {
    "default": (
        {
            "BACKEND": "backend.common.cache.FallbackRedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {"socket_connect_timeout": 1.0, "socket_timeout": 1.0},
        }
        if REDIS_URL
        else {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "django_cache"}
    )
}

# Public website comment form (R11, issue 16): at most this many comments per client
# address, and per news item, in each window (seconds).
WEBSITE_COMMENTS_PER_ADDRESS = env.int("WEBSITE_COMMENTS_PER_ADDRESS", default=5)
WEBSITE_COMMENTS_ADDRESS_WINDOW = env.int("WEBSITE_COMMENTS_ADDRESS_WINDOW", default=600)
WEBSITE_COMMENTS_PER_ENTRY = env.int("WEBSITE_COMMENTS_PER_ENTRY", default=30)
WEBSITE_COMMENTS_ENTRY_WINDOW = env.int("WEBSITE_COMMENTS_ENTRY_WINDOW", default=3600)

# Celery. Production: Redis. Embedded: a filesystem broker, so a real worker (and beat)
# runs beside the web process with nothing else installed.
# The embedded broker is kombu's filesystem transport with atomic writes
# (backend/operations/transport.py; the stock "filesystem://" races and kills the worker).
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default=REDIS_URL or "embeddedfs://")
CELERY_RESULT_BACKEND = env.str(
    "CELERY_RESULT_BACKEND", default=REDIS_URL or f"file://{VAR_DIR / 'celery-results'}"
)
CELERY_FILESYSTEM_DIR = VAR_DIR / "celery-broker"
# One queue per stack sharing a broker (tests that start a worker and beat set their own).
CELERY_TASK_DEFAULT_QUEUE = env.str("CELERY_TASK_DEFAULT_QUEUE", default="celery")
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
# A prefork child is replaced after the task that takes it past this resident memory (KiB):
# a backstop for leaks in compiled libraries (libfacedetection leaks ~2 MB a photo and now
# runs in a recycled helper process, backend/faces/libface_process.py; issue 19,
# docs/performance.md). No effect on the solo pool.
CELERY_WORKER_MAX_MEMORY_PER_CHILD = env.int(
    "CELERY_WORKER_MAX_MEMORY_PER_CHILD", default=1_500_000
)
# Liveness (issue 13): workers and beat write a heartbeat this often; one older than two
# periods means that part has stopped (/healthz 503, the leaders' banner).
HEARTBEAT_SECONDS = env.float("HEARTBEAT_SECONDS", default=15.0)
# Emails queued by the outbox are sent after this many seconds, so several events to one
# person that arrive together go as one digest.
NOTIFICATION_DIGEST_SECONDS = env.float("NOTIFICATION_DIGEST_SECONDS", default=20.0)

EMAIL_BACKEND = env.str("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="queue@school.invalid")

# Where the product is reachable (links in emails, the website feed, Instagram image URLs).
PUBLIC_BASE_URL = env.str("PUBLIC_BASE_URL", default="http://127.0.0.1:8000")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
}

# Pupils judged competent to give or refuse their own photo consent from this age (R18).
CONSENT_COMPETENCE_AGE = env.int("CONSENT_COMPETENCE_AGE", default=12)
# Issue 15: refit each school's comment screening from its moderators' corrections weekly
# (Sunday 03:30). Off by default: a leader or the operator runs `screening_refit` instead.
SCREENING_WEEKLY_REFIT = env.bool("SCREENING_WEEKLY_REFIT", default=False)

# Serve the built front end (frontend/dist, assets under /static/) straight from the finders
# as well as from STATIC_ROOT, so `make run` needs no collectstatic.
WHITENOISE_USE_FINDERS = True

# Safeguarding checks (R1-R3, R20). Face height in px of the largest published variant from
# which a face counts as identifiable; match tolerance and the margin to the next person.
FACE_MIN_IDENTIFIABLE_PX = env.int("FACE_MIN_IDENTIFIABLE_PX", default=24)
FACE_MIN_IDENTIFY_PX = env.int("FACE_MIN_IDENTIFY_PX", default=60)
FACE_MATCH_TOLERANCE = env.float("FACE_MATCH_TOLERANCE", default=0.5)
FACE_MATCH_MARGIN = env.float("FACE_MATCH_MARGIN", default=0.05)
# R21 (2026 guidance: publish pupils' photos at lower resolution); R1 is judged at this size.
PUBLISHED_LONG_SIDE = env.int("PUBLISHED_LONG_SIDE", default=1280)
# R21: a face filling at least this share of a photo (close-up, face-on) warns staff and the
# approver; with FACE_CLOSE_UP_BLOCKS it blocks. 0.08: head and shoulders (15%) and a head
# shot (13%) warn, a half-length portrait (7%) and group photos (<1%) do not (docs/faces.md).
FACE_CLOSE_UP_SHARE = env.float("FACE_CLOSE_UP_SHARE", default=0.08)
FACE_CLOSE_UP_BLOCKS = env.bool("FACE_CLOSE_UP_BLOCKS", default=False)
# R15: private originals are deleted this many days after a post reaches a final status.
ORIGINALS_RETENTION_DAYS = env.int("ORIGINALS_RETENTION_DAYS", default=30)
# R15: incoming comments no longer under review and backing no evidence are deleted after
# this many days (evidence follows the school's safeguarding-records policy).
COMMENTS_RETENTION_DAYS = env.int("COMMENTS_RETENTION_DAYS", default=365)
UPLOAD_MAX_BYTES = env.int("UPLOAD_MAX_BYTES", default=25 * 1024 * 1024)
UPLOAD_MAX_PIXELS = env.int("UPLOAD_MAX_PIXELS", default=50_000_000)
# Decoded-memory budget for any image we decode (uploads, checks, enrolment), judged as RGB
# (3 bytes a pixel) from the header before decoding: 144 MB admits a 48 MP phone photo.
IMAGE_MAX_DECODED_MB = env.int("IMAGE_MAX_DECODED_MB", default=144)
DATA_UPLOAD_MAX_MEMORY_SIZE = UPLOAD_MAX_BYTES + 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# Facebook/Instagram comment events stored by publishers' webhook go to comment screening.
PUBLISHERS_COMMENT_EVENT_HANDLERS = env.list(
    "PUBLISHERS_COMMENT_EVENT_HANDLERS",
    default=["moderation.comments.services.webhook_event_ingest"],
)
# A comment left on the website feed is handed to comment screening when it is submitted
# (dotted paths of ``f(*, website_comment_id: int) -> None``, called after commit).
PUBLISHERS_WEBSITE_COMMENT_HANDLERS = env.list(
    "PUBLISHERS_WEBSITE_COMMENT_HANDLERS",
    default=["moderation.comments.tasks.website_comment_submitted"],
)

# Publishing (exactly once): tries before a transient error fails a publication; age after
# which a publication still "attempting" is reconciled (above the task's 5-minute limit).
PUBLISHERS_MAX_ATTEMPTS = env.int("PUBLISHERS_MAX_ATTEMPTS", default=8)
PUBLISHERS_STUCK_AFTER_MINUTES = env.float("PUBLISHERS_STUCK_AFTER_MINUTES", default=10)

# The sweeps for lost work (issue 16, docs/reliability.md): how often beat runs them, and
# how long work may wait in a state before its message is taken as lost and sent again.
# Every re-send is safe to repeat; shorter deadlines only cost duplicate messages.
SWEEP_SECONDS = env.float("SWEEP_SECONDS", default=60.0)
SWEEP_CHECKS_LOST_AFTER_SECONDS = env.float("SWEEP_CHECKS_LOST_AFTER_SECONDS", default=300.0)
SWEEP_RELEASE_LOST_AFTER_SECONDS = env.float("SWEEP_RELEASE_LOST_AFTER_SECONDS", default=60.0)
PUBLISHERS_REQUEUE_GRACE_SECONDS = env.float("PUBLISHERS_REQUEUE_GRACE_SECONDS", default=120.0)
# Honour an account's config["api_base"] (local fakes in tests). Never in production.
PUBLISHERS_ALLOW_CUSTOM_HOSTS = env.bool("PUBLISHERS_ALLOW_CUSTOM_HOSTS", default=False)
# Optional product-wide Meta app secret / verify token for the Facebook webhook (each
# account's own configuration also works).
FACEBOOK_APP_SECRET = env.str("FACEBOOK_APP_SECRET", default="")
FACEBOOK_WEBHOOK_VERIFY_TOKEN = env.str("FACEBOOK_WEBHOOK_VERIFY_TOKEN", default="")

# Issue 18 (procedures/): where schools and trusts put their own report-to-platform
# instructions (<dir>/<platform>.json, or <dir>/<school slug>/<platform>.json), and what X
# costs (US dollars, pay-per-use since February 2026; X changes them, so not in code).
PROCEDURES_PLATFORM_DIR = env.str("PROCEDURES_PLATFORM_DIR", default="")
X_PRICE_POST = env.float("X_PRICE_POST", default=0.015)
X_PRICE_POST_WITH_LINK = env.float("X_PRICE_POST_WITH_LINK", default=0.20)
X_PRICE_OWNED_READ = env.float("X_PRICE_OWNED_READ", default=0.001)
X_PRICE_OTHER_READ = env.float("X_PRICE_OTHER_READ", default=0.005)
# Mention search: Bluesky's public AppView (no key needed) and X recent search (a bearer
# token of the school's X app; only for schools that turn it on).
BLUESKY_SEARCH_URL = env.str(
    "BLUESKY_SEARCH_URL", default="https://public.api.bsky.app/xrpc/app.bsky.feed.searchPosts"
)
X_SEARCH_URL = env.str("X_SEARCH_URL", default="https://api.x.com/2/tweets/search/recent")
X_SEARCH_BEARER_TOKEN = env.str("X_SEARCH_BEARER_TOKEN", default="")
MENTION_SEARCH_LIMIT = env.int("MENTION_SEARCH_LIMIT", default=25)
