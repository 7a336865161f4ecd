"""Two-step sign-in pages: set up an authenticator app, give a code after
the password, keep recovery codes, turn it off (agency staff only)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe
from django_otp.plugins.otp_static.models import StaticDevice

from agencies import audit, twofactor
from agencies.forms import SecondFactorForm
from agencies.models import AccessEvent
from pso_site.lib.qr import qr_svg


def _next(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return ""


def _recovery_codes_page(request, codes: list[str], next_url: str):
    return render(request, "agencies/two_factor_recovery.html", {"codes": codes, "next": next_url})


@login_required
@require_safe
def two_factor(request):
    user = request.user
    context = {
        "device": twofactor.totp_device(user),
        "recovery_left": twofactor.recovery_codes_left(user),
        "required": twofactor.required(user),
    }
    return render(request, "agencies/two_factor.html", context)


@login_required
def two_factor_setup(request):
    """Scan the code (or type the key) into an authenticator app, then type
    one of its codes. Someone with an authenticator gives its code first."""
    user = request.user
    if not user.is_verified() and twofactor.totp_device(user) is not None:
        return redirect(f"{reverse('agencies:two_factor_verify')}?next={_next(request)}")
    form = SecondFactorForm(request.POST if request.method == "POST" else None)
    next_url = _next(request)
    if request.method == "POST" and form.is_valid():
        codes = twofactor.setup_confirm(request, form.cleaned_data["code"])
        if codes is None:
            form.add_error(
                "code",
                _(
                    "That code does not match. Check that the app shows the account you just added "
                    "and that your phone's clock is right, then type the code it shows now."
                ),
            )
        else:
            audit.record(request, AccessEvent.Action.TWO_FACTOR_CHANGED, "on")
            if codes:
                return _recovery_codes_page(request, codes, next_url)
            messages.success(request, _("Two-step sign-in is on with your new authenticator app."))
            return redirect(next_url or "agencies:two_factor")
    key = twofactor.setup_key(request)
    context = {
        "form": form,
        "next": next_url,
        "key": twofactor.key_for_people(key),
        "qr": qr_svg(twofactor.config_url(user, key)),
        "required": twofactor.required(user),
    }
    return render(request, "agencies/two_factor_setup.html", context)


@login_required
def two_factor_verify(request):
    """After the password: a code from the authenticator app or a recovery code."""
    user = request.user
    next_url = _next(request)
    if not twofactor.pending(request):
        return redirect(next_url or "home")
    if not twofactor.has_device(user):
        return redirect(f"{reverse('agencies:two_factor_setup')}?next={next_url}")
    form = SecondFactorForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            device = twofactor.verify(request, form.cleaned_data["code"])
        except twofactor.Refused as refusal:
            audit.record(request, AccessEvent.Action.SECOND_FACTOR_FAILED)
            if refusal.wait_seconds:
                message = _("Too many wrong codes. Wait %(seconds)s seconds, then try again.") % {
                    "seconds": refusal.wait_seconds
                }
            else:
                message = _("That code is not right. Type the code your app shows now, or a recovery code.")
            form.add_error("code", message)
        else:
            audit.record(request, AccessEvent.Action.SECOND_FACTOR)
            if isinstance(device, StaticDevice):
                messages.warning(
                    request,
                    _(
                        "You signed in with a recovery code; %(left)s remain. "
                        "Make new ones on the two-step sign-in page if you are running out."
                    )
                    % {"left": twofactor.recovery_codes_left(user)},
                )
            return redirect(next_url or "home")
    return render(request, "agencies/two_factor_verify.html", {"form": form, "next": next_url})


@login_required
@require_POST
def recovery_codes(request):
    """A new set of recovery codes, shown once; the earlier ones stop working."""
    if not request.user.is_verified():
        raise Http404("No second factor.")
    codes = twofactor.recovery_codes_new(request.user)
    audit.record(request, AccessEvent.Action.TWO_FACTOR_CHANGED, "recovery codes")
    return _recovery_codes_page(request, codes, "")


@login_required
@require_POST
def two_factor_remove(request):
    """Agency staff may turn two-step sign-in off again; the institute may not."""
    user = request.user
    if twofactor.required(user) or not user.is_verified():
        raise Http404("Two-step sign-in stays on.")
    twofactor.remove(user)
    audit.record(request, AccessEvent.Action.TWO_FACTOR_CHANGED, "off")
    messages.success(request, _("Two-step sign-in is off. You sign in with your password alone."))
    return redirect("agencies:two_factor")
