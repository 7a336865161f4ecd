"""The certificate page (with its QR code) and the public verification page."""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.http import require_safe

from agencies.access import has_institute_role
from agencies.models import InstituteRole
from assessment.access import get_project_for_user
from assessment.models import Certificate
from assessment.review import is_member
from assessment.review_forms import RevokeForm
from assessment.views.common import project_frame
from pso_site.qr import qr_svg


def verification_url(certificate: Certificate) -> str:
    return settings.SITE_URL + reverse("verify", args=[certificate.token])


@login_required
@require_safe
def certificate_page(request, pk: int):
    project = get_project_for_user(request.user, pk)
    certificate = get_object_or_404(Certificate, project=project)
    context = project_frame(request, project)
    url = verification_url(certificate)
    context.update(
        {
            "certificate": certificate,
            "verify_url": url,
            "qr": qr_svg(url),
            "can_revoke": has_institute_role(request.user, InstituteRole.Role.COMMITTEE)
            and not is_member(request.user, project)
            and certificate.revoked_at is None,
            "revoke_form": RevokeForm(),
        }
    )
    return render(request, "review/certificate.html", context)


@require_safe
def verify(request, token: str):
    """Public, no login: only what a certificate states, nothing else."""
    certificate = get_object_or_404(
        Certificate.objects.select_related("project__agency", "project__standard"), token=token
    )
    return render(request, "review/verify.html", {"certificate": certificate})
