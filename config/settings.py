"""Settings for every role (web, workers, tests); all values come from the environment."""

import ipaddress
from datetime import timedelta
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured
from redis.asyncio.retry import Retry as AsyncRetry
from redis.backoff import ExponentialBackoff

from config import secret_key

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()


def env_fraction(name: str, default: float) -> float:
    """A float setting that must lie in [0, 1]."""
    value = env.float(name, default=default)
    if not 0.0 <= value <= 1.0:
        raise ImproperlyConfigured(f"{name} must be between 0 and 1, got {value}")
    return value


def env_networks(name: str, default: list[str]) -> list[str]:
    """A comma-separated list of CIDR networks (e.g. ``10.0.0.0/8,::1/128``)."""
    networks = [
        item.strip() for item in env.list(name, default=default) if item.strip()
    ]
    for network in networks:
        try:
            ipaddress.ip_network(network, strict=False)
        except ValueError as error:
            raise ImproperlyConfigured(f"{name}: {error}") from error
    return networks


# --- Core
DEBUG = env.bool("DEBUG", default=False)
# Never a public default: the variable, else the checkout's own random key file
# (`make` creates it on first start); a deployment with neither refuses to start.
SECRET_KEY_FILE = Path(
    env.str("SECRET_KEY_FILE", default=str(BASE_DIR / ".secret_key"))
)
SECRET_KEY = env.str("SECRET_KEY", default="") or secret_key.read(SECRET_KEY_FILE)
if not SECRET_KEY:
    raise ImproperlyConfigured(
        "SECRET_KEY is not set. Set the SECRET_KEY environment variable (the same "
        "long random value for every web process and worker), or run `make run` "
        f"once to create a random local key in {SECRET_KEY_FILE}."
    )
ALLOWED_HOSTS = env.list(
    "ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"]
)
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework_simplejwt.token_blacklist",
    # Before accounts, whose admin replaces the library's keyless APIKey admin.
    "rest_framework_api_key",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",  # Swagger UI and ReDoc, served offline
    "channels",
    "django_prometheus",
    "accounts",
    "detector",
    "inference",
]

MIDDLEWARE = [
    "django_prometheus.middleware.PrometheusBeforeMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_prometheus.middleware.PrometheusAfterMiddleware",
]

ROOT_URLCONF = "config.urls"
ASGI_APPLICATION = "config.asgi.application"
WSGI_APPLICATION = "config.wsgi.application"
AUTH_USER_MODEL = "accounts.User"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

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
            ],
        },
    },
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

# --- Database
DATABASES = {
    "default": env.db(
        "DATABASE_URL", default="postgres://postgres@127.0.0.1:5432/detector"
    )
}
DATABASES["default"]["ENGINE"] = "django_prometheus.db.backends.postgresql"
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
# https://docs.djangoproject.com/en/5.2/ref/databases/#connection-pool
# Under ASGI each request runs in a thread of its own, so per-thread persistent
# connections leaked until PostgreSQL ran out ("too many clients"). A pool per
# process bounds them: past max_size a request waits up to `timeout` for a free
# connection. Django requires CONN_MAX_AGE = 0 with a pool.
DATABASE_POOL_MIN_SIZE = env.int("DATABASE_POOL_MIN_SIZE", default=1)
DATABASE_POOL_MAX_SIZE = env.int("DATABASE_POOL_MAX_SIZE", default=10)
if (
    not 0 <= DATABASE_POOL_MIN_SIZE <= DATABASE_POOL_MAX_SIZE
    or not DATABASE_POOL_MAX_SIZE
):
    raise ImproperlyConfigured(
        "DATABASE_POOL_MAX_SIZE must be at least 1 and DATABASE_POOL_MIN_SIZE "
        "between 0 and DATABASE_POOL_MAX_SIZE"
    )
DATABASES["default"]["CONN_MAX_AGE"] = 0
DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
    "min_size": DATABASE_POOL_MIN_SIZE,
    "max_size": DATABASE_POOL_MAX_SIZE,
    "timeout": env.float("DATABASE_POOL_TIMEOUT", default=5.0),
}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": f"django.contrib.auth.password_validation.{name}"}
    for name in (
        "UserAttributeSimilarityValidator",
        "MinimumLengthValidator",
        "CommonPasswordValidator",
        "NumericPasswordValidator",
    )
]

