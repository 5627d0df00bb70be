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


@claimdesk.command("demo")
def demo_command() -> None:
    """Load the demo fund: configuration, members, claims and logins (safe to run again)."""
    import sqlalchemy as sa

    from app.demo import load_demo

    try:
        result = load_demo()
    except (sa.exc.OperationalError, sa.exc.ProgrammingError) as exc:
        raise click.ClickException(
            f"The database is not ready (run `flask --app run db upgrade` first): {exc.orig or exc}"
        ) from exc
    for line in result.lines():
        click.echo(line)
    click.echo("`flask --app run claimdesk demo-logins` shows the logins and their password.")


@claimdesk.command("demo-logins")
def demo_logins_command() -> None:
    """Print the demo's address, its logins with their roles, and their password."""
    from app.demo.logins import demo_logins_text

    click.echo(demo_logins_text())


def register_cli(app: Flask) -> None:
    app.cli.add_command(claimdesk)
