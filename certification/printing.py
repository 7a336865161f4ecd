"""The certificate as people print and frame it: one A4 page in Thai, laid
out as Thai government certificates are — centred, the institute's seal and
name at the top, the agency large, the standard, the number and validity in
the Buddhist era, "ให้ไว้ ณ วันที่ …" (the day it takes effect) and the
signatory's name in brackets and position under the signature line — with
the QR code of its public verification page. It is issued as a signed
document (certification.dossier) at certification and at revocation; the
seal reaches the renderer by a constant address (certification.institute)."""

from django.template.loader import render_to_string
from django.utils import timezone, translation

from certification.institute import institute_profile
from certification.models import Certificate
from certification.rendering import font_faces
from pso_site.lib.qr import qr_svg


def certificate_html(certificate: Certificate, *, issued) -> str:
    """The certificate as it stood when ``issued`` (an IssuedDossier) was issued."""
    url = certificate.verification_url()
    issued_on = timezone.localdate(issued.issued_at)
    with translation.override("th"):
        return render_to_string(
            "certification/certificate_print.html",
            {
                "certificate": certificate,
                # As it stood when issued: a document built late (a retry) speaks for its own day.
                "status": certificate.status_on(issued_on, at=issued.issued_at),
                "project": certificate.project,
                "fonts": font_faces(),
                "qr": qr_svg(url, box_size=6),
                "verify_url": url,
                "issued": issued,
                "issued_on": issued_on,
                "replaces": issued.replaces,
                "institute": institute_profile(),
            },
        )