# --- Redis: one server, a distinct key prefix or database use per role
REDIS_URL = env.str("REDIS_URL", default="redis://127.0.0.1:6379/0")
# Bound every Redis call so a blackholed Redis cannot hang a request.
REDIS_SOCKET_TIMEOUT = env.float("REDIS_SOCKET_TIMEOUT", default=3.0)

CACHES = {
    "default": {
        # django_redis's RedisCache, counting gets, hits and misses for /metrics.
        "BACKEND": "django_prometheus.cache.backends.redis.RedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": "cache",
        "OPTIONS": {
            "SOCKET_CONNECT_TIMEOUT": REDIS_SOCKET_TIMEOUT,
            "SOCKET_TIMEOUT": REDIS_SOCKET_TIMEOUT,
        },
    }
}

# Each socket waits on Redis with a 5-second blocking pop; redis-py's default
# 5-second read timeout would end that wait first and drop the socket. The
# retry replaces pooled connections that a Redis restart closed.
CHANNEL_LAYERS = {
    "default": {
        "BACKEND": "channels_redis.core.RedisChannelLayer",
        "CONFIG": {
            "hosts": [
                {
                    "address": REDIS_URL,
                    "socket_timeout": 15,
                    "retry": AsyncRetry(ExponentialBackoff(cap=1.0), retries=2),
                }
            ],
            "prefix": "channels",
        },
    }
}

# --- Static files and uploads
STATIC_URL = "/static/"
STATIC_ROOT = Path(env.str("STATIC_ROOT", default=str(BASE_DIR / "staticfiles")))
FRONTEND_DIST = BASE_DIR / "frontend" / "dist"
STATICFILES_DIRS = [FRONTEND_DIST] if FRONTEND_DIST.is_dir() else []
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(BASE_DIR / "media")))
MEDIA_URL = "/media/"

# https://django-storages.readthedocs.io/en/latest/backends/amazon-S3.html
DETECTOR_STORAGE = env.str("DETECTOR_STORAGE", default="local")
if DETECTOR_STORAGE not in {"local", "s3"}:
    raise ImproperlyConfigured("DETECTOR_STORAGE must be 'local' or 's3'")
STORAGES = {
    "default": (
        {"BACKEND": "django.core.files.storage.FileSystemStorage"}
        if DETECTOR_STORAGE == "local"
        else {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": env.str("AWS_STORAGE_BUCKET_NAME", default=""),
                "endpoint_url": env.str("AWS_S3_ENDPOINT_URL", default="") or None,
                "default_acl": None,
                "querystring_auth": True,
                "file_overwrite": False,
            },
        }
    ),
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}

DETECTOR_MAX_UPLOAD_BYTES = env.int("DETECTOR_MAX_UPLOAD_BYTES", default=50 * 1024**2)
# Keep uploads off the heap: anything above 2.5 MB is spooled to a temporary file.
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
# Batches: up to this many files (or zip entries) per request, within a body
# limit of their own (config/asgi.py); a single upload still refuses a second file.
DETECTOR_MAX_BATCH_FILES = env.int("DETECTOR_MAX_BATCH_FILES", default=20)
DETECTOR_MAX_BATCH_BYTES = env.int("DETECTOR_MAX_BATCH_BYTES", default=200 * 1024**2)
if DETECTOR_MAX_BATCH_FILES < 1:
    raise ImproperlyConfigured("DETECTOR_MAX_BATCH_FILES must be at least 1")
DATA_UPLOAD_MAX_NUMBER_FILES = DETECTOR_MAX_BATCH_FILES
# Uploads by link: the whole fetch, redirects included, must end within this.
DETECTOR_URL_FETCH_TIMEOUT_SECONDS = env.float(
    "DETECTOR_URL_FETCH_TIMEOUT_SECONDS", default=60.0
)
# Retention in days, applied hourly (0 keeps forever): stored recordings, and
# whole detections (result, chunk rows and recording).
DETECTOR_RETAIN_AUDIO_DAYS = env.int("DETECTOR_RETAIN_AUDIO_DAYS", default=0)
DETECTOR_RETAIN_RESULTS_DAYS = env.int("DETECTOR_RETAIN_RESULTS_DAYS", default=0)
if min(DETECTOR_RETAIN_AUDIO_DAYS, DETECTOR_RETAIN_RESULTS_DAYS) < 0:
    raise ImproperlyConfigured("DETECTOR_RETAIN_*_DAYS must be 0 (forever) or more")

