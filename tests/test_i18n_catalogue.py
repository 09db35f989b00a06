"""The Spanish catalogue is whole: every string the code and templates mark has its Spanish, none
is left fuzzy, and each keeps its placeholders (docs/i18n.md)."""

import re
import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest
from django.apps import apps
from django.conf import settings

CATALOGUE = Path(settings.BASE_DIR) / "locale" / "es" / "LC_MESSAGES" / "django.po"
PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]")


def sources() -> list[str]:
    """What makemessages reads: the project's own apps, the templates and the settings."""
    base = Path(settings.BASE_DIR)
    ours = [a.label for a in apps.get_app_configs() if Path(a.path).parent == base]
    return ["manage.py", "directory", "templates", *ours]


@pytest.fixture(scope="module")
def catalogue():
    return polib.pofile(str(CATALOGUE))


def translations(entry) -> list[str]:
    return list(entry.msgstr_plural.values()) if entry.msgid_plural else [entry.msgstr]


def test_every_string_has_its_spanish_and_none_is_fuzzy(catalogue):
    assert [e.msgid for e in catalogue.untranslated_entries()] == []
    assert [e.msgid for e in catalogue.fuzzy_entries()] == []
    assert catalogue.metadata["Language"] == "es"
    assert "nplurals=2" in catalogue.metadata["Plural-Forms"]


def test_each_translation_keeps_the_placeholders_of_its_english(catalogue):
    for entry in catalogue.translated_entries():
        wanted = set(PLACEHOLDER.findall(entry.msgid + (entry.msgid_plural or "")))
        for text in translations(entry):
            # A singular may name the count in words ("un programa") instead of %(counter)s.
            assert set(PLACEHOLDER.findall(text)) <= wanted, entry.msgid
            assert set(PLACEHOLDER.findall(text)) >= wanted - {"counter", "count"}, entry.msgid


def test_the_catalogue_holds_every_string_the_code_marks(catalogue, tmp_path):
    """makemessages on a copy of the sources: a string marked since the catalogue was last
    made (and so untranslated on the Spanish pages) fails here."""
    for name in sources():
        source = Path(settings.BASE_DIR) / name
        if source.is_dir():
            shutil.copytree(source, tmp_path / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy(source, tmp_path / name)
    (tmp_path / "locale").mkdir()
    made = subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "es", "--no-location", "-v", "0"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env={"DJANGO_SETTINGS_MODULE": "directory.settings.test", "PATH": "/usr/bin:/bin"},
    )
    assert made.returncode == 0, made.stderr
    fresh = polib.pofile(str(tmp_path / "locale" / "es" / "LC_MESSAGES" / "django.po"))
    ours = {(e.msgctxt, e.msgid) for e in catalogue if not e.obsolete}
    missing = sorted(msgid for context, msgid in {(e.msgctxt, e.msgid) for e in fresh} - ours)
    assert missing == [], "not in locale/es/LC_MESSAGES/django.po: run makemessages (docs/i18n.md)"
