"""Alembic environment, run by Flask-Migrate (`flask --app run db ...`).

The schema is the whole shared metadata (FAB's security tables and the fund's), because
FAB_CREATE_DB is off and migrations are the only thing that creates tables.
"""

import logging
from logging.config import fileConfig

from alembic import context
from flask import current_app

config = context.config
# Keep the application's logging when Alembic runs inside a test or another command.
if config.config_file_name is not None and config.attributes.get("configure_logger", True):
    fileConfig(config.config_file_name, disable_existing_loggers=False)
logger = logging.getLogger("alembic.env")

migrate_extension = current_app.extensions["migrate"]
engine = migrate_extension.db.engine
config.set_main_option(
    "sqlalchemy.url", engine.url.render_as_string(hide_password=False).replace("%", "%%")
)
target_metadata = migrate_extension.db.metadata


def configure_options() -> dict:
    """Options shared by upgrade and autogenerate (the migrations test uses the same): types are
    compared, so a changed length or precision is a change; operations are rendered in batch
    mode, which SQLite needs to ALTER (it copies the table) and PostgreSQL runs as plain ALTERs,
    so one revision file serves both."""
    options = dict(migrate_extension.configure_args)
    options["compare_type"] = True
    options["render_as_batch"] = True
    options.setdefault("process_revision_directives", _skip_empty_revision)
    return options


def _skip_empty_revision(context, revision, directives):
    """`flask db migrate` with no model change writes no empty revision file."""
    if getattr(config.cmd_opts, "autogenerate", False):
        script = directives[0]
        if script.upgrade_ops.is_empty():
            directives[:] = []
            logger.info("No changes in schema detected.")


def run_migrations_offline() -> None:
    """`flask db upgrade --sql`: print the SQL instead of running it."""
    context.configure(
        url=config.get_main_option("sqlalchemy.url"),
        target_metadata=target_metadata,
        literal_binds=True,
        **configure_options(),
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    with engine.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            **configure_options(),
        )
        with context.begin_transaction():
            context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