# --- Client addresses
# Reverse proxies (addresses or networks) whose X-Forwarded-For is believed;
# empty: the TCP peer is the client and forwarded headers are ignored. uvicorn
# applies it (--forwarded-allow-ips in manage.py serve and docker/start/web), so
# throttles, /metrics and the access log all see the same client address.
DETECTOR_TRUSTED_PROXIES = env_networks("DETECTOR_TRUSTED_PROXIES", [])

# Requests to user-given addresses (webhooks, audio links): https only unless
# plain http is allowed for local development, and never to a non-public
# address unless its network is listed here (e.g. a test receiver on loopback).
DETECTOR_OUTBOUND_ALLOW_HTTP = env.bool("DETECTOR_OUTBOUND_ALLOW_HTTP", default=False)
DETECTOR_OUTBOUND_ALLOWED_NETWORKS = env_networks(
    "DETECTOR_OUTBOUND_ALLOWED_NETWORKS", []
)

# --- Webhooks (docs/webhooks.md)
# Standard Webhooks' schedule: the waits after each failed attempt (about a day).
DETECTOR_WEBHOOK_RETRY_SCHEDULE = env.list(
    "DETECTOR_WEBHOOK_RETRY_SCHEDULE",
    cast=float,
    default=[5, 300, 1800, 7200, 18000, 36000, 36000],
)
DETECTOR_WEBHOOK_TIMEOUT_SECONDS = env.float(
    "DETECTOR_WEBHOOK_TIMEOUT_SECONDS", default=15.0
)
# A receiver's Retry-After may lengthen a wait up to this, never shorten it.
DETECTOR_WEBHOOK_MAX_RETRY_AFTER_SECONDS = env.float(
    "DETECTOR_WEBHOOK_MAX_RETRY_AFTER_SECONDS", default=36000.0
)
# After a rotation the old secret also signs for this long.
DETECTOR_WEBHOOK_SECRET_GRACE_SECONDS = env.int(
    "DETECTOR_WEBHOOK_SECRET_GRACE_SECONDS", default=24 * 3600
)
DETECTOR_WEBHOOK_MAX_ENDPOINTS = env.int("DETECTOR_WEBHOOK_MAX_ENDPOINTS", default=10)
DETECTOR_WEBHOOK_MAX_RESPONSE_BYTES = env.int(
    "DETECTOR_WEBHOOK_MAX_RESPONSE_BYTES", default=64 * 1024
)
# How often due deliveries are queued; a queued one not sent within the
# requeue time (its message lost with Redis, its worker killed) is queued again.
DETECTOR_WEBHOOK_DISPATCH_INTERVAL_SECONDS = env.float(
    "DETECTOR_WEBHOOK_DISPATCH_INTERVAL_SECONDS", default=5.0
)
DETECTOR_WEBHOOK_REQUEUE_SECONDS = env.int(
    "DETECTOR_WEBHOOK_REQUEUE_SECONDS", default=300
)
if not 0 < DETECTOR_WEBHOOK_TIMEOUT_SECONDS < DETECTOR_WEBHOOK_REQUEUE_SECONDS:
    raise ImproperlyConfigured(
        "DETECTOR_WEBHOOK_TIMEOUT_SECONDS must be positive and shorter than "
        "DETECTOR_WEBHOOK_REQUEUE_SECONDS"
    )
if any(delay < 0 for delay in DETECTOR_WEBHOOK_RETRY_SCHEDULE):
    raise ImproperlyConfigured("DETECTOR_WEBHOOK_RETRY_SCHEDULE must not be negative")

