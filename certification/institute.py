"""The certifying institute on its certificates: its Thai name, the person
who signs and the seal (certification.models.InstituteProfile, one row).

The printable certificate names the seal by one constant address,
``SEAL_URL``; the renderer answers that address with the stored PNG (always
bytes that ``pso_site.lib.images`` re-encoded) or, when none is set, with
the default seal drawn in ``static/img/institute-seal.svg``. No byte of the
upload ever enters the markup."""

import hashlib
from pathlib import Path

from django.contrib.staticfiles import finders
from django.db import transaction

from certification.models import InstituteProfile
from pso_site.lib.pdf import ProvidedResource

SEAL_URL = "pso-seal:institute"
DEFAULT_SEAL = "img/institute-seal.svg"

# An upload is accepted up to these bounds; what is kept is at most
# KEEP_SIDE pixels on its longer side (3 cm printed at ~850 dpi).
SEAL_MAX_BYTES = 2 * 1024 * 1024
SEAL_MAX_SIDE = 4000
SEAL_KEEP_SIDE = 1000

# A value of ``seal_png`` that leaves the stored seal as it is.
KEEP = object()


def institute_profile() -> InstituteProfile:
    """The stored profile, or (never saved yet) the defaults: the default
    name and seal, no signatory. Reads only."""
    return InstituteProfile.objects.filter(pk=InstituteProfile.SINGLETON_ID).first() or InstituteProfile()


def default_seal_svg() -> bytes:
    path = finders.find(DEFAULT_SEAL)
    if path is None:
        raise FileNotFoundError(f"{DEFAULT_SEAL} not found by the static finders")
    return Path(path).read_bytes()


def seal_resource(profile: InstituteProfile | None = None) -> ProvidedResource:
    """What the renderer draws for ``SEAL_URL``."""
    profile = profile if profile is not None else institute_profile()
    if profile.has_seal:
        return ProvidedResource(bytes(profile.seal_png), "image/png")
    return ProvidedResource(default_seal_svg(), "image/svg+xml")


def pdf_resources(html: str) -> dict[str, ProvidedResource]:
    """The resources a document's HTML names (the seal), for the renderer:
    nothing is read for a document that names none."""
    return {SEAL_URL: seal_resource()} if SEAL_URL in html else {}


def _stored(profile: InstituteProfile) -> tuple:
    return (profile.name_th, profile.signatory_name, profile.signatory_position, profile.seal_sha256)


@transaction.atomic
def institute_profile_set(
    *,
    name_th: str,
    signatory_name: str,
    signatory_position: str,
    seal_png: bytes | None | object = KEEP,
    by=None,
) -> InstituteProfile:
    """Store the institute's details (the admin and the demo). ``seal_png``:
    PNG bytes from ``pso_site.lib.images.png_from_upload``, None to print the
    default seal, ``KEEP`` to leave it. A save that changes nothing writes
    nothing (no history row), so the demo can run again."""
    profile = (
        InstituteProfile.objects.select_for_update().filter(pk=InstituteProfile.SINGLETON_ID).first()
        or InstituteProfile()
    )
    before = _stored(profile)
    profile.name_th = name_th
    profile.signatory_name = signatory_name
    profile.signatory_position = signatory_position
    if seal_png is not KEEP:
        profile.seal_png = seal_png or None
        profile.seal_sha256 = hashlib.sha256(seal_png).hexdigest() if seal_png else ""
    if profile.pk is None or _stored(profile) != before:
        if by is not None:
            profile._history_user = by
        profile.save()
    return profile
