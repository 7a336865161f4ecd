"""The certificate page (with its QR code) and the public verification page."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, render
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe

from assessment.access import get_project_for_user
from assessment.frame import project_frame
from certification.access import is_committee_for
from certification.forms import RevokeForm
from certification.models import Certificate
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


@require_safe
@cache_control(public=True, max_age=300)
def verify(request, token: str):
    """Public, no login: only what a certificate states, nothing else."""
    certificate = get_object_or_404(
        Certificate.objects.select_related("project__agency", "project__standard"), token=token
    )
    return render(request, "certification/verify.html", {"certificate": certificate})
