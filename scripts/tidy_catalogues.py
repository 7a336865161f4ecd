"""Tidy the message catalogues after ``makemessages``.

Source strings are English, so the English catalogue translates each one to
itself; filling it keeps both catalogues complete for the tests. Headers get
their language and lose makemessages' placeholder ``fuzzy`` flag.
"""

from pathlib import Path

import polib

LOCALE = Path(__file__).resolve().parent.parent / "locale"

for language in ("th", "en"):
    path = LOCALE / language / "LC_MESSAGES" / "django.po"
    catalogue = polib.pofile(str(path))
    catalogue.header = "P.S.O. certification site: message catalogue."
    catalogue.metadata.update({"Project-Id-Version": "pso", "Language": language, "Language-Team": language})
    for key in ("Last-Translator", "PO-Revision-Date", "Report-Msgid-Bugs-To"):
        catalogue.metadata.pop(key, None)
    if "fuzzy" in catalogue.metadata_is_fuzzy or catalogue.metadata_is_fuzzy:
        catalogue.metadata_is_fuzzy = []
    for entry in catalogue:
        # msgmerge's guesses ("#| msgid ...") are noise once reviewed.
        entry.previous_msgid = entry.previous_msgid_plural = entry.previous_msgctxt = None
        if language == "en":
            # English is the source language: every entry is itself.
            if "fuzzy" in entry.flags:
                entry.flags.remove("fuzzy")
            if entry.msgid_plural:
                entry.msgstr_plural = {0: entry.msgid, 1: entry.msgid_plural}
            else:
                entry.msgstr = entry.msgid
    catalogue.save()
