"""People and roles: given by someone else, never taken (docs/domain.md §5).

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
from django.db.models import QuerySet
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from agencies.access import institute_role_now
from agencies.models import Agency, InstituteRole, Invitation, Membership
from agencies.notify import mail_address
from pso_site.lib.refusals import Refusal
from pso_site.lib.site import base_url as site_base_url

STANDARDS_ADMIN_GROUP = "standards_admin"
# What a standards administrator manages in the Django admin (docs/domain.md §5):
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


class RoleRefused(Refusal):
    """A role given or taken against the rules (oneself, the last head)."""


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
        if role != Membership.Role.HEAD and is_last_head(membership):
            raise RoleRefused(_("The agency needs at least one head."))
        membership.role = role
        membership.save(update_fields=["role"])
    return membership


@transaction.atomic
def membership_delete(*, membership_id: int, by) -> None:
    """The site's superuser takes a role away (the Django admin): never
    their own, never an agency's last head."""
    membership = Membership.objects.select_for_update().select_related("user").get(pk=membership_id)
    _not_oneself(by, membership.user)
    if is_last_head(membership):
        raise RoleRefused(_("The agency needs at least one head."))
    membership.delete()


def is_last_head(membership: Membership) -> bool:
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
    if role != Membership.Role.HEAD and is_last_head(membership):
        raise RoleRefused(_("The agency needs at least one head."))
    if membership.role != role:
        membership.role = role
        membership.save(update_fields=["role"])
    return membership


@transaction.atomic
def membership_remove(*, agency: Agency, membership_id: int, by) -> Membership:
    membership = _membership_for_head(agency=agency, membership_id=membership_id, by=by)
    if is_last_head(membership):
        raise RoleRefused(_("The agency needs at least one head."))
    membership.delete()
    return membership


# Agencies --------------------------------------------------------------------------


@transaction.atomic
def agency_create(*, values: dict, by, head_email: str = "", base_url: str = "") -> Agency:
    """A new agency (the standards administrator, on its page), and the
    invitation of its first head when an address is given: it waits for a
    second institute person's confirmation like any first head's."""
    if not institute_role_now(by, InstituteRole.Role.STANDARDS_ADMIN):
        raise Http404("No such page.")
    agency = Agency.objects.create(**values)
    if head_email:
        first_head_invite(agency=agency, username=head_email, by=by, base_url=base_url)
    return agency


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


def _same_address(user, address: str) -> bool:
    return bool(user is not None and user.email and user.email.strip().lower() == address)


def invitation_create(
    *, agency: Agency, username: str, role: str, by, base_url: str = "", needs_confirmation: bool = False
) -> Invitation:
    """Invite ``username`` to the agency with ``role``. The same answer
    whether or not such an account exists; it is the person who accepts.
    A username invitation belongs to the account that has the username now
    (none: nobody can answer it). An e-mail address instead of a username
    mails a link with which its holder joins, with a new account or their
    own. ``needs_confirmation``: nothing is sent, and nobody can answer it,
    until a second institute person confirms it (``invitation_confirm``)."""
    username = username.strip()
    email = ""
    if "@" in username:
        try:
            validate_email(username)
        except ValidationError:
            raise RoleRefused(_("This is not an e-mail address.")) from None
        email = username = username.lower()
    if username == by.get_username() or _same_address(by, email):
        raise RoleRefused(_("Nobody gives themselves a role: another person must do it."))
    if Membership.objects.filter(agency=agency, user__username=username).exists():
        raise RoleRefused(_("%(username)s is already a member of this agency.") % {"username": username})
    account = None if email else get_user_model().objects.filter(username=username).first()
    try:
        with transaction.atomic():
            invitation, created = Invitation.objects.get_or_create(
                agency=agency,
                username=username,
                status=Invitation.Status.PENDING,
                defaults={
                    "role": role,
                    "invited_by": by,
                    "user": account,
                    "email": email,
                    "needs_confirmation": needs_confirmation,
                },
            )
            if not created and (invitation.role, invitation.invited_by_id) != (role, by.pk):
                # Another person's offer, changed: it needs confirming again if it ever did.
                invitation.role, invitation.invited_by = role, by
                invitation.needs_confirmation = invitation.needs_confirmation or needs_confirmation
                invitation.confirmed_by, invitation.confirmed_at = None, None
                invitation.save(
                    update_fields=["role", "invited_by", "needs_confirmation", "confirmed_by", "confirmed_at"]
                )
            if email and not invitation.awaiting_confirmation and (created or invitation.is_expired):
                _link_send(invitation, base_url=base_url)
    except IntegrityError:  # the same invitation, made a moment ago
        invitation = Invitation.objects.get(
            agency=agency, username=username, status=Invitation.Status.PENDING
        )
    return invitation


@transaction.atomic
def invitation_resend(*, agency: Agency, invitation_id: int, by, base_url: str = "") -> Invitation:
    """A new link for a pending e-mail invitation (head, or the standards
    administrator for a first head), once it is confirmed if it must be."""
    invitation = (
        Invitation.objects.select_for_update()
        .select_related("agency")
        .filter(pk=invitation_id, agency=agency, status=Invitation.Status.PENDING)
        .exclude(email="")
        .first()
    )
    if invitation is None or not _may_manage_invitations(agency, by, invitation):
        raise Http404("No such invitation.")
    if invitation.awaiting_confirmation:
        raise RoleRefused(_("This invitation waits for a second person's confirmation; nothing was sent."))
    _link_send(invitation, base_url=base_url)
    return invitation


def _may_manage_invitations(agency: Agency, by, invitation: Invitation) -> bool:
    if Membership.objects.filter(agency=agency, user=by, role=Membership.Role.HEAD).exists():
        return True
    return invitation.role == Membership.Role.HEAD and institute_role_now(
        by, InstituteRole.Role.STANDARDS_ADMIN
    )


