"""`flask claimdesk ...`: the fund's commands (run as `.venv/bin/flask --app run <command>`)."""

from __future__ import annotations

import click
from flask import Flask
from flask.cli import AppGroup

claimdesk = AppGroup("claimdesk", help="Claimdesk administration commands.")


@claimdesk.command("sync-roles")
def sync_roles_command() -> None:
    """Create the fund's permissions and roles (run once per deploy, before the workers)."""
    from app.services.roles import sync_roles

    summary = sync_roles()
    for role, count in summary.items():
        click.echo(f"{role}: {count} permissions")


def register_cli(app: Flask) -> None:
    app.cli.add_command(claimdesk)
