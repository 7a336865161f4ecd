"""Fill the Thai catalogue from a Python file of translations (a dict T of
msgid → Thai, and optionally P of plural msgid → [Thai]); used while
writing new strings: python scripts/fill_catalogue.py /tmp/th.py"""

import runpy
import sys

import polib

values = runpy.run_path(sys.argv[1])
singular, plural = values.get("T", {}), values.get("P", {})
catalogue = polib.pofile("locale/th/LC_MESSAGES/django.po")
filled = 0
for entry in catalogue:
    fresh = not entry.translated() or "fuzzy" in entry.flags
    if entry.msgid_plural and entry.msgid in plural and fresh:
        entry.msgstr_plural = {0: plural[entry.msgid][0]}
    elif not entry.msgid_plural and entry.msgid in singular and fresh:
        entry.msgstr = singular[entry.msgid]
    else:
        continue
    if "fuzzy" in entry.flags:
        entry.flags.remove("fuzzy")
    filled += 1
catalogue.save()
missing = [entry.msgid for entry in catalogue.untranslated_entries() + catalogue.fuzzy_entries()]
print(f"filled {filled}; still untranslated: {len(missing)}")
for msgid in missing:
    print("  ", msgid)
