"""The message catalog: present, compilable, loaded from the project's translations folder, and
holding every message the code marks for translation."""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

from babel.messages.mofile import read_mo, write_mo
from babel.messages.pofile import read_po
from flask_babel import get_translations, gettext

ROOT = Path(__file__).resolve().parents[2]
CATALOG = ROOT / "translations" / "en" / "LC_MESSAGES" / "messages.po"


def read_catalog(path: Path):
    with path.open("rb") as handle:
        return read_po(handle, locale="en")


def test_the_english_catalog_exists_and_compiles():
    catalog = read_catalog(CATALOG)
    assert len(catalog) > 0
    assert list(catalog.check()) == [], "messages with format errors"
    compiled = io.BytesIO()
    write_mo(compiled, catalog)
    compiled.seek(0)
    assert read_mo(compiled) is not None


def test_the_catalog_holds_every_message_the_code_marks(tmp_path):
    extracted = tmp_path / "messages.pot"
    result = subprocess.run(
        [str(Path(sys.executable).parent / "pybabel"), "-q", "extract", "--mapping-file",
         "babel.cfg", "-k", "lazy_gettext", "-k", "_l", "--output-file", str(extracted), "."],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0, result.stderr
    with extracted.open("rb") as handle:
        in_code = {message.id for message in read_po(handle) if message.id}
    in_catalog = {message.id for message in read_catalog(CATALOG) if message.id}
    missing = in_code - in_catalog
    assert not missing, f"run `make translations`: {len(missing)} new, e.g. {sorted(missing)[:3]}"


def test_the_application_translates_from_the_project_folder(app):
    # FAB puts its own catalogs first; ours is named by an absolute path, whatever the cwd.
    folders = app.config["BABEL_TRANSLATION_DIRECTORIES"].split(";")
    assert str(ROOT / "translations") in folders
    with app.test_request_context("/"):
        assert get_translations() is not None
        # English is the source language: a message reads as written.
        assert gettext("The fund does not pay for this item.") == (
            "The fund does not pay for this item."
        )
