"""Test settings: the base settings with fast hashing, a temporary media folder and the hashing
embedder (integration tests switch to the real model explicitly). Safe for pytest-xdist workers."""

import os
import tempfile

os.environ.setdefault("DJANGO_SECRET_KEY", "test-secret-key-not-for-production")
os.environ.setdefault("DJANGO_DEBUG", "false")
os.environ.setdefault("EMBEDDER", "hashing")

from .base import *  # noqa: F403
from .base import BASE_DIR, CACHES, REDIS_URL

# One folder per process, so each pytest-xdist worker has its own media, artifacts and stores.
_TMP = tempfile.mkdtemp(prefix="rr-test-")
MEDIA_ROOT = Path(_TMP) / "media"  # noqa: F405
PRIVATE_MEDIA_ROOT = MEDIA_ROOT / "private"
ARTIFACTS_DIR = Path(_TMP) / "artifacts"  # noqa: F405
# File-drop sources read this folder and the folders in it only: the tests' temporary folders.
FILE_DROP_DIR = Path(tempfile.gettempdir())  # noqa: F405
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
SECURE_SSL_REDIRECT = False
ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
SHARED_DATA_DIR = BASE_DIR.parent / "shared" / "data"

# pytest-django gives each xdist worker its own test database; the Redis cache gets a key prefix
# per worker, and the tests clear only their own prefix (conftest), never another worker's counts.
if REDIS_URL:
    CACHES["default"]["KEY_PREFIX"] = f"rr-{os.environ.get('PYTEST_XDIST_WORKER', 'test')}"

# Tests run tasks in-process; the live-broker tests start real workers against this URL.
LIVE_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "")
CELERY_TASK_ALWAYS_EAGER = True
EAGER_LONG_TASKS_IN_THREAD = False  # a test sees the run finished when the request returns
CELERY_BROKER_URL = "memory://"
# The feed tests serve fixtures from 127.0.0.1; production keeps the SSRF guard closed.
INGEST_ALLOW_PRIVATE = True

# Every call looks at the shared stores and the database, so tests see their own writes.
STORE_CHECK_SECONDS = 0.0
WARM_UP = False  # tests load what they use
