"""The Thai and English catalogues are complete and compiled."""

from pathlib import Path

import polib
import pytest

LOCALE = Path(__file__).resolve().parents[2] / "locale"


@pytest.mark.parametrize("language", ["th", "en"])
def test_catalogue_translates_every_string(language):
    catalogue = polib.pofile(str(LOCALE / language / "LC_MESSAGES" / "django.po"))
    untranslated = [entry.msgid for entry in catalogue.untranslated_entries()]
    fuzzy = [entry.msgid for entry in catalogue.fuzzy_entries()]
    assert untranslated == [] and fuzzy == []
    assert len(catalogue) > 50


@pytest.mark.parametrize("language", ["th", "en"])
def test_compiled_catalogue_matches_the_source(language):
    source = polib.pofile(str(LOCALE / language / "LC_MESSAGES" / "django.po"))
    compiled = polib.mofile(str(LOCALE / language / "LC_MESSAGES" / "django.mo"))
    expected = {
        (e.msgctxt, e.msgid): (e.msgstr or dict(e.msgstr_plural)) for e in source.translated_entries()
    }
    actual = {(e.msgctxt, e.msgid): (e.msgstr or dict(e.msgstr_plural)) for e in compiled}
    actual.pop((None, ""), None)
    assert actual == expected, "run `make messages` to recompile the .mo files"
