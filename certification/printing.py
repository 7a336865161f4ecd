"""The certificate as people print and frame it: one A4 page in Thai with
the agency, the standard, the number, the validity in the Buddhist era and
the QR code of its public verification page."""

from django.template.loader import render_to_string
from django.utils import timezone, translation

from certification.dossier import font_faces, html_to_pdf
from certification.models import Certificate
from pso_site.lib.qr import qr_svg


def certificate_html(certificate: Certificate) -> str:
    url = certificate.verification_url()
    with translation.override("th"):
        return render_to_string(
            "certification/certificate_print.html",
            {
                "certificate": certificate,
                "project": certificate.project,
                "fonts": font_faces(),
                "qr": qr_svg(url, box_size=6),
                "verify_url": url,
                "today": timezone.localdate(),
            },
        )


def certificate_pdf(certificate: Certificate) -> bytes:
    return html_to_pdf(certificate_html(certificate))
