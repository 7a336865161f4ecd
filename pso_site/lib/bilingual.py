"""Thai-first names for catalogue and agency records.

Records carry both a Thai and an English name; the page shows the one of the
active language and falls back to Thai, the language of record.
"""

from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


def pick_language(name_th: str, name_en: str) -> str:
    language = get_language() or "th"
    if language.startswith("en") and name_en:
        return name_en
    return name_th


class BilingualName(models.Model):
    # The fields' types for mypy, which reads the models without Django's plugin
    # (quoted: the fields are generic in the stubs only).
    name_th: "models.CharField[str, str]" = models.CharField(_("Thai name"), max_length=300)
    name_en: "models.CharField[str, str]" = models.CharField(_("English name"), max_length=300, blank=True)

    class Meta:
        abstract = True

    @property
    def name(self) -> str:
        return pick_language(self.name_th, self.name_en)
