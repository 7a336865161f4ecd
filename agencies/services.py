"""People and roles: given by someone else, never taken (domain.md §5).

A head invites members, who accept; the standards administrator may invite
an agency's first head; institute roles are granted by the site's superuser.
Every service refuses a grant to oneself, and every grant, change and
removal is recorded (django-simple-history on Membership, InstituteRole and
Invitation; ``people_history`` reads it).
"""

from django.contrib.auth.models import Group, Permission
from django.db import IntegrityError, transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from agencies.models import Agency, InstituteRole, Invitation, Membership

STANDARDS_ADMIN_GROUP = "standards_admin"
# What a standards administrator manages in the Django admin (domain.md §5):
# the catalogue, agencies and cohorts. People and roles it may only read.
STANDARDS_ADMIN_MODELS = [
    "agency",
    "cohort",
    "standard",
    "criterion",
    "ultimateoutcome",
    "missioncategory",
    "step",
]
STANDARDS_ADMIN_READS = ["membership", "instituterole", "invitation", "accessevent"]


class RoleRefused(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def _not_oneself(by, user) -> None:
    if by is not None and user is not None and by.pk == user.pk:
        raise RoleRefused(_("Nobody gives themselves a role: another person must do it."))


def standards_admin_group() -> Group:
    group, _created = Group.objects.get_or_create(name=STANDARDS_ADMIN_GROUP)
    manage = Permission.objects.filter(
        content_type__app_label="agencies", content_type__model__in=STANDARDS_ADMIN_MODELS
    )
    read = Permission.objects.filter(
        content_type__app_label="agencies",
        content_type__model__in=STANDARDS_ADMIN_READS,
        codename__startswith="view_",
    )
    group.permissions.set([*manage, *read])
    return group


@transaction.atomic
def institute_role_grant(*, user, role: str, by=None) -> InstituteRole:
    """Give ``user`` an institute role (``by`` is the superuser who grants
    it; None for the command line and the demo). A standards administrator
    also gets the Django admin for the catalogue and agencies."""
    _not_oneself(by, user)
    grant, _created = InstituteRole.objects.get_or_create(user=user, role=role)
    if role == InstituteRole.Role.STANDARDS_ADMIN:
        user.is_staff = True
        user.save(update_fields=["is_staff"])
        user.groups.add(standards_admin_group())
    return grant


@transaction.atomic
def institute_role_revoke(*, user, role: str, by=None) -> None:
    _not_oneself(by, user)
    for grant in InstituteRole.objects.filter(user=user, role=role):
        grant.delete()
    if role == InstituteRole.Role.STANDARDS_ADMIN:
        user.groups.remove(standards_admin_group())


@transaction.atomic
def membership_set(*, agency: Agency, user, role: str, by=None) -> Membership:
    """The person's role in the agency, created or changed (the demo, and an
    accepted invitation)."""
    _not_oneself(by, user)
    membership, created = Membership.objects.get_or_create(agency=agency, user=user, defaults={"role": role})
    if not created and membership.role != role:
        membership.role = role
        membership.save(update_fields=["role"])
    return membership


def _is_last_head(membership: Membership) -> bool:
    return (
        membership.role == Membership.Role.HEAD
        and not Membership.objects.filter(agency_id=membership.agency_id, role=Membership.Role.HEAD)
        .exclude(pk=membership.pk)
        .exists()
    )


def _membership_for_head(*, agency: Agency, membership_id: int, by) -> Membership:
    """Inside the caller's transaction: the membership, if ``by`` heads the agency now."""
    if not Membership.objects.filter(agency=agency, user=by, role=Membership.Role.HEAD).exists():
        raise Http404("No such agency.")
    membership = Membership.objects.select_for_update().filter(pk=membership_id, agency=agency).first()
    if membership is None:
        raise Http404("No such member.")
    return membership


@transaction.atomic
def membership_change(*, agency: Agency, membership_id: int, role: str, by) -> Membership:
    membership = _membership_for_head(agency=agency, membership_id=membership_id, by=by)
    if membership.user_id == by.pk:
        raise RoleRefused(_("Nobody changes their own role: another head must do it."))
    if role != Membership.Role.HEAD and _is_last_head(membership):
        raise RoleRefused(_("The agency needs at least one head."))
    if membership.role != role:
        membership.role = role
        membership.save(update_fields=["role"])
    return membership


@transaction.atomic
def membership_remove(*, agency: Agency, membership_id: int, by) -> Membership:
    membership = _membership_for_head(agency=agency, membership_id=membership_id, by=by)
    if _is_last_head(membership):
        raise RoleRefused(_("The agency needs at least one head."))
    membership.delete()
    return membership


# Invitations ----------------------------------------------------------------------


def invitation_create(*, agency: Agency, username: str, role: str, by) -> Invitation:
    """Invite ``username`` to the agency with ``role``. The same answer
    whether or not such an account exists; it is the person who accepts."""
    username = username.strip()
    if username == by.get_username():
        raise RoleRefused(_("Nobody gives themselves a role: another person must do it."))
    if Membership.objects.filter(agency=agency, user__username=username).exists():
        raise RoleRefused(_("%(username)s is already a member of this agency.") % {"username": username})
    try:
        with transaction.atomic():
            invitation, created = Invitation.objects.get_or_create(
                agency=agency,
                username=username,
                status=Invitation.Status.PENDING,
                defaults={"role": role, "invited_by": by},
            )
            if not created and (invitation.role, invitation.invited_by_id) != (role, by.pk):
                invitation.role, invitation.invited_by = role, by
                invitation.save(update_fields=["role", "invited_by"])
    except IntegrityError:  # the same invitation, made a moment ago
        invitation = Invitation.objects.get(
            agency=agency, username=username, status=Invitation.Status.PENDING
        )
    return invitation


def first_head_invite(*, agency: Agency, username: str, by) -> Invitation:
    """The standards administrator invites the first head of an agency that
    has none — never itself."""
    if Membership.objects.filter(agency=agency, role=Membership.Role.HEAD).exists():
        raise RoleRefused(_("This agency has a head already: the head invites the members."))
    return invitation_create(agency=agency, username=username, role=Membership.Role.HEAD, by=by)


def _answer(*, invitation_id: int, user, status: str) -> Invitation:
    invitation = (
        Invitation.objects.select_for_update()
        .select_related("agency")
        .filter(pk=invitation_id, username=user.get_username(), status=Invitation.Status.PENDING)
        .first()
    )
    if invitation is None:
        raise Http404("No such invitation.")
    if invitation.invited_by_id == user.pk:
        raise RoleRefused(_("Nobody gives themselves a role: another person must do it."))
    invitation.status = status
    invitation.answered_at = timezone.now()
    invitation.save(update_fields=["status", "answered_at"])
    return invitation


@transaction.atomic
def invitation_accept(*, invitation_id: int, user) -> Membership:
    invitation = _answer(invitation_id=invitation_id, user=user, status=Invitation.Status.ACCEPTED)
    return membership_set(agency=invitation.agency, user=user, role=invitation.role, by=invitation.invited_by)


@transaction.atomic
def invitation_decline(*, invitation_id: int, user) -> Invitation:
    return _answer(invitation_id=invitation_id, user=user, status=Invitation.Status.DECLINED)


@transaction.atomic
def invitation_withdraw(*, agency: Agency, invitation_id: int, by) -> Invitation:
    if not Membership.objects.filter(agency=agency, user=by, role=Membership.Role.HEAD).exists():
        raise Http404("No such agency.")
    invitation = Invitation.objects.filter(
        pk=invitation_id, agency=agency, status=Invitation.Status.PENDING
    ).first()
    if invitation is None:
        raise Http404("No such invitation.")
    invitation.status = Invitation.Status.WITHDRAWN
    invitation.answered_at = timezone.now()
    invitation.save(update_fields=["status", "answered_at"])
    return invitation


def pending_invitations(user):
    return (
        Invitation.objects.filter(username=user.get_username(), status=Invitation.Status.PENDING)
        .select_related("agency", "invited_by")
        .order_by("-created_at")
    )
