"""Is this PDF a document the institute issued, unmodified? The public
verification page and ``manage.py verify_dossier`` ask the same questions
of a file (docs/dossier.md):

1. it carries a signature, and the signed bytes are unchanged and cover the
   whole file (nothing was appended after signing);
2. the signer is the institute: the certificate configured now, or the one
   recorded when this very document was issued (a key replaced since);
3. its SHA-256 is that of a document stored here as issued.

Only all three make it genuine. The record shown is the stored one; the
record carried inside the file (``project.json``) is read too, so an
offline check still says what the document is about.
"""

import hashlib
import json
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from certification.dossier import RECORD_NAME
from certification.models import Certificate, IssuedDossier
from pso_site.lib import signing


@dataclass
class DocumentCheck:
    sha256: str
    size: int
    signature: signing.SignatureCheck
    institute_fingerprint: str = ""
    stored: IssuedDossier | None = None
    replaced_by: list[IssuedDossier] = field(default_factory=list)
    certificate: Certificate | None = None
    record: dict | None = None

    @property
    def signed_by_institute(self) -> bool:
        fingerprint = self.signature.signer_fingerprint
        if not fingerprint:
            return False
        if fingerprint == self.institute_fingerprint:
            return True
        return self.stored is not None and fingerprint == self.stored.signer

    @property
    def genuine(self) -> bool:
        return self.signature.sound and self.signed_by_institute and self.stored is not None

    def problems(self) -> list[str]:
        """Why the file is not genuine, one sentence each, most basic first."""
        found = []
        signature = self.signature
        if not signature.readable:
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
                found.append(_("The signature is not the institute's: it was made with another certificate."))
        if self.stored is None:
            found.append(_("No document with exactly these bytes was issued by this institute."))
        return found


def check_document(data: bytes) -> DocumentCheck:
    signature = signing.check_signature(data)
    try:
        institute = signing.identity().fingerprint
    except signing.SigningUnavailable:
        institute = ""
    digest = hashlib.sha256(data).hexdigest()
    check = DocumentCheck(sha256=digest, size=len(data), signature=signature, institute_fingerprint=institute)
    check.stored = (
        IssuedDossier.objects.select_related("project__agency", "project__standard", "decision", "replaces")
        .filter(sha256=digest, status=IssuedDossier.Status.READY)
        .first()
    )
    if check.stored is not None:
        check.replaced_by = list(check.stored.replaced_by.order_by("issued_at", "pk"))
        check.certificate = Certificate.objects.filter(project=check.stored.project).first()
    if signature.readable:
        check.record = embedded_record(data)
    return check


def embedded_record(data: bytes) -> dict | None:
    """The project record carried in the file, if it holds one that parses."""
    content = signing.embedded_files(data).get(RECORD_NAME)
    if content is None:
        return None
    try:
        record = json.loads(content.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
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
