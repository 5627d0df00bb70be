"""Claimdesk configuration.

Every value can be overridden by an environment variable named ``CLAIMDESK_<NAME>``; nothing secret
is kept in the repository. The embedded defaults need no server: a SQLite file and local files
under ``instance/``.
"""

from __future__ import annotations

import os
import secrets
from datetime import timedelta
from pathlib import Path

from flask_appbuilder.security.manager import AUTH_DB

BASE_DIR = Path(__file__).resolve().parent
PREFIX = "CLAIMDESK_"


def env(name: str, default: str | None = None) -> str | None:
    return os.environ.get(PREFIX + name, default)


def env_int(name: str, default: int) -> int:
    return int(env(name, str(default)))


def env_bool(name: str, default: bool) -> bool:
    value = env(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def normalise_database_url(url: str) -> str:
    """SQLAlchemy 2.1 maps plain ``postgresql://`` to psycopg 3; we ship psycopg2."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg2://" + url[len(prefix):]
    return url


def instance_secret(instance_path: Path, filename: str, nbytes: int = 32) -> str:
    """A random value generated once and kept in the instance folder (never committed)."""
    instance_path.mkdir(parents=True, exist_ok=True)
    path = instance_path / filename
    if not path.exists():
        # O_EXCL so that two processes starting at once keep the same value.
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass
        else:
            with os.fdopen(fd, "w") as handle:
                handle.write(secrets.token_urlsafe(nbytes))
    return path.read_text().strip()


INSTANCE_PATH = Path(env("INSTANCE_PATH", str(BASE_DIR / "instance"))).resolve()

# --- Application -----------------------------------------------------------------------------
APP_NAME = env("APP_NAME", "Claimdesk")
FUND_NAME = env("FUND_NAME", "Claimdesk Demo Medical Fund")
FUND_TIMEZONE = env("FUND_TIMEZONE", "Africa/Nairobi")
LOG_LEVEL = env("LOG_LEVEL", "INFO")
SECRET_KEY = env("SECRET_KEY") or instance_secret(INSTANCE_PATH, "secret_key")

# --- Database --------------------------------------------------------------------------------
SQLALCHEMY_DATABASE_URI = normalise_database_url(
    env("DATABASE_URL", f"sqlite:///{INSTANCE_PATH / 'claimdesk.db'}")
)
SQLALCHEMY_TRACK_MODIFICATIONS = False
SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}

# --- Files -----------------------------------------------------------------------------------
UPLOAD_FOLDER = env("UPLOAD_FOLDER", str(INSTANCE_PATH / "uploads"))
STORAGE_URL = env("STORAGE_URL", "")
# The attachment types accepted (a subset of pdf,jpeg,png,webp,heic); empty accepts them all.
UPLOAD_TYPES = env("UPLOAD_TYPES", "pdf,jpeg,png,webp,heic")

# --- Flask-AppBuilder ------------------------------------------------------------------------
AUTH_TYPE = AUTH_DB
AUTH_ROLE_ADMIN = "Admin"
AUTH_ROLE_PUBLIC = "Public"
FAB_SECURITY_MANAGER_CLASS = "app.security.ClaimdeskSecurityManager"
# Migrations create every table (FAB's included); workers never race on the permission sync,
# which `flask claimdesk sync-roles` does once at deploy time.
FAB_CREATE_DB = False
FAB_UPDATE_PERMS = env_bool("UPDATE_PERMS", False)
FAB_ADD_SECURITY_API = False
FAB_API_SWAGGER_UI = True
FAB_API_MAX_PAGE_SIZE = env_int("API_MAX_PAGE_SIZE", 100)
FAB_SECURITY_SIGNALS_ENABLED = True
FAB_PASSWORD_COMPLEXITY_ENABLED = True
PAGE_SIZE = env_int("PAGE_SIZE", 25)
FAB_BASE_TEMPLATE = "claimdesk_base.html"
# The front page is a member's home (balance, recent claims) for a login linked to a member.
FAB_INDEX_VIEW = "app.views.member_home.IndexView"

# --- Language --------------------------------------------------------------------------------
BABEL_DEFAULT_LOCALE = env("DEFAULT_LOCALE", "en")
BABEL_DEFAULT_FOLDER = str(BASE_DIR / "translations")
BABEL_TRANSLATION_DIRECTORIES = str(BASE_DIR / "translations")
LANGUAGES = {"en": {"flag": "gb", "name": "English"}}

# --- Sessions and security -------------------------------------------------------------------
WTF_CSRF_ENABLED = True
WTF_CSRF_TIME_LIMIT = None  # the token lives as long as the session, which times out itself
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
# Secure cookies whenever served over HTTPS; behind a TLS-terminating proxy set it explicitly.
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", False)
REMEMBER_COOKIE_HTTPONLY = True
REMEMBER_COOKIE_SAMESITE = "Lax"
SESSION_IDLE_MINUTES = env_int("SESSION_IDLE_MINUTES", 30)
PERMANENT_SESSION_LIFETIME = timedelta(minutes=SESSION_IDLE_MINUTES)
# Write the session cookie only when the session changed (app.auth.enforce_idle_timeout: a
# response rewriting it unchanged could undo a newer one, e.g. a logout).
SESSION_REFRESH_EACH_REQUEST = False
LOCKOUT_MAX_FAILURES = env_int("LOCKOUT_MAX_FAILURES", 5)
LOCKOUT_MINUTES = env_int("LOCKOUT_MINUTES", 15)
# Flask-Limiter storage: process memory only suits one process; production sets redis://.
RATELIMIT_STORAGE_URI = env("RATELIMIT_STORAGE_URI", "memory://")
# If Redis is unreachable, limit per process rather than refuse every login with a 500.
RATELIMIT_IN_MEMORY_FALLBACK_ENABLED = True
API_LOGIN_RATE_LIMIT = env("API_LOGIN_RATE_LIMIT", "10 per minute")
MAX_CONTENT_LENGTH = env_int("MAX_REQUEST_BYTES", 60 * 1024 * 1024)
PREFERRED_URL_SCHEME = env("URL_SCHEME", "http")

# --- Demo ------------------------------------------------------------------------------------
DEMO_PASSWORD = env("DEMO_PASSWORD")
