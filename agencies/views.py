"""An agency's members: everyone in the agency sees them; the head invites
and manages them; invited people accept or decline; the standards
administrator invites an agency's first head and reads who granted what."""

import hashlib

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import LoginView, PasswordChangeView, PasswordResetView
from django.core.paginator import Paginator
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from agencies import services
from agencies.access import get_agency_for_user, membership_for, require_institute_role
from agencies.forms import (
    AgencyForm,
    CheckedPasswordChangeForm,
    FirstHeadForm,
    InvitationForm,
    JoinForm,
    MemberRoleForm,
    SignInForm,
)
from agencies.models import Agency, InstituteRole, Invitation, Membership, Notification
from pso_site.lib import ratelimit
from pso_site.lib.clientip import client_ip
from pso_site.lib.ids import parse_id


def _invited_message(username: str) -> str:
    return _(
        "Invitation for %(username)s recorded. If such an account exists, its owner sees the invitation "
        "when signing in and becomes a member on accepting."
    ) % {"username": username}


@login_required
def members(request, code: str):
    agency = get_agency_for_user(request.user, code, head=request.method == "POST")
    form = InvitationForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.invitation_create(
                agency=agency,
                username=form.cleaned_data["username"],
                role=form.cleaned_data["role"],
                by=request.user,
            )
        except services.RoleRefused as refusal:
            form.add_error("username", refusal.message)
        else:
            messages.success(request, _invited_message(form.cleaned_data["username"].strip()))
            return redirect("agencies:members", code=code)
    is_head = (membership_for(request.user, agency) or Membership()).is_head
    context = {
        "agency": agency,
        "memberships": Membership.objects.filter(agency=agency)
        .select_related("user")
        .order_by("role", "user__username"),
        "invitations": Invitation.objects.filter(agency=agency, status=Invitation.Status.PENDING)
        .select_related("invited_by")
        .order_by("-created_at")
        if is_head
        else [],
        "is_head": is_head,
        "form": form,
        "roles": Membership.Role.choices,
    }
    return render(request, "agencies/members.html", context)


@login_required
@require_POST
def member_change(request, code: str, membership_id: int):
    agency = get_agency_for_user(request.user, code, head=True)
    try:
        if request.POST.get("remove"):
            membership = services.membership_remove(
                agency=agency, membership_id=membership_id, by=request.user
            )
            messages.success(request, _("%(username)s removed.") % {"username": membership.user.username})
        else:
            form = MemberRoleForm(request.POST)
            if form.is_valid():
                membership = services.membership_change(
                    agency=agency,
                    membership_id=membership_id,
                    role=form.cleaned_data["role"],
                    by=request.user,
                )
                messages.success(
                    request, _("Role of %(username)s changed.") % {"username": membership.user.username}
                )
            else:
                messages.error(request, _("Choose one of the roles offered: nothing was changed."))
    except services.RoleRefused as refusal:
        messages.error(request, refusal.message)
    return redirect("agencies:members", code=code)


@login_required
@require_POST
def invitation_withdraw(request, code: str, invitation_id: int):
    """The head withdraws an invitation; the standards administrator, a first head's."""
    agency = get_object_or_404(Agency, code=code)
    invitation = services.invitation_withdraw(agency=agency, invitation_id=invitation_id, by=request.user)
    messages.success(request, _("Invitation for %(username)s withdrawn.") % {"username": invitation.username})
    if membership_for(request.user, agency) is None:
        return redirect("agencies:people_history")
    return redirect("agencies:members", code=code)


@login_required
@require_POST
def invitation_answer(request, invitation_id: int):
    try:
        if request.POST.get("answer") == "accept":
            membership = services.invitation_accept(invitation_id=invitation_id, user=request.user)
            messages.success(
                request,
                _("You are now %(role)s of %(agency)s.")
                % {"role": membership.get_role_display(), "agency": membership.agency.name},
            )
        else:
            services.invitation_decline(invitation_id=invitation_id, user=request.user)
            messages.info(request, _("Invitation declined."))
    except services.RoleRefused as refusal:
        messages.error(request, refusal.message)
    return redirect("home")


