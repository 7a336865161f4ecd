"""An agency's members: everyone in the agency sees them; the head manages them."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import IntegrityError, transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from agencies.access import get_agency_for_user, membership_for
from agencies.forms import MemberAddForm, MemberRoleForm
from agencies.models import Membership


@login_required
def members(request, code: str):
    agency = get_agency_for_user(request.user, code, head=request.method == "POST")
    form = MemberAddForm(request.POST or None, agency=agency)
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                Membership.objects.create(agency=agency, user=form.user, role=form.cleaned_data["role"])
        except IntegrityError:
            # Another head added the same person a moment ago.
            messages.info(
                request,
                _("%(username)s is already a member of this agency.") % {"username": form.user.username},
            )
        else:
            messages.success(request, _("%(username)s added.") % {"username": form.user.username})
        return redirect("agencies:members", code=code)
    context = {
        "agency": agency,
        "memberships": Membership.objects.filter(agency=agency)
        .select_related("user")
        .order_by("role", "user__username"),
        "is_head": (membership_for(request.user, agency) or Membership()).is_head,
        "form": form,
        "roles": Membership.Role.choices,
    }
    return render(request, "agencies/members.html", context)


@login_required
@require_POST
def member_change(request, code: str, membership_id: int):
    agency = get_agency_for_user(request.user, code, head=True)
    membership = get_object_or_404(Membership, pk=membership_id, agency=agency)
    if request.POST.get("remove"):
        if _last_head(membership):
            messages.error(request, _("The agency needs at least one head."))
        else:
            membership.delete()
            messages.success(request, _("%(username)s removed.") % {"username": membership.user.username})
        return redirect("agencies:members", code=code)
    form = MemberRoleForm(request.POST)
    if form.is_valid():
        with transaction.atomic():
            if form.cleaned_data["role"] != Membership.Role.HEAD and _last_head(membership):
                messages.error(request, _("The agency needs at least one head."))
            else:
                membership.role = form.cleaned_data["role"]
                membership.save(update_fields=["role"])
                messages.success(
                    request, _("Role of %(username)s changed.") % {"username": membership.user.username}
                )
    return redirect("agencies:members", code=code)


def _last_head(membership: Membership) -> bool:
    return (
        membership.role == Membership.Role.HEAD
        and not Membership.objects.filter(agency_id=membership.agency_id, role=Membership.Role.HEAD)
        .exclude(pk=membership.pk)
        .exists()
    )