# --- REST framework and JWT
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "accounts.authentication.RevocableJWTAuthentication",
        "accounts.api_key_authentication.ApiKeyAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": [
        "rest_framework.permissions.IsAuthenticated",
        "accounts.permissions.ApiKeyScopePermission",
    ],
    "DEFAULT_SCHEMA_CLASS": "config.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "detector.pagination.StandardPagination",
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.SearchFilter",
    ],
    "DEFAULT_THROTTLE_CLASSES": ["config.throttling.FailOpenScopedRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {
        "login": env.str("DETECTOR_THROTTLE_LOGIN", default="10/min"),
        "register": env.str("DETECTOR_THROTTLE_REGISTER", default="5/min"),
        "upload": env.str("DETECTOR_THROTTLE_UPLOAD", default="30/min"),
        # One hit per batch request, whatever its size (DETECTOR_MAX_BATCH_FILES).
        "batch": env.str("DETECTOR_THROTTLE_BATCH", default="5/min"),
        "webhook_test": env.str("DETECTOR_THROTTLE_WEBHOOK_TEST", default="10/min"),
        "report": env.str("DETECTOR_THROTTLE_REPORT", default="30/min"),
    },
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
    # uvicorn has already resolved the client into REMOTE_ADDR from
    # DETECTOR_TRUSTED_PROXIES; DRF's default (None) would key throttles on the
    # raw X-Forwarded-For, which a client rewrites on every request.
    "NUM_PROXIES": 0,
    "EXCEPTION_HANDLER": "config.errors.api_exception_handler",
}

# Unrevoked API keys a user may hold at once (expired ones count until revoked).
DETECTOR_MAX_API_KEYS = env.int("DETECTOR_MAX_API_KEYS", default=20)

SIMPLE_JWT = {
    "ACCESS_TOKEN_LIFETIME": timedelta(
        seconds=env.int("JWT_ACCESS_LIFETIME_SECONDS", default=15 * 60)
    ),
    "REFRESH_TOKEN_LIFETIME": timedelta(
        seconds=env.int("JWT_REFRESH_LIFETIME_SECONDS", default=7 * 24 * 3600)
    ),
    "ROTATE_REFRESH_TOKENS": True,
    "BLACKLIST_AFTER_ROTATION": True,
    "UPDATE_LAST_LOGIN": True,
    "ALGORITHM": "HS256",
    "SIGNING_KEY": env.str("JWT_SIGNING_KEY", default=SECRET_KEY),
}

# https://drf-spectacular.readthedocs.io/en/latest/settings.html
# `make schema` writes the schema to docs/openapi.yaml; the dashboard's types come from it.
SPECTACULAR_SETTINGS = {
    "TITLE": "Audio deepfake detection API",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    # The description (overview, errors, the WebSocket protocol): config/openapi.py.
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "config.openapi.describe_api",
    ],
    # Stable names for the enums the dashboard's generated types refer to.
    "ENUM_NAME_OVERRIDES": {
        "DetectionStatus": "detector.models.Detection.Status",
        "Assessment": "detector.models.Detection.Assessment",
        "InconclusiveReason": "detector.models.Detection.InconclusiveReason",
        "ApiKeyScope": "accounts.models.ApiKey.Scope",
        "WebhookEventType": "detector.webhooks.models.EVENT_TYPES",
        "WebhookDeliveryStatus": "detector.webhooks.models.WebhookDelivery.Status",
    },
    # Nothing from a CDN: the docs pages work offline.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "SWAGGER_UI_SETTINGS": {"deepLinking": True, "persistAuthorization": True},
}