def _answerable() -> QuerySet:
    """Pending invitations anyone may answer now: not waiting for a confirmation."""
    return Invitation.objects.filter(status=Invitation.Status.PENDING).exclude(
        needs_confirmation=True, confirmed_at__isnull=True
    )


def invitation_by_link(secret: str) -> Invitation | None:
    """The pending, unexpired invitation of an e-mailed link, or None."""
    if not secret:
        return None
    invitation = (
        _answerable()
        .select_related("agency", "invited_by")
        .filter(token_hash=_hash(secret))
        .exclude(token_hash="")
        .first()
    )
    return None if invitation is None or invitation.is_expired else invitation


def _invitation_by_link_locked(secret: str) -> Invitation:
    invitation = invitation_by_link(secret)
    if invitation is None:
        raise Http404("No such invitation.")
    invitation = Invitation.objects.select_for_update().select_related("agency").get(pk=invitation.pk)
    if invitation.status != Invitation.Status.PENDING or invitation.token_hash != _hash(secret):
        raise Http404("No such invitation.")
    return invitation


def _accepted(invitation: Invitation, user) -> Membership:
    """Inside the caller's transaction: the invitation answered by ``user``,
    who becomes a member. The link stops working."""
    if user.pk in (invitation.invited_by_id, invitation.confirmed_by_id):
        raise RoleRefused(_("Nobody gives themselves a role: another person must do it."))
    invitation.user = user
    invitation.username = user.get_username()
    invitation.status = Invitation.Status.ACCEPTED
    invitation.answered_at = timezone.now()
    invitation.token_hash = ""
    invitation.save(update_fields=["user", "username", "status", "answered_at", "token_hash"])
    return membership_set(agency=invitation.agency, user=user, role=invitation.role, by=invitation.invited_by)


@transaction.atomic
def invitation_join(*, secret: str, user_values: dict) -> Membership:
    """A person without an account follows the e-mailed link: their account
    is made with the username, name and password they chose, and the role
    accepted. The link works once."""
    invitation = _invitation_by_link_locked(secret)
    user = get_user_model().objects.create_user(email=invitation.email, **user_values)
    return _accepted(invitation, user)


@transaction.atomic
def invitation_accept_by_link(*, secret: str, user) -> Membership:
    """A person who has an account follows the e-mailed link signed in and
    accepts with that account. The link works once."""
    invitation = _invitation_by_link_locked(secret)
    if Membership.objects.filter(agency=invitation.agency, user=user).exists():
        raise RoleRefused(_("You are already a member of this agency."))
    return _accepted(invitation, user)


def first_head_invite(*, agency: Agency, username: str, by, base_url: str = "") -> Invitation:
    """The standards administrator invites the first head of an agency that
    has none — never itself, and only with a second institute person's
    confirmation (``invitation_confirm``): one person alone cannot make
    anyone, a second account of their own included, an agency's head."""
    if Membership.objects.filter(agency=agency, role=Membership.Role.HEAD).exists():
        raise RoleRefused(_("This agency has a head already: the head invites the members."))
    return invitation_create(
        agency=agency,
        username=username,
        role=Membership.Role.HEAD,
        by=by,
        base_url=base_url,
        needs_confirmation=True,
    )


def may_confirm(user) -> bool:
    """Who confirms a first head: a standards administrator or the site's superuser."""
    return user.is_authenticated and (
        user.is_superuser or institute_role_now(user, InstituteRole.Role.STANDARDS_ADMIN)
    )


def awaiting_confirmation():
    return (
        Invitation.objects.filter(
            status=Invitation.Status.PENDING, needs_confirmation=True, confirmed_at__isnull=True
        )
        .select_related("agency", "invited_by", "user")
        .order_by("created_at", "pk")
    )


@transaction.atomic
def invitation_confirm(*, invitation_id: int, by, base_url: str = "") -> Invitation:
    """A second institute person confirms a first head's invitation: never
    the one who made it, nor the person invited. An e-mail invitation's link
    is sent now."""
    if not may_confirm(by):
        raise Http404("No such invitation.")
    invitation = (
        Invitation.objects.select_for_update()
        .select_related("agency")
        .filter(pk=invitation_id, status=Invitation.Status.PENDING, needs_confirmation=True)
        .first()
    )
    if invitation is None:
        raise Http404("No such invitation.")
    if invitation.confirmed_at is not None:
        return invitation
    if by.pk in (invitation.invited_by_id, invitation.user_id) or _same_address(by, invitation.email):
        raise RoleRefused(
            _("A second person confirms this invitation: not the one who made it, nor the one invited.")
        )
    if Membership.objects.filter(agency=invitation.agency, role=Membership.Role.HEAD).exists():
        raise RoleRefused(_("This agency has a head already: the head invites the members."))
    invitation.confirmed_by = by
    invitation.confirmed_at = timezone.now()
    invitation.save(update_fields=["confirmed_by", "confirmed_at"])
    if invitation.email:
        _link_send(invitation, base_url=base_url)
    return invitation


def _answer(*, invitation_id: int, user, status: str) -> Invitation:
    """A username invitation, answered by the account it was made for."""
    invitation = (
        _answerable()
        .select_for_update()
        .select_related("agency")
        .filter(pk=invitation_id, user=user, email="")
        .first()
    )
    if invitation is None:
        raise Http404("No such invitation.")
    if user.pk in (invitation.invited_by_id, invitation.confirmed_by_id):
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
    """The username invitations made for this very account, answerable now
    (e-mail invitations are answered through their link)."""
    return (
        _answerable()
        .filter(user=user, email="")
        .select_related("agency", "invited_by")
        .order_by("-created_at")
    )