@login_required
def agency_create(request):
    """The standards administrator creates an agency, and may invite its head."""
    require_institute_role(request.user, InstituteRole.Role.STANDARDS_ADMIN)
    form = AgencyForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        values = {name: value for name, value in form.cleaned_data.items() if name != "head_email"}
        try:
            agency = services.agency_create(
                values=values, by=request.user, head_email=form.cleaned_data["head_email"]
            )
        except services.RoleRefused as refusal:
            form.add_error("head_email", refusal.message)
        else:
            message = _("Agency %(name)s created (code %(code)s).") % {
                "name": agency.name_th,
                "code": agency.code,
            }
            if form.cleaned_data["head_email"]:
                message += " " + _(
                    "The invitation of its head waits for another standards administrator's confirmation."
                )
            messages.success(request, message)
            return redirect("agencies:people_history")
    return render(request, "agencies/agency_create.html", {"form": form})


@login_required
def first_head(request, code: str):
    """The standards administrator invites the head of an agency without one."""
    require_institute_role(request.user, InstituteRole.Role.STANDARDS_ADMIN)
    agency = get_object_or_404(Agency, code=code)
    form = FirstHeadForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.first_head_invite(agency=agency, username=form.cleaned_data["username"], by=request.user)
        except services.RoleRefused as refusal:
            form.add_error("username", refusal.message)
        else:
            messages.success(
                request,
                _(
                    "Invitation for %(username)s recorded. It takes effect when another standards "
                    "administrator confirms it on the page of roles and invitations."
                )
                % {"username": form.cleaned_data["username"].strip()},
            )
            return redirect("agencies:people_history")
    has_head = Membership.objects.filter(agency=agency, role=Membership.Role.HEAD).exists()
    return render(request, "agencies/first_head.html", {"agency": agency, "form": form, "has_head": has_head})


@login_required
@require_POST
def invitation_confirm(request, invitation_id: int):
    """A second institute person confirms an agency's first head."""
    try:
        invitation = services.invitation_confirm(invitation_id=invitation_id, by=request.user)
    except services.RoleRefused as refusal:
        messages.error(request, refusal.message)
    else:
        messages.success(
            request,
            _("Invitation of %(username)s as head of %(agency)s confirmed.")
            % {"username": invitation.username, "agency": invitation.agency.name},
        )
    return redirect("agencies:people_history")


@login_required
@require_safe
def people_history(request):
    """Every grant, change and removal of a membership, institute role or
    invitation: who, to whom, what and when (standards administrator)."""
    require_institute_role(request.user, InstituteRole.Role.STANDARDS_ADMIN)
    sources = {
        "memberships": Membership.history.select_related("history_user", "user", "agency"),
        "roles": InstituteRole.history.select_related("history_user", "user"),
        "invitations": Invitation.history.select_related("history_user", "agency", "confirmed_by"),
    }
    context = {
        name: Paginator(queryset.order_by("-history_date", "-history_id"), 30).get_page(request.GET.get(name))
        for name, queryset in sources.items()
    }
    context["awaiting_confirmation"] = services.awaiting_confirmation()[:50]
    context["agencies_without_head"] = Agency.objects.exclude(
        memberships__role=Membership.Role.HEAD
    ).order_by("name_th")[:50]
    return render(request, "agencies/people_history.html", context)


@login_required
@require_safe
def notifications(request):
    """What happened that concerns the person, newest first; opening the
    page does not mark them read (a GET changes nothing)."""
    page = Paginator(Notification.objects.filter(user=request.user), 30).get_page(request.GET.get("page"))
    return render(request, "agencies/notifications.html", {"page": page})


@login_required
@require_POST
def notifications_read(request):
    """Mark every notification read (or the one given, then open it)."""
    mine = Notification.objects.filter(user=request.user, read_at__isnull=True)
    one = request.POST.get("notification")
    if one:
        item = get_object_or_404(Notification, pk=parse_id(one) or 0, user=request.user)
        mine.filter(pk=item.pk).update(read_at=timezone.now())
        return redirect(item.url if url_has_allowed_host_and_scheme(item.url, allowed_hosts=None) else "home")
    mine.update(read_at=timezone.now())
    return redirect("agencies:notifications")