# --- Celery (https://docs.celeryq.dev/en/stable/userguide/configuration.html)
CELERY_BROKER_URL = REDIS_URL
CELERY_RESULT_BACKEND = REDIS_URL  # the chord needs a result backend
CELERY_TASK_SERIALIZER = CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_RESULT_EXPIRES = 3600
CELERY_TASK_ACKS_LATE = True  # tasks are idempotent; see inference/tasks.py
CELERY_TASK_REJECT_ON_WORKER_LOST = True  # bounded by the attempts guard
CELERY_WORKER_PREFETCH_MULTIPLIER = 1  # long tasks: reserve one at a time
CELERY_TASK_SOFT_TIME_LIMIT = env.int("DETECTOR_TASK_SOFT_LIMIT", default=300)
CELERY_TASK_TIME_LIMIT = CELERY_TASK_SOFT_TIME_LIMIT + 30
# Longer than any task, or Redis redelivers a message while it still runs.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": CELERY_TASK_TIME_LIMIT * 4,
    "socket_timeout": REDIS_SOCKET_TIMEOUT,
    "socket_connect_timeout": REDIS_SOCKET_TIMEOUT,
    # A worker polls its queues in the order given (-Q stream,inference), so a
    # live stream's window never waits behind a queue of uploads.
    "queue_order_strategy": "priority",
}
CELERY_RESULT_BACKEND_TRANSPORT_OPTIONS = {
    "visibility_timeout": CELERY_TASK_TIME_LIMIT * 4
}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_WORKER_CANCEL_LONG_RUNNING_TASKS_ON_CONNECTION_LOSS = True
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
CELERY_WORKER_SEND_TASK_EVENTS = True
CELERY_TASK_SEND_SENT_EVENT = True
# A publish to a dead broker gives up quickly; the sweeper enqueues later.
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 2,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.5,
}

# --- The detector
# The project's trained default; before it is built, the untrained offline demo.
TRAINED_DEFAULT_MODEL = BASE_DIR / "models" / "default"
DEMO_MODEL = BASE_DIR / "models" / "offline-demo"
DETECTOR_MODEL = env.str(
    "DETECTOR_MODEL",
    default=str(
        TRAINED_DEFAULT_MODEL if TRAINED_DEFAULT_MODEL.is_dir() else DEMO_MODEL
    ),
)
DETECTOR_MODEL_REVISION = env.str("DETECTOR_MODEL_REVISION", default="") or None
DETECTOR_DEVICE = env.str("DETECTOR_DEVICE", default="")  # "" = cuda:0 if present
DETECTOR_BATCH_SIZE = env.int("DETECTOR_BATCH_SIZE", default=8)
# How the worker scores (inference/scoring_paths.py): "auto" takes the fastest path
# within 0.01 of fp32 on reference chunks; or force one: fp32, int8, int8-bf16
# (CPU), fp16, bf16 (CUDA).
DETECTOR_SCORING_PATH = env.str("DETECTOR_SCORING_PATH", default="auto")
DETECTOR_TORCH_THREADS = env.int(
    "DETECTOR_TORCH_THREADS", default=0
)  # 0 = torch's choice
DETECTOR_MAX_DURATION_SECONDS = env.int("DETECTOR_MAX_DURATION_SECONDS", default=3600)
DETECTOR_CHUNK_SECONDS = 4.0
DETECTOR_MIN_CHUNK_SECONDS = env.float("DETECTOR_MIN_CHUNK_SECONDS", default=1.0)
DETECTOR_CHUNK_TTL_SECONDS = env.int("DETECTOR_CHUNK_TTL_SECONDS", default=6 * 3600)
DETECTOR_DECODE_CPU_SECONDS = env.int("DETECTOR_DECODE_CPU_SECONDS", default=120)
DETECTOR_DECODE_MEMORY_BYTES = env.int(
    "DETECTOR_DECODE_MEMORY_BYTES", default=1024 * 1024**2
)
# Speech gating (Silero VAD): a chunk counts when this share of it is speech,
# and a recording gets a verdict only with this much counted speech in all.
DETECTOR_MIN_SPEECH_RATIO = env_fraction("DETECTOR_MIN_SPEECH_RATIO", 0.2)
DETECTOR_MIN_SPEECH_SECONDS = env.float("DETECTOR_MIN_SPEECH_SECONDS", default=1.0)
if DETECTOR_MIN_SPEECH_SECONDS < 0:
    raise ImproperlyConfigured("DETECTOR_MIN_SPEECH_SECONDS must not be negative")
# A chunk quieter than this RMS level is silent: it tells "no speech" apart from
# "sound that is not speech" when a recording is inconclusive.
DETECTOR_SILENCE_DBFS = env.float("DETECTOR_SILENCE_DBFS", default=-50.0)
if DETECTOR_SILENCE_DBFS > 0:
    raise ImproperlyConfigured("DETECTOR_SILENCE_DBFS must be 0 or below (dBFS)")
