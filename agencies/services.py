"""People and roles: given by someone else, never taken (domain.md §5).

A head invites members, who accept; the standards administrator may invite
an agency's first head; institute roles are granted by the site's superuser.
Every service refuses a grant to oneself, and every grant, change and
removal is recorded (django-simple-history on Membership, InstituteRole and
Invitation; ``people_history`` reads it).
"""

import datetime
import hashlib
import secrets

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from agencies.access import institute_role_now
from agencies.models import Agency, InstituteRole, Invitation, Membership
from agencies.notify import mail_address
from pso_site.lib.site import base_url as site_base_url

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


INVITATION_DAYS = 14


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _link_send(invitation: Invitation, *, base_url: str = "") -> None:
    """A new secret link for an e-mail invitation (the earlier one stops
    working), mailed once the transaction commits. The secret is never
    stored, and never queued: only its hash is kept."""
    secret = secrets.token_urlsafe(32)
    invitation.token_hash = _hash(secret)
    invitation.expires_at = timezone.now() + datetime.timedelta(days=INVITATION_DAYS)
    invitation.save(update_fields=["token_hash", "expires_at"])
    context = {"invitation": invitation, "agency": invitation.agency, "days": INVITATION_DAYS}
    path = reverse("agencies:invitation_welcome", args=[secret])
    link_base = base_url or site_base_url()
    transaction.on_commit(
        lambda: mail_address(invitation.email, "invitation", context, path=path, base_url=link_base)
    )


def invitation_create(*, agency: Agency, username: str, role: str, by, base_url: str = "") -> Invitation:
    """Invite ``username`` to the agency with ``role``. The same answer
    whether or not such an account exists; it is the person who accepts.
    An e-mail address instead of a username mails a link with which a
    person without an account makes one and joins."""
    username = username.strip()
    email = ""
    if "@" in username:
        try:
            validate_email(username)
        except ValidationError:
            raise RoleRefused(_("This is not an e-mail address.")) from None
        email = username = username.lower()
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
            if email and (created or invitation.is_expired):
                invitation.email = email
                invitation.save(update_fields=["email"])
                _link_send(invitation, base_url=base_url)
    except IntegrityError:  # the same invitation, made a moment ago
        invitation = Invitation.objects.get(
            agency=agency, username=username, status=Invitation.Status.PENDING
        )
    return invitation


@transaction.atomic
def invitation_resend(*, agency: Agency, invitation_id: int, by, base_url: str = "") -> Invitation:
    """A new link for a pending e-mail invitation (head, or the standards
    administrator for a first head)."""
    invitation = (
        Invitation.objects.select_for_update()
        .select_related("agency")
        .filter(pk=invitation_id, agency=agency, status=Invitation.Status.PENDING)
        .exclude(email="")
        .first()
    )
    if invitation is None or not _may_manage_invitations(agency, by, invitation):
        raise Http404("No such invitation.")
    _link_send(invitation, base_url=base_url)
    return invitation


def _may_manage_invitations(agency: Agency, by, invitation: Invitation) -> bool:
    if Membership.objects.filter(agency=agency, user=by, role=Membership.Role.HEAD).exists():
        return True
    return invitation.role == Membership.Role.HEAD and institute_role_now(
        by, InstituteRole.Role.STANDARDS_ADMIN
    )


def invitation_by_link(secret: str) -> Invitation | None:
    """The pending, unexpired invitation of an e-mailed link, or None."""
    invitation = (
        Invitation.objects.select_related("agency")
        .filter(token_hash=_hash(secret), status=Invitation.Status.PENDING)
        .exclude(token_hash="")
        .first()
    )
    return None if invitation is None or invitation.is_expired else invitation


@transaction.atomic
def invitation_join(*, secret: str, user_values: dict) -> Membership:
    """A person without an account follows the e-mailed link: their account
    is made with the username, name and password they chose, and the role
    accepted. The link works once."""
    invitation = invitation_by_link(secret)
    if invitation is None:
        raise Http404("No such invitation.")
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.status != Invitation.Status.PENDING:
        raise Http404("No such invitation.")
    user = get_user_model().objects.create_user(email=invitation.email, **user_values)
    invitation.username = user.get_username()
    invitation.status = Invitation.Status.ACCEPTED
    invitation.answered_at = timezone.now()
    invitation.token_hash = ""
    invitation.save(update_fields=["username", "status", "answered_at", "token_hash"])
    return membership_set(agency=invitation.agency, user=user, role=invitation.role, by=invitation.invited_by)


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
    invitation = Invitation.objects.filter(
        pk=invitation_id, agency=agency, status=Invitation.Status.PENDING
    ).first()
    if invitation is None or not _may_manage_invitations(agency, by, invitation):
        raise Http404("No such invitation.")
    invitation.status = Invitation.Status.WITHDRAWN
    invitation.answered_at = timezone.now()
    invitation.token_hash = ""
    invitation.save(update_fields=["status", "answered_at", "token_hash"])
    return invitation


def pending_invitations(user):
    return (
        Invitation.objects.filter(username=user.get_username(), status=Invitation.Status.PENDING)
        .select_related("agency", "invited_by")
        .order_by("-created_at")
    )
