"""Objects shared by the whole application, created unbound and initialised by ``create_app``."""

from flask_appbuilder import AppBuilder
from flask_appbuilder.models.sqla import Model
from flask_appbuilder.models.sqla.base import SQLA
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_migrate import Migrate
from flask_wtf.csrf import CSRFProtect

# One metadata for FAB's security tables and ours, so that Alembic sees all of them.
db = SQLA(metadata=Model.metadata)
migrate = Migrate()
csrf = CSRFProtect()
limiter = Limiter(key_func=get_remote_address, default_limits=[])


def make_appbuilder() -> AppBuilder:
    """A new AppBuilder per application: it keeps its views and menu, so one per app (tests build
    several apps). Code reaches it as ``current_app.appbuilder``.

    Permissions are synced by `flask claimdesk sync-roles` at deploy time, never by each worker.
    """
    return AppBuilder(update_perms=False)


def tune_sqlite(engine) -> None:
    """SQLite settings for many short transactions (bulk runs, concurrent decisions).

    WAL lets readers go on while one writer commits; synchronous NORMAL syncs at checkpoints
    instead of every commit (WAL keeps the database consistent after a crash; the last commits
    may be lost on power failure); busy_timeout makes a second writer wait for the lock instead
    of failing at once. Other databases are left as they are.
    """
    from sqlalchemy import event

    if engine.dialect.name != "sqlite":
        return

    @event.listens_for(engine, "connect")
    def _pragmas(dbapi_connection, connection_record) -> None:  # noqa: ARG001
        cursor = dbapi_connection.cursor()
        if engine.url.database not in (None, "", ":memory:"):
            cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        # SQLite checks foreign keys only when asked, per connection.
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()
