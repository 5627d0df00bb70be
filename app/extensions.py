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