DETECTOR_LIKELY_FAKE_THRESHOLD = env_fraction("DETECTOR_LIKELY_FAKE_THRESHOLD", 0.5)
DETECTOR_FAKE_THRESHOLD = env_fraction("DETECTOR_FAKE_THRESHOLD", 0.8)
if DETECTOR_LIKELY_FAKE_THRESHOLD > DETECTOR_FAKE_THRESHOLD:
    raise ImproperlyConfigured(
        "DETECTOR_LIKELY_FAKE_THRESHOLD must not exceed DETECTOR_FAKE_THRESHOLD"
    )
# calibration_report --fit: the fewest genuine + synthetic labels it fits on, and
# the share of genuine recordings its proposed fake threshold may flag.
DETECTOR_CALIBRATION_MIN_LABELS = env.int("DETECTOR_CALIBRATION_MIN_LABELS", default=50)
DETECTOR_CALIBRATION_MAX_FALSE_ALARM = env_fraction(
    "DETECTOR_CALIBRATION_MAX_FALSE_ALARM", 0.01
)
DETECTOR_MAX_ATTEMPTS = env.int("DETECTOR_MAX_ATTEMPTS", default=3)
# Retries of a task hit by a PostgreSQL or Redis outage: doubling from the delay
# to the cap, each between half and all of it; the defaults span 2 to 4 minutes.
DETECTOR_TASK_MAX_RETRIES = env.int("DETECTOR_TASK_MAX_RETRIES", default=8)
DETECTOR_RETRY_DELAY_SECONDS = env.float("DETECTOR_RETRY_DELAY_SECONDS", default=2.0)
DETECTOR_RETRY_MAX_DELAY_SECONDS = env.float(
    "DETECTOR_RETRY_MAX_DELAY_SECONDS", default=60.0
)
# A pending detection older than this was never picked up: enqueue it again.
DETECTOR_PENDING_REQUEUE_SECONDS = env.int(
    "DETECTOR_PENDING_REQUEUE_SECONDS", default=120
)
DETECTOR_SWEEP_INTERVAL_SECONDS = env.int("DETECTOR_SWEEP_INTERVAL_SECONDS", default=60)
# A detection making no progress for this long lost its worker.
DETECTOR_STALLED_SECONDS = env.int(
    "DETECTOR_STALLED_SECONDS", default=2 * CELERY_TASK_TIME_LIMIT
)
# Health never waits longer than this, and reuses a result for the cache time.
DETECTOR_HEALTH_TIMEOUT_SECONDS = env.float(
    "DETECTOR_HEALTH_TIMEOUT_SECONDS", default=1.0
)
DETECTOR_HEALTH_CACHE_SECONDS = env.float("DETECTOR_HEALTH_CACHE_SECONDS", default=2.0)
# Workers announce themselves this often; three missed beats mean gone.
DETECTOR_WORKER_HEARTBEAT_SECONDS = env.int(
    "DETECTOR_WORKER_HEARTBEAT_SECONDS", default=5
)

