"""Is this PDF a document the institute issued, unmodified? The public
verification page and ``manage.py verify_dossier`` ask the same questions
of a file (docs/dossier.md), in this order:

1. its SHA-256 is that of a document stored here as issued. A file that is
   not, byte for byte, such a document is answered at once and never
   opened: an uploaded PDF is anybody's, and reading one costs whatever its
   author chose (issue 22);
2. it carries a signature, and the signed bytes are unchanged and cover the
   whole file (nothing was appended after signing);
3. the signer is the institute: a certificate configured here, the current
   one or a retired one (``signing.institute_fingerprints``). A fingerprint
   that a file, an archive or a stored row names decides nothing;
4. a document that came with an imported archive had its signature
   confirmed as the institute's when it was imported.

Only all of them make it genuine. The record shown is the stored one; for
a document imported from an archive, the record it carries itself (covered
by the institute's signature), since the stored one came with the archive.
"""

import hashlib
import json
from dataclasses import dataclass, field

from django.db.models import F
from django.utils.translation import gettext as _

from certification.dossier import RECORD_NAME
from certification.models import Certificate, IssuedDossier
from pso_site.lib import signing


@dataclass
class DocumentCheck:
    sha256: str
    size: int
    stored: IssuedDossier | None = None
    # Read only for a stored document: None means the file was not opened.
    signature: signing.SignatureCheck | None = None
    institute_fingerprints: frozenset[str] = frozenset()
    replaced_by: list[IssuedDossier] = field(default_factory=list)
    certificate: Certificate | None = None
    record: dict | None = None

    @property
    def issued(self) -> bool:
        """Stored here as issued, byte for byte (the file was then read)."""
        return self.stored is not None

    @property
    def imported(self) -> bool:
        return self.stored is not None and self.stored.imported_at is not None

    @property
    def signed_by_institute(self) -> bool:
        signature = self.signature
        return signature is not None and signature.signer_fingerprint in self.institute_fingerprints

    @property
    def genuine(self) -> bool:
        return (
            self.stored is not None
            and self.stored.signature_verified
            and self.signature is not None
            and self.signature.sound
            and self.signed_by_institute
        )

    @property
    def shown_record(self) -> dict:
        """The facts the page shows for a genuine imported document: those
        it carries under the institute's signature, not the archive's rows."""
        return record_summary(self.record) if self.imported else {}

    def problems(self) -> list[str]:
        """Why the file is not genuine, one sentence each, most basic first."""
        if self.stored is None:
            return [_("No document issued by the institute has exactly these bytes.")]
        found = []
        signature = self.signature
        if signature is None or not signature.readable:
            return [_("The file is not a PDF that can be read.")]
        if not signature.signed:
            found.append(_("The file carries no signature."))
        else:
            if not (signature.intact and signature.valid):
                found.append(
                    _("The file was changed after it was signed: the signature does not match its content.")
                )
            elif not signature.whole_file:
                found.append(_("Something was added to the file after it was signed."))
            if not self.signed_by_institute:
                found.append(
                    _(
                        "The signature is not the institute's: it was made with a certificate that this "
                        "system does not hold as the institute's, current or retired."
                    )
                )
        if not self.stored.signature_verified:
            found.append(
                _(
                    "The document came with an archive imported from elsewhere, and its signature could "
                    "not be confirmed as the institute's when it was imported."
                )
            )
        return found


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def issued_document(digest: str) -> IssuedDossier | None:
    """The document stored as issued with these bytes; one issued here
    before one that came with an archive."""
    return (
        IssuedDossier.objects.select_related("project__agency", "project__standard", "decision", "replaces")
        .filter(sha256=digest, status=IssuedDossier.Status.READY)
        .order_by(F("imported_at").asc(nulls_first=True), "pk")
        .first()
    )


def check_document(data: bytes) -> DocumentCheck:
    """The checks of the module's docstring. Only a stored document is read,
    and its record within the budget of ``signing.embedded_files``."""
    check = DocumentCheck(sha256=sha256_of(data), size=len(data))
    check.stored = issued_document(check.sha256)
    if check.stored is None:
        return check
    check.signature = signing.check_signature(data)
    check.institute_fingerprints = signing.institute_fingerprints()
    check.replaced_by = list(check.stored.replaced_by.order_by("issued_at", "pk"))
    check.certificate = Certificate.objects.filter(project=check.stored.project).first()
    if check.signature.readable:
        check.record = embedded_record(data)
    return check


def embedded_record(data: bytes) -> dict | None:
    """The project record carried in the file, if it holds one that parses
    (within the decode budget of ``signing.embedded_files``)."""
    content = signing.embedded_files(data).get(RECORD_NAME)
    if content is None:
        return None
    try:
        record = json.loads(content.decode("utf-8"))
    except (UnicodeDecodeError, RecursionError, ValueError):
        return None
    return record if isinstance(record, dict) else None


def record_summary(record: dict | None) -> dict:
    """What an offline reader needs from the carried record: who, which
    standard and year, the certificate, the last round's total."""
    if not record:
        return {}
    try:
        return _summary(record)
    except (AttributeError, TypeError, ValueError):  # a file's record is anybody's JSON
        return {}


def _summary(record: dict) -> dict:
    agency = record.get("agency") or {}
    results = record.get("results") or {}
    certificate = record.get("certificate") or {}
    last = results[max(results, key=int)] if results else {}
    return {
        "agency": agency.get("name_th") or agency.get("code") or "",
        "agency_code": agency.get("code") or "",
        "standard": record.get("standard") or "",
        "fiscal_year_be": record.get("fiscal_year_be"),
        "status": record.get("status") or "",
        "certificate": certificate.get("number") or "",
        "rounds": len(results),
        "total": last.get("total"),
        "target_total": last.get("target_total"),
    }
