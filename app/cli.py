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


@claimdesk.command("create-member-logins")
def create_member_logins_command() -> None:
    """Give every member with an e-mail address and no login a login with a one-time password
    (printed once: pass each on to its member, who must set his own at first login)."""
    from app.extensions import db
    from app.services.member_accounts import create_logins, members_without_login

    created, skipped = create_logins(db.session, members_without_login(db.session), None)
    for login in created:
        click.echo(f"{login.member_number}\t{login.username}\t{login.one_time_password}")
    for row in skipped:
        click.echo(f"{row.member_number}\tskipped: {row.reason}", err=True)
    click.echo(f"{len(created)} logins created, {len(skipped)} skipped.")


@claimdesk.command("expire-chronic")
def expire_chronic_command() -> None:
    """Mark approved chronic requests whose validity has ended as expired (run daily; safe to
    run again)."""
    from app.services.chronic import expire_lapsed

    expired = expire_lapsed()
    for request in expired:
        click.echo(f"Expired chronic request #{request.id} (valid to {request.valid_to}).")
    click.echo(f"{len(expired)} chronic request(s) expired.")


@claimdesk.command("sla-tick")
def sla_tick_command() -> None:
    """Bring every claim's SLA status up to now; flag new breaches and notify the Committee
    once per breach (safe to run every minute, and to run again)."""
    from app.extensions import db
    from app.services.sla_tick import sla_tick

    for line in sla_tick(db.session).lines():
        click.echo(line)


@claimdesk.command("anonymise-member")
@click.argument("member_number")
@click.option("--by", "username", required=True, help="The Admin login doing it (audited).")
def anonymise_member_command(member_number: str, username: str) -> None:
    """Anonymise a member who left (lapsed or terminated, no claim open): names, ids,
    contacts and free texts replaced; amounts and dates kept. Cannot be undone."""
    import sqlalchemy as sa
    from flask import current_app

    from app.extensions import db
    from app.models import Member
    from app.security import ROLE_ADMIN
    from app.services.errors import DomainError
    from app.services.privacy import anonymise_member

    actor = current_app.appbuilder.sm.find_user(username=username)
    if actor is None or not any(role.name == ROLE_ADMIN for role in actor.roles):
        raise click.ClickException(f"{username} is not an Admin login.")
    member_id = db.session.scalar(sa.select(Member.id)
                                  .where(Member.member_number == member_number))
    if member_id is None:
        raise click.ClickException(f"No member {member_number}.")
    try:
        anonymise_member(db.session, member_id, actor)
    except DomainError as error:
        raise click.ClickException(error.message) from None
    click.echo(f"{member_number} was anonymised.")


@claimdesk.command("audit-verify")
@click.option("--page-size", default=5000, show_default=True, help="Events read at a time.")
def audit_verify_command(page_size: int) -> None:
    """Walk the audit trail's hash chain and report the first event altered, removed or
    inserted (exit status 1 when there is one)."""
    from app.extensions import db
    from app.services.audit.verify import verify_chain

    with db.engine.connect() as connection:
        result = verify_chain(connection, page_size)
    if result.intact:
        click.echo(f"Audit trail intact: {result.events} events checked"
                   + (f", the last is event {result.last_id}." if result.last_id else "."))
        return
    click.echo(f"Audit trail NOT intact ({result.finding.problem}): {result.finding.message}",
               err=True)
    click.echo(f"{result.events} events held before it.", err=True)
    raise SystemExit(1)


def register_cli(app: Flask) -> None:
    app.cli.add_command(claimdesk)
