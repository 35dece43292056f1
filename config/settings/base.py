"""Settings for every environment, read from environment variables (and an optional `.env`).

`DATABASE_URL` picks the database (unset: SQLite in the project folder), `CELERY_BROKER_URL` picks
the task runner (unset: in-process, eager). `.env.example` documents every variable.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

import environ
from django.core.exceptions import ImproperlyConfigured

# torch loads with the model, on first use, not with this module.
from mlcore.embeddings.registry import NAMES as _EMBEDDERS
from mlcore.embeddings.sentence import PRECISIONS as _EMBEDDER_PRECISIONS

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()
if (BASE_DIR / ".env").is_file():
    environ.Env.read_env(BASE_DIR / ".env")


def _setting(name: str, cast, default):
    """Read one variable; a malformed value stops start-up with a message naming it."""
    try:
        return env.get_value(name, cast=cast, default=default)
    except (ValueError, TypeError, ImproperlyConfigured) as exc:
        raise ImproperlyConfigured(f"{name} is malformed: {exc}") from None


DEBUG = _setting("DJANGO_DEBUG", bool, False)

SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY is required when DJANGO_DEBUG is off "
            "(set it, or set DJANGO_DEBUG=true for local development)."
        )
    SECRET_KEY = "insecure-development-key-only-used-with-DJANGO_DEBUG-on"  # noqa: S105

ALLOWED_HOSTS = _setting(
    "ALLOWED_HOSTS", list, ["127.0.0.1", "localhost", "[::1]"] if DEBUG else []
)
CSRF_TRUSTED_ORIGINS = _setting("CSRF_TRUSTED_ORIGINS", list, [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_celery_beat",
    "django_htmx",
    "template_partials",
    "axes",
    "recruiting",
    "matching",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "config.security.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "config.throttling.LoginThrottleMiddleware",
    "config.exceptions.ApplicationErrorMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into a 429 page.
    "axes.middleware.AxesMiddleware",
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
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "recruiting.context_processors.team",
            ],
        },
    },
]

# --- Database: one parameter moves it from the embedded SQLite file to PostgreSQL ----------------

_SUPPORTED_DB_SCHEMES = {"sqlite", "postgres", "postgresql", "pgsql", "postgis"}
DATABASE_URL = env.str("DATABASE_URL", default="")
if DATABASE_URL:
    _scheme = urlsplit(DATABASE_URL).scheme
    if _scheme not in _SUPPORTED_DB_SCHEMES:
        raise ImproperlyConfigured(
            f"DATABASE_URL has scheme {_scheme!r}; use postgres://user:pass@host:5432/name "
            "or leave it unset for SQLite."
        )
    try:
        _db = env.db_url_config(DATABASE_URL)
    except Exception as exc:  # django-environ raises several types for a bad URL
        raise ImproperlyConfigured(f"DATABASE_URL is malformed: {exc}") from None
else:
    _db = {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": env.str("SQLITE_PATH", default=str(BASE_DIR / "db.sqlite3")),
    }

if _db["ENGINE"] == "django.db.backends.postgresql":
    _options = _db.setdefault("OPTIONS", {})
    # sslmode may come in the URL (?sslmode=require); the variable wins for managed databases.
    _sslmode = env.str("DATABASE_SSLMODE", default="")
    if _sslmode:
        _options["sslmode"] = _sslmode
    _timeout_ms = _setting("DATABASE_STATEMENT_TIMEOUT_MS", int, 30_000)
    if _timeout_ms:
        _options["options"] = f"-c statement_timeout={_timeout_ms}"
    _options.setdefault("connect_timeout", _setting("DATABASE_CONNECT_TIMEOUT", int, 10))
    if _setting("DATABASE_POOL", bool, False):
        # psycopg's pool replaces persistent connections: Django requires CONN_MAX_AGE=0 then.
        _options["pool"] = {
            "min_size": _setting("DATABASE_POOL_MIN", int, 1),
            "max_size": _setting("DATABASE_POOL_MAX", int, 10),
        }
        _db["CONN_MAX_AGE"] = 0
    else:
        _db["CONN_MAX_AGE"] = _setting("DATABASE_CONN_MAX_AGE", int, 60)
        _db["CONN_HEALTH_CHECKS"] = _setting("DATABASE_CONN_HEALTH_CHECKS", bool, True)
else:
    _db.setdefault("OPTIONS", {})
    # WAL lets the web process read while a worker writes; IMMEDIATE avoids lock upgrades.
    _db["OPTIONS"].update(
        {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
DATABASES = {"default": _db}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache, sessions and Celery: REDIS_URL / CELERY_BROKER_URL move them to Redis ----------------

REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "rr",
        }
    }
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    SESSION_ENGINE = "django.contrib.sessions.backends.db"

CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
# Without a broker, the long runs a page starts (retrain, rank a pile) run in a thread so the
# request answers at once (config.celery.Task.delay_in_background).
EAGER_LONG_TASKS_IN_THREAD = True
if not CELERY_BROKER_URL:
    CELERY_BROKER_URL = "memory://"
CELERY_RESULT_BACKEND = env.str("CELERY_RESULT_BACKEND", default="") or None
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SOFT_TIME_LIMIT = _setting("CELERY_TASK_SOFT_TIME_LIMIT", int, 600)
CELERY_TASK_TIME_LIMIT = _setting("CELERY_TASK_TIME_LIMIT", int, 660)
# The visibility timeout must exceed the hard limit, or Redis redelivers running tasks.
# A message whose worker died, or whose acknowledgement was lost with the broker, is handed back
# by a sweep once the timeout has passed. kombu sweeps every interval x throttle seconds (100 s
# by default); sweep every 10 s so that such a message waits about the timeout and no longer.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": CELERY_TASK_TIME_LIMIT * 2,
    "unacked_restore_interval": 10,
    "unacked_restore_throttle": 1,
}
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_TIMEZONE = "UTC"
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A resume still pending (or a job without an embedding) this long after its last change lost its
# task: the beat sweep "requeue stale documents" sends it again.
REQUEUE_PENDING_AFTER_SECONDS = _setting("REQUEUE_PENDING_AFTER_SECONDS", int, 600)
# A worker holding a run (ingestion, retrain) renews its lease every third of this; a run whose
# lease has passed lost its worker (killed, or stopped at the time limit) and is taken over.
RUN_LEASE_SECONDS = _setting("RUN_LEASE_SECONDS", int, 120)
# Rows commit before their task is sent (delay_on_commit): kombu's default (~1 s of retries) would
# drop the message during a broker restart and leave the row unprocessed. Wait this long instead
# (retries after 0, 1, 2, 3, then every 3 s). After that the request still succeeds
# (config.celery.Task logs the unsent task) and the beat sweep re-sends it.
CELERY_PUBLISH_RETRY_SECONDS = _setting("CELERY_PUBLISH_RETRY_SECONDS", int, 25)
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 4 + max(0, -(-(CELERY_PUBLISH_RETRY_SECONDS - 6) // 3)),
    "interval_start": 0,
    "interval_step": 1,
    "interval_max": 3,
}

# --- Files ------------------------------------------------------------------------------------

MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(BASE_DIR / "media")))
# Uploaded resumes live outside any public URL; views stream them to allowed users only.
PRIVATE_MEDIA_ROOT = Path(env.str("PRIVATE_MEDIA_ROOT", default=str(MEDIA_ROOT / "private")))
MEDIA_URL = "/media/"
ARTIFACTS_DIR = Path(env.str("ARTIFACTS_DIR", default=str(BASE_DIR / "artifacts")))
# File-drop sources read this folder or the folders in it, nothing else (not /etc, not /proc).
FILE_DROP_DIR = Path(env.str("FILE_DROP_DIR", default=str(BASE_DIR / "data" / "drop")))
UPLOAD_MAX_BYTES = _setting("UPLOAD_MAX_BYTES", int, 10 * 1024 * 1024)
UPLOAD_MAX_FILES = _setting("UPLOAD_MAX_FILES", int, 100)
# The wall time one request (the API, the upload page, rank a pile) may spend reading its files
# (parsing, storing); the files left when it is spent are refused, each with a message asking
# for it again, and the ones read are kept. A file's own parse stops at what is left of it.
UPLOAD_REQUEST_PARSE_SECONDS = _setting("UPLOAD_REQUEST_PARSE_SECONDS", float, 60.0)
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
# A file past UPLOAD_MAX_BYTES is dropped while it streams in (config.uploads), not spooled to a
# temporary file first; the request's other files go on.
FILE_UPLOAD_HANDLERS = [
    "config.uploads.CappedUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]
DATA_UPLOAD_MAX_NUMBER_FILES = UPLOAD_MAX_FILES

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# --- ML ---------------------------------------------------------------------------------------


def _choice(name: str, default: str, choices: tuple[str, ...]) -> str:
    """A setting that must be one of ``choices``: a typo stops start-up, not the first match."""
    value = env.str(name, default=default)
    if value not in choices:
        raise ImproperlyConfigured(f"{name} is {value!r}; use one of {', '.join(choices)}.")
    return value


EMBEDDER = _choice("EMBEDDER", "minilm", _EMBEDDERS)  # "hashing" is for fast unit tests only
EMBEDDER_PRECISION = _choice("EMBEDDER_PRECISION", "auto", _EMBEDDER_PRECISIONS)
PARAMS_FILE = BASE_DIR / "params.yaml"
# What classifies documents once recruiting has embedded them: the matching app's classifier.
# Recruiting never imports matching, so it calls the function named here
# (recruiting.services.classification).
DOCUMENTS_CLASSIFIER = "matching.services.documents.documents_classify"
# Word weights of the score's keyword part (scripts/build_keyword_model.py writes them).
KEYWORD_MODEL_DIR = BASE_DIR / env.str("KEYWORD_MODEL_DIR", default="data/reference/keywords")
# Compact sentence vectors for explanations (scripts/build_sentence_codec.py writes them).
SENTENCE_CODEC_DIR = BASE_DIR / env.str("SENTENCE_CODEC_DIR", default="data/reference/sentences")
# BM25 beside the dense index, fused by reciprocal rank into the candidate pool; a process
# rebuilds its BM25 index when documents changed, at most this often.
MATCH_LEXICAL_CHANNEL = env.bool("MATCH_LEXICAL_CHANNEL", default=True)
MATCH_LEXICAL_REFRESH_SECONDS = env.int("MATCH_LEXICAL_REFRESH_SECONDS", default=60)
# Load the model and map the stores when a web process starts (gunicorn's post_worker_init, runserver's
# app loading), not on the first request.
WARM_UP = env.bool("WARM_UP", default=True)
# BLAS threads in a web process (gunicorn worker, runserver); workers and commands keep numpy's
# default. 0 or less: leave numpy's default.
WEB_NUMPY_THREADS = env.int("WEB_NUMPY_THREADS", default=1)
# How often a process looks for a newer shared store, and whether it checks each file's sha256
# when it maps one (a few hundred ms at 100k documents, once per version).
STORE_CHECK_SECONDS = env.float("STORE_CHECK_SECONDS", default=1.0)
STORE_VERIFY = env.bool("STORE_VERIFY", default=True)

# --- Auth, security ---------------------------------------------------------------------------

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Reverse proxies in front of the app that this deployment trusts (0: clients reach gunicorn
# directly). Only then do X-Forwarded-Proto (HTTPS, so HSTS and secure cookies) and
# X-Forwarded-For (the client's address, the N-th from the right) count: any client can send
# those headers, so without a trusted proxy they are ignored.
TRUSTED_PROXY_COUNT = _setting("TRUSTED_PROXY_COUNT", int, 0)
if TRUSTED_PROXY_COUNT:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# Login throttling: django-axes locks a username out after repeated failures, from one address
# and from all addresses together (a password tried on one account from many addresses);
# every address is also held to THROTTLE_LOGIN attempts (one password tried on many accounts).
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = _setting("AXES_FAILURE_LIMIT", int, 5)
AXES_COOLOFF_TIME = 0.25  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "username"]
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "config.security.client_ip"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "matching:dashboard"
LOGOUT_REDIRECT_URL = "login"

SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = False  # htmx reads the token from the page, not the cookie
RETENTION_DAYS = _setting("RETENTION_DAYS", int, 730)
# Blind review: ranking pages hide names and contacts until a recruiter reveals a candidate
# (audited). On: required for everyone. Off: each recruiter may switch it on for themself (a
# UserPreference: their pages and their token API calls alike); a reveal lasts for the session.
BLIND_REVIEW = _setting("BLIND_REVIEW", bool, False)
if not DEBUG:
    SECURE_SSL_REDIRECT = _setting("SECURE_SSL_REDIRECT", bool, True)
    SECURE_HSTS_SECONDS = _setting("SECURE_HSTS_SECONDS", int, 31_536_000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    # DRF's JSON parser with a nesting and a size bound (a deep document was a 500).
    "DEFAULT_PARSER_CLASSES": [
        "config.parsers.BoundedJSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_SCHEMA_CLASS": "config.openapi.AutoSchema",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 25,
    "EXCEPTION_HANDLER": "config.exceptions.api_exception_handler",
    # Throttles key anonymous clients by address: X-Forwarded-For only behind trusted proxies.
    "NUM_PROXIES": TRUSTED_PROXY_COUNT,
    "DEFAULT_THROTTLE_RATES": {
        "match": env.str("THROTTLE_MATCH", default="120/min"),
        "upload": env.str("THROTTLE_UPLOAD", default="60/min"),
        "login": env.str("THROTTLE_LOGIN", default="20/min"),
    },
}
SPECTACULAR_SETTINGS = {
    "TITLE": "ResumeRecommender API",
    "DESCRIPTION": "Match resumes and job descriptions: upload, rank, explain, give feedback.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "ENUM_NAME_OVERRIDES": {
        "ResumeStatusEnum": "recruiting.models.Resume.Status",
        "JobStatusEnum": "recruiting.models.Job.Status",
        "RunStatusEnum": "recruiting.models.Run.Status",
        "ModelVersionStatusEnum": "matching.models.ModelVersion.Status",
        "ApplicationStageEnum": "matching.models.Application.Stage",
        "RejectionReasonEnum": "matching.models.Application.RejectionReason",
    },
}

LOG_LEVEL = env.str("LOG_LEVEL", default="INFO")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "faiss.loader": {"level": "WARNING"},
        "axes": {"level": "WARNING"},
    },
}

# --- Schedules: the one place in code. The database scheduler mirrors them into the admin
# (Periodic tasks), where they can be paused or changed. Job sources have their own crontab.
from celery.schedules import crontab  # noqa: E402

CELERY_BEAT_SCHEDULE = {
    # Every minute: the shared job and resume stores catch up with the database (documents
    # processed, edited, closed or erased since), and a BM25 index whose documents changed is
    # rebuilt. Web processes also ask for a sync when they see the store is behind.
    "refresh document stores": {
        "task": "matching.tasks.stores_refresh_task",
        "schedule": crontab(minute="*"),
    },
    # Documents whose processing task was lost (a long broker outage) are queued again.
    "requeue stale documents": {
        "task": "recruiting.tasks.documents_requeue_stale_task",
        "schedule": crontab(minute="*/5"),
    },
    # Hourly: files of uploads whose process was killed before their row was committed.
    "sweep orphan files": {
        "task": "recruiting.tasks.orphan_files_sweep_task",
        "schedule": crontab(minute=17),
    },
    # The same for retrain runs (matching may import recruiting, not the other way round).
    "requeue stale retrains": {
        "task": "matching.tasks.retrain_requeue_stale_task",
        "schedule": crontab(minute="*/5"),
    },
    # And for rankings of a pile: a recruiter is waiting on the page for those.
    "requeue stale pile runs": {
        "task": "matching.tasks.pile_requeue_stale_task",
        "schedule": crontab(minute="*/5"),
    },
    # Daily, after the night's ingestion runs: compare the last week with the training reference.
    "drift checks": {
        "task": "matching.tasks.drift_check_scheduled",
        "schedule": crontab(minute=0, hour=3),
    },
    # Weekly, on the quiet Sunday morning: the job market moves slowly, and a retrain costs minutes.
    "weekly retrain": {
        "task": "matching.tasks.retrain_scheduled",
        "schedule": crontab(minute=0, hour=4, day_of_week=0),
    },
}
PIPELINE_ROOT = Path(env.str("PIPELINE_ROOT", default=str(BASE_DIR)))
