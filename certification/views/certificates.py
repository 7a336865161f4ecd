"""The certificate page (with its QR code) and the public verification page."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe

from agencies import audit
from agencies.models import AccessEvent
from assessment.access import get_project_for_user
from assessment.frame import project_frame
from certification import printing
from certification.access import is_committee_for
from certification.forms import CertificateLookupForm, RevokeForm
from certification.models import Certificate
from pso_site.lib import ratelimit
from pso_site.lib.clientip import client_ip
from pso_site.lib.qr import qr_svg


@login_required
@require_safe
def certificate_page(request, pk: int):
    project = get_project_for_user(request.user, pk)
    certificate = get_object_or_404(Certificate, project=project)
    context = project_frame(request, project)
    url = certificate.verification_url()
    context.update(
        {
            "certificate": certificate,
            "verify_url": url,
            "qr": qr_svg(url),
            "can_revoke": is_committee_for(request.user, project) and certificate.revoked_at is None,
            "revoke_form": RevokeForm(),
        }
    )
    return render(request, "certification/certificate.html", context)


# Typed numbers are few per person: enough for a clerk checking a pile of
# certificates, too few to walk the number space.
LOOKUPS_PER_WINDOW = 30
LOOKUP_WINDOW_SECONDS = 600


@login_required
@require_safe
def certificate_download(request, pk: int):
    """The printable certificate (A4, Thai), for the project's readers."""
    project = get_project_for_user(request.user, pk)
    certificate = get_object_or_404(
        Certificate.objects.select_related("project__agency", "project__standard"), project=project
    )
    audit.record(request, AccessEvent.Action.CERTIFICATE, certificate.number)
    return HttpResponse(
        printing.certificate_pdf(certificate),
        content_type="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="{certificate.number}.pdf"'},
    )


@require_safe
def verify_lookup(request):
    """Public, no login: find a certificate by the number printed on it and
    show what its QR code shows, nothing more."""
    form = CertificateLookupForm(request.GET if "number" in request.GET else None)
    if form.is_bound and not ratelimit.allow(
        f"verify:{client_ip(request)}", limit=LOOKUPS_PER_WINDOW, seconds=LOOKUP_WINDOW_SECONDS
    ):
        response = render(request, "certification/verify_lookup.html", {"form": form, "too_many": True})
        response.status_code = 429
        return response
    if form.is_valid():
        certificate = (
            Certificate.objects.select_related("project__agency", "project__standard")
            .filter(number=form.cleaned_data["number"])
            .first()
        )
        if certificate is not None:
            return render(request, "certification/verify.html", {"certificate": certificate})
        form.add_error("number", _("No certificate has this number. Check it against the certificate."))
    return render(request, "certification/verify_lookup.html", {"form": form})


@require_safe
@cache_control(public=True, max_age=300)
def verify(request, token: str):
    """Public, no login: only what a certificate states, nothing else."""
    certificate = get_object_or_404(
        Certificate.objects.select_related("project__agency", "project__standard"), token=token
    )
    return render(request, "certification/verify.html", {"certificate": certificate})
