"""The certificate page (with its QR code) and the public verification page."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_http_methods, require_safe

from agencies.models import AccessEvent, Membership
from assessment.access import get_project_for_user
from assessment.frame import project_frame
from assessment.writes import role_in_project
from certification import verification
from certification.access import is_committee_for
from certification.dossier import latest_issued
from certification.forms import CertificateLookupForm, DocumentCheckForm, RevokeForm
from certification.models import Certificate, IssuedDossier
from certification.views.dossiers import stored_response
from pso_site.lib import ratelimit, signing
from pso_site.lib.clientip import client_ip
from pso_site.lib.qr import qr_svg
from pso_site.lib.uploads import too_large


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
            "printable": latest_issued(project, IssuedDossier.Kind.CERTIFICATE),
            "can_retry": role_in_project(request.user, project) == Membership.Role.HEAD
            or is_committee_for(request.user, project),
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
    """The printable certificate (A4, Thai) as the institute issued and
    signed it, for the project's readers; the latest one if it was issued
    again (at revocation)."""
    project = get_project_for_user(request.user, pk)
    certificate = get_object_or_404(Certificate, project=project)
    issued = latest_issued(project, IssuedDossier.Kind.CERTIFICATE)
    if issued is None:
        messages.warning(request, _("No signed printable certificate was issued for this certificate."))
        return redirect("certification:certificate", pk=pk)
    if not issued.is_ready:
        messages.info(
            request,
            _("The signed certificate is being prepared; download it from this page when it is ready."),
        )
        return redirect("certification:certificate", pk=pk)
    return stored_response(
        request,
        project,
        issued,
        filename=f"{certificate.number}-{issued.sha256[:8]}.pdf",
        action=AccessEvent.Action.CERTIFICATE,
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
def verify(request, token: str):
    """Public, no login: only what a certificate states, nothing else. Not
    cached by anyone (the site's default, private and no-store): a
    revocation must show at once, on the page its QR code opens."""
    certificate = get_object_or_404(
        Certificate.objects.select_related("project__agency", "project__standard"), token=token
    )
    return render(request, "certification/verify.html", {"certificate": certificate})


# Checking a file costs a signature validation: a few per minute is what a
# person needs, far fewer than a script would try.
DOCUMENT_CHECKS_PER_WINDOW = 20


@require_http_methods(["GET", "HEAD", "POST"])
def verify_document(request):
    """Public, no login: upload a PDF and learn whether it is a dossier or
    certificate this institute issued, unmodified (certification.verification).
    Nothing is stored: the file is looked up by its SHA-256, read only when
    it is an issued document, and dropped."""
    context = {"form": DocumentCheckForm(), "institute": _institute_identity()}
    if request.method != "POST":
        return render(request, "certification/verify_document.html", context)
    form = DocumentCheckForm(request.POST, request.FILES, too_large=too_large(request))
    context["form"] = form
    if not ratelimit.allow(
        f"verify-document:{client_ip(request)}",
        limit=DOCUMENT_CHECKS_PER_WINDOW,
        seconds=LOOKUP_WINDOW_SECONDS,
    ):
        response = render(request, "certification/verify_document.html", {**context, "too_many": True})
        response.status_code = 429
        return response
    if form.is_valid():
        check = verification.check_document(form.cleaned_data["document"].read())
        context.update(
            {"form": DocumentCheckForm(), "check": check, "file_name": form.cleaned_data["document"].name}
        )
    return render(request, "certification/verify_document.html", context)


def _institute_identity():
    try:
        return signing.identity()
    except signing.SigningUnavailable:
        return None


@require_safe
@cache_control(public=True, max_age=3600)
def institute_certificate(request):
    """Public: the institute's signing certificate (PEM), for auditors to
    trust in their PDF reader or give to ``pyhanko sign validate --trust``."""
    try:
        identity = signing.identity()
    except signing.SigningUnavailable:
        raise Http404("No signing certificate is configured.") from None
    return HttpResponse(
        signing.certificate_pem(identity.certificate),
        content_type="application/x-pem-file",
        headers={"Content-Disposition": 'attachment; filename="pso-institute.pem"'},
    )