# --- Live streams (docs/streaming.md)
# Open streams per user and on the platform; beyond them a stream is refused
# (4409, 4503). Counted in Redis with an expiry each open stream renews, so a
# crashed web process frees its slots after DETECTOR_STREAM_SLOT_TTL_SECONDS.
DETECTOR_STREAM_MAX_PER_USER = env.int("DETECTOR_STREAM_MAX_PER_USER", default=2)
DETECTOR_STREAM_MAX_TOTAL = env.int("DETECTOR_STREAM_MAX_TOTAL", default=8)
DETECTOR_STREAM_SLOT_TTL_SECONDS = env.int(
    "DETECTOR_STREAM_SLOT_TTL_SECONDS", default=30
)
DETECTOR_STREAM_MAX_SECONDS = env.int("DETECTOR_STREAM_MAX_SECONDS", default=600)
DETECTOR_STREAM_MAX_FRAME_BYTES = env.int(
    "DETECTOR_STREAM_MAX_FRAME_BYTES", default=64 * 1024
)
# Audio seconds per wall-clock second, over a sliding window: 2 lets a file be
# sent a little ahead of real time, never as fast as the network allows.
DETECTOR_STREAM_MAX_RATE = env.float("DETECTOR_STREAM_MAX_RATE", default=2.0)
DETECTOR_STREAM_RATE_WINDOW_SECONDS = env.float(
    "DETECTOR_STREAM_RATE_WINDOW_SECONDS", default=5.0
)
# How far the audio may fall behind real time before the client counts as gone.
DETECTOR_STREAM_IDLE_SECONDS = env.float("DETECTOR_STREAM_IDLE_SECONDS", default=10.0)
# Windows being scored per stream; later ones are skipped while the workers lag.
DETECTOR_STREAM_MAX_PENDING_WINDOWS = env.int(
    "DETECTOR_STREAM_MAX_PENDING_WINDOWS", default=2
)
DETECTOR_STREAM_FINAL_TIMEOUT_SECONDS = env.float(
    "DETECTOR_STREAM_FINAL_TIMEOUT_SECONDS", default=120.0
)
if min(DETECTOR_STREAM_MAX_PER_USER, DETECTOR_STREAM_MAX_TOTAL) < 0:
    raise ImproperlyConfigured("DETECTOR_STREAM_MAX_* must not be negative")
if DETECTOR_STREAM_MAX_RATE < 1:
    raise ImproperlyConfigured("DETECTOR_STREAM_MAX_RATE must be at least 1")

# --- Evidence reports (detector/report/)
# PDFs rendered at once per web process; a caller waits this long for a slot, then 503.
DETECTOR_REPORT_CONCURRENCY = env.int("DETECTOR_REPORT_CONCURRENCY", default=2)
DETECTOR_REPORT_WAIT_SECONDS = env.float("DETECTOR_REPORT_WAIT_SECONDS", default=15.0)
if DETECTOR_REPORT_CONCURRENCY < 1:
    raise ImproperlyConfigured("DETECTOR_REPORT_CONCURRENCY must be at least 1")
# How long a run's timeline figure stays cached in Redis.
DETECTOR_REPORT_FIGURE_CACHE_SECONDS = env.int(
    "DETECTOR_REPORT_FIGURE_CACHE_SECONDS", default=7 * 24 * 3600
)

# --- Metrics (web: /metrics via config.metrics_view; workers: inference.worker_metrics)
# Prometheus reads the web's /metrics with this bearer token, or from these networks.
DETECTOR_METRICS_TOKEN = env.str("DETECTOR_METRICS_TOKEN", default="")
DETECTOR_METRICS_ALLOWED_NETWORKS = env_networks(
    "DETECTOR_METRICS_ALLOWED_NETWORKS", ["127.0.0.0/8", "::1/128"]
)
# Each worker serves its own metrics on this port (0 = off); see manage.py serve.
DETECTOR_WORKER_METRICS_PORT = env.int("DETECTOR_WORKER_METRICS_PORT", default=0)
DETECTOR_WORKER_METRICS_ADDRESS = env.str(
    "DETECTOR_WORKER_METRICS_ADDRESS", default="127.0.0.1"
)

# --- Logging (workers and beat use the same config: see config/celery.py)
LOG_LEVEL = env.str("LOG_LEVEL", default="INFO")
LOG_FORMAT = env.str("LOG_FORMAT", default="text")
if LOG_FORMAT not in {"text", "json"}:
    raise ImproperlyConfigured("LOG_FORMAT must be 'text' or 'json'")
LOGGING_CONFIG = "config.log_context.configure"  # LOGGING, and warnings as log records
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        # The detection's request_id, from the upload through each pipeline task.
        "request_id": {
            "()": "config.log_context.RequestIdFilter",
            "default": None if LOG_FORMAT == "json" else "-",
        }
    },
    "formatters": {
        "text": {
            "format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"
        },
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(request_id)s %(message)s",
        },
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": LOG_FORMAT,
            "filters": ["request_id"],
        }
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    # uvicorn installs its own handlers and format; send its lines through ours.
    "loggers": {
        name: {"handlers": [], "propagate": True}
        for name in ("uvicorn", "uvicorn.error", "uvicorn.access")
    },
}