@login_required
@require_POST
def invitation_resend(request, code: str, invitation_id: int):
    """A new e-mailed link (the earlier one stops working)."""
    agency = get_object_or_404(Agency, code=code)
    try:
        invitation = services.invitation_resend(agency=agency, invitation_id=invitation_id, by=request.user)
    except services.RoleRefused as refusal:
        messages.error(request, refusal.message)
    else:
        messages.success(request, _("A new link was sent to %(email)s.") % {"email": invitation.email})
    if membership_for(request.user, agency) is None:
        return redirect("agencies:people_history")
    return redirect("agencies:members", code=code)


# The e-mailed link's secret, moved from the address into the session on
# first use (as Django's password reset does): it stays out of the
# address bar, the browser's history, Referer headers and request logs.
INVITATION_SESSION_KEY = "pso_invitation_link"


@require_safe
def invitation_welcome(request, secret: str):
    """The e-mailed link: keep its secret in the session, then show the
    invitation at an address without it."""
    if services.invitation_by_link(secret) is None:
        return render(request, "agencies/invitation_gone.html", status=404)
    request.session[INVITATION_SESSION_KEY] = secret
    return redirect("agencies:invitation_join")


@require_http_methods(["GET", "POST"])
def invitation_join(request):
    """Join the agency of the e-mailed link: a person without an account
    chooses a username and a password; a person signed in accepts with
    their account."""
    secret = request.session.get(INVITATION_SESSION_KEY, "")
    invitation = services.invitation_by_link(secret)
    if invitation is None:
        request.session.pop(INVITATION_SESSION_KEY, None)
        return render(request, "agencies/invitation_gone.html", status=404)
    signed_in = request.user.is_authenticated
    form = (
        None
        if signed_in
        else JoinForm(request.POST if request.method == "POST" else None, email=invitation.email)
    )
    if request.method == "POST":
        try:
            if signed_in:
                membership = services.invitation_accept_by_link(secret=secret, user=request.user)
            elif form.is_valid():
                membership = services.invitation_join(secret=secret, user_values=form.user_values())
                login(request, membership.user, backend="django.contrib.auth.backends.ModelBackend")
            else:
                membership = None
        except services.RoleRefused as refusal:
            messages.error(request, refusal.message)
            membership = None
        if membership is not None:
            request.session.pop(INVITATION_SESSION_KEY, None)
            messages.success(
                request,
                _("Welcome. You are now %(role)s of %(agency)s.")
                % {"role": membership.get_role_display(), "agency": membership.agency.name},
            )
            return redirect(reverse("home") + f"#agency-{membership.agency.code}")
    context = {
        "invitation": invitation,
        "form": form,
        "signed_in": signed_in,
        "login_url": f"{reverse('login')}?{urlencode({'next': reverse('agencies:invitation_join')})}",
    }
    return render(request, "agencies/invitation_welcome.html", context)


class PasswordChange(PasswordChangeView):
    """Django's password change, the old password checked as a sign-in is."""

    form_class = CheckedPasswordChangeForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "request": self.request}


# Reset e-mails per address and requests per client, an hour.
RESETS_PER_ADDRESS = 3
RESETS_PER_CLIENT = 20
RESET_WINDOW_SECONDS = 3600


class PasswordReset(PasswordResetView):
    """Django's password reset, bounded: at most ``RESETS_PER_ADDRESS``
    e-mails an hour to one address and ``RESETS_PER_CLIENT`` requests from
    one client. Beyond them the page is the same "check your e-mail" as
    ever (it never says which addresses exist), and nothing is sent: nobody
    floods a mailbox through the site."""

    def form_valid(self, form):
        address = hashlib.sha256(form.cleaned_data["email"].strip().casefold().encode()).hexdigest()
        client_ok = ratelimit.allow(
            f"reset-client:{client_ip(self.request)}", limit=RESETS_PER_CLIENT, seconds=RESET_WINDOW_SECONDS
        )
        address_ok = client_ok and ratelimit.allow(
            f"reset-address:{address}", limit=RESETS_PER_ADDRESS, seconds=RESET_WINDOW_SECONDS
        )
        if not address_ok:
            return HttpResponseRedirect(self.get_success_url())
        return super().form_valid(form)


class SignIn(LoginView):
    """Django's sign-in, with a username or the account's e-mail address."""

    authentication_form = SignInForm
