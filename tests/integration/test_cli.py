"""The command line as an operator uses it: `.venv/bin/flask --app run <command>` from the
project folder, on a scratch database and instance folder of its own."""

from __future__ import annotations

import os
import re
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
FLASK = Path(sys.executable).parent / "flask"
ADMIN_PASSWORD = "Cli-Admin-Pass-2026"


@pytest.fixture(scope="module")
def flask_cli(tmp_path_factory):
    instance = tmp_path_factory.mktemp("cli-instance")
    env = {k: v for k, v in os.environ.items() if not k.startswith("CLAIMDESK_")}
    env.update(CLAIMDESK_INSTANCE_PATH=str(instance),
               CLAIMDESK_DATABASE_URL=f"sqlite:///{instance / 'claimdesk.db'}",
               CLAIMDESK_DEMO_PASSWORD="Cli-Demo-Pass-2026")

    def run(*args: str, check: bool = True) -> subprocess.CompletedProcess:
        result = subprocess.run([str(FLASK), "--app", "run", *args], cwd=ROOT, env=env,
                                capture_output=True, text=True, timeout=300)
        if check:
            assert result.returncode == 0, f"flask {' '.join(args)}:\n{result.stderr[-3000:]}"
        return result

    run("db", "upgrade")
    run("claimdesk", "sync-roles")
    run.database = instance / "claimdesk.db"
    return run


def test_db_upgrade_reaches_the_single_head(flask_cli):
    heads = flask_cli("db", "heads").stdout.split()[0]
    assert heads in flask_cli("db", "current").stdout


def test_sync_roles_gives_each_role_its_permissions_and_can_run_again(flask_cli):
    out = flask_cli("claimdesk", "sync-roles").stdout  # the fixture ran it once already
    for role in ("Admin", "Committee", "Finance", "Auditor", "Member"):
        match = re.search(rf"^{role}: (\d+) permissions$", out, re.MULTILINE)
        assert match and int(match.group(1)) > 0, out


def test_fab_create_admin_after_upgrade_and_sync_roles(flask_cli):
    created = flask_cli("fab", "create-admin", "--username", "chief", "--firstname", "Grace",
                        "--lastname", "Wairimu", "--email", "chief@example.org",
                        "--password", ADMIN_PASSWORD)
    assert "Admin User chief created." in created.stdout
    users = flask_cli("fab", "list-users").stdout
    assert "username:chief | email:chief@example.org | role:[Admin]" in users


def test_demo_loads_once_and_prints_its_logins(flask_cli):
    first = flask_cli("claimdesk", "demo").stdout
    again = flask_cli("claimdesk", "demo").stdout
    added = re.findall(r"^claims: (\d+) added$", first, re.MULTILINE)
    assert added and int(added[0]) > 0, first
    assert "claims: 0 added" in again
    logins = flask_cli("claimdesk", "demo-logins").stdout
    assert "http://127.0.0.1:5000" in logins
    for username in ("admin", "committee1", "finance", "auditor", "member1"):
        assert re.search(rf"^\s*{username}\s", logins, re.MULTILINE), logins
    assert "Cli-Demo-Pass-2026" in logins


def test_audit_verify_after_migrations_sync_and_demo(flask_cli):
    """Everything the operator's commands wrote (roles, logins, the demo's claims through their
    transitions) forms one intact chain; a row changed behind the application is then found."""
    flask_cli("claimdesk", "demo")
    result = flask_cli("claimdesk", "audit-verify")
    match = re.search(r"^Audit trail intact: (\d+) events checked, the last is event (\d+)\.$",
                      result.stdout, re.MULTILINE)
    assert match and int(match.group(1)) == int(match.group(2)) > 100, result.stdout
    database = flask_cli.database
    with sqlite3.connect(database) as connection:
        connection.execute("UPDATE audit_event SET actor_name = 'someone' WHERE id = 50")
    broken = flask_cli("claimdesk", "audit-verify", check=False)
    assert broken.returncode == 1
    assert "(altered): Event 50 was altered" in broken.stderr
    with sqlite3.connect(database) as connection:  # put it back for the other tests
        connection.execute("DELETE FROM audit_event WHERE id >= 50")
        connection.execute("DELETE FROM audit_chain_head")


def test_the_claimdesk_group_lists_its_commands(flask_cli):
    listing = flask_cli("claimdesk", "--help").stdout
    commands = re.findall(r"^  ([a-z][a-z0-9-]+)\s", listing.split("Commands:")[1], re.MULTILINE)
    assert {"sync-roles", "demo", "demo-logins", "audit-verify"} <= set(commands)


def test_an_unknown_command_fails_with_a_message(flask_cli):
    result = flask_cli("claimdesk", "no-such-command", check=False)
    assert result.returncode == 2
    assert "No such command" in result.stderr
