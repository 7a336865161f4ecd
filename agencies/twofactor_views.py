"""Two-step sign-in pages: set up an authenticator app, give a code after
the password, keep recovery codes, turn it off (agency staff only). Every
change asks who is making it (the password, and a code of the current
second factor) and then signs the person out everywhere else and e-mails
them (``agencies.twofactor.changed``)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe
from django_otp.plugins.otp_static.models import StaticDevice

from agencies import audit, signin, twofactor
from agencies.forms import SecondFactorForm
from agencies.models import AccessEvent
from agencies.twofactor_forms import ChangeConfirmForm, SetupForm
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


def _wait_message(seconds: int) -> str:
    return _("Too many wrong codes. Wait %(seconds)s seconds, then try again.") % {"seconds": seconds}


def _change_confirmed(request, form) -> bool:
    """Whether the person proved who they are on ``form`` (a valid
    ``ChangeConfirmForm``): their password, then a code of their current
    second factor. A refusal is put on the form's field."""
    if "password" in form.fields:
        try:
            twofactor.password_confirm(request, form.cleaned_data["password"])
        except twofactor.PasswordRefused as refusal:
            if refusal.wait_seconds:
                message = signin.wait_message(refusal.wait_seconds)
            else:
                message = _("That is not your password.")
            form.add_error("password", message)
            return False
    if "current_code" in form.fields:
        try:
            twofactor.device_check(request.user, form.cleaned_data["current_code"])
        except twofactor.Refused as refusal:
            _code_refused(request, form, "current_code", refusal)
            return False
    return True


def _code_refused(request, form, field: str, refusal: "twofactor.Refused") -> None:
    """A wrong code (or one given too soon after wrong ones): logged, and said on ``field``."""
    audit.record(request, AccessEvent.Action.SECOND_FACTOR_FAILED)
    if refusal.wait_seconds:
        message = _wait_message(refusal.wait_seconds)
    else:
        message = _("That code is not right. Type the code your app shows now, or a recovery code.")
    form.add_error(field, message)


def _two_factor_page(request, form=None):
    user = request.user
    device = twofactor.totp_device(user)
    context = {
        "device": device,
        "recovery_left": twofactor.recovery_codes_left(user),
        "required": twofactor.required(user),
        "form": form or (ChangeConfirmForm() if device else None),
    }
    return render(request, "agencies/two_factor.html", context)


@login_required
@require_safe
def two_factor(request):
    return _two_factor_page(request)


@login_required
def two_factor_setup(request):
    """Scan the code (or type the key) into an authenticator app, then type
    one of its codes. Someone with an authenticator gives its code first."""
    user = request.user
    if not user.is_verified() and twofactor.totp_device(user) is not None:
        return redirect(f"{reverse('agencies:two_factor_verify')}?next={_next(request)}")
    replacing = twofactor.has_device(user)
    form = SetupForm(
        request.POST if request.method == "POST" else None,
        ask_password=twofactor.asks_password(request),
        ask_code=replacing,
    )
    next_url = _next(request)
    if request.method == "POST" and form.is_valid():
        # The new code first: a mistyped one costs neither a password try nor a code.
        if not twofactor.setup_code_matches(request, form.cleaned_data["code"]):
            form.add_error(
                "code",
                _(
                    "That code does not match. Check that the app shows the account you just added "
                    "and that your phone's clock is right, then type the code it shows now."
                ),
            )
        elif _change_confirmed(request, form):
            codes = twofactor.setup_confirm(request, form.cleaned_data["code"])
            change = "new phone" if replacing else "on"
            audit.record(request, AccessEvent.Action.TWO_FACTOR_CHANGED, change)
            twofactor.changed(request, change)
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
            _code_refused(request, form, "code", refusal)
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
    form = ChangeConfirmForm(request.POST)
    if not (form.is_valid() and _change_confirmed(request, form)):
        return _two_factor_page(request, form)
    codes = twofactor.recovery_codes_new(request.user)
    audit.record(request, AccessEvent.Action.TWO_FACTOR_CHANGED, "recovery codes")
    twofactor.changed(request, "recovery codes")
    return _recovery_codes_page(request, codes, "")


@login_required
@require_POST
def two_factor_remove(request):
    """Agency staff may turn two-step sign-in off again; the institute may not."""
    user = request.user
    if twofactor.required(user) or not user.is_verified():
        raise Http404("Two-step sign-in stays on.")
    form = ChangeConfirmForm(request.POST)
    if not (form.is_valid() and _change_confirmed(request, form)):
        return _two_factor_page(request, form)
    twofactor.remove(user)
    audit.record(request, AccessEvent.Action.TWO_FACTOR_CHANGED, "off")
    twofactor.changed(request, "off")
    messages.success(request, _("Two-step sign-in is off. You sign in with your password alone."))
    return redirect("agencies:two_factor")
