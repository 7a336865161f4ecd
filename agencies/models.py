"""Agencies, the people who work for them or for the institute, and the
P.S.O. catalogue of standards that projects are built from."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from pso_site.lib.bilingual import BilingualName, pick_language


class Agency(BilingualName):
    class Kind(models.TextChoices):
        MINISTRY = "ministry", _("Ministry")
        DEPARTMENT = "department", _("Department")
        PROVINCIAL_OFFICE = "provincial_office", _("Provincial office")
        LOCAL_ADMINISTRATION = "local_administration", _("Local administration")

    code = models.SlugField(_("code"), max_length=40, unique=True)
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent agency"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    province = models.CharField(_("province"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("agency")
        verbose_name_plural = _("agencies")
        ordering = ["name_th"]
        # The institute's lists sort and filter by these; searching by part
        # of a name uses trigram indexes on PostgreSQL (migration 0003).
        indexes = [
            models.Index(fields=["name_th"], name="agency_name_th"),
            models.Index(fields=["province", "name_th"], name="agency_province_name"),
        ]

    def __str__(self) -> str:
        return self.name


def agency_code_suggested() -> str:
    """A free code for a new agency when nobody typed one (``agency-0042``):
    codes are in web addresses, which Thai names cannot be."""
    number = Agency.objects.count() + 1
    while Agency.objects.filter(code=f"agency-{number:04d}").exists():
        number += 1
    return f"agency-{number:04d}"


class Cohort(models.Model):
    name = models.CharField(_("name"), max_length=200, unique=True)
    signed_on = models.DateField(_("agreement signed on"))
    agencies = models.ManyToManyField(
        Agency, verbose_name=_("member agencies"), related_name="cohorts", blank=True
    )

    class Meta:
        verbose_name = _("cohort")
        verbose_name_plural = _("cohorts")
        ordering = ["-signed_on", "name"]

    def __str__(self) -> str:
        return self.name


class Membership(models.Model):
    """A person's role in one agency; a person may belong to several."""

    class Role(models.TextChoices):
        HEAD = "head", _("Agency head")
        EDITOR = "editor", _("Editor")
        VIEWER = "viewer", _("Viewer")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="memberships",
    )
    agency = models.ForeignKey(
        Agency, verbose_name=_("agency"), on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(_("role"), max_length=10, choices=Role.choices)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(fields=["user", "agency"], name="one_role_per_agency"),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.agency} · {self.get_role_display()}"

    @property
    def can_edit(self) -> bool:
        return self.role in (self.Role.HEAD, self.Role.EDITOR)

    @property
    def is_head(self) -> bool:
        return self.role == self.Role.HEAD


class InstituteRole(models.Model):
    """A role at the standards institute, across all agencies."""

    class Role(models.TextChoices):
        COMMITTEE = "committee", _("Committee member")
        AUDITOR = "auditor", _("Auditor")
        STANDARDS_ADMIN = "standards_admin", _("Standards administrator")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="institute_roles",
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("institute role")
        verbose_name_plural = _("institute roles")
        constraints = [
            models.UniqueConstraint(fields=["user", "role"], name="institute_role_once"),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()}"


class Invitation(models.Model):
    """A role in an agency offered to a person, who accepts or declines it:
    roles are given, never taken. Invitations name a username (an answer
    never says whether such an account exists) or an e-mail address.

    A username invitation is bound to the account that had the username
    when it was made (``user``), and only that account answers it; a
    username taken later does not inherit it. An e-mail invitation is
    answered only through the link sent to the address, whoever is signed
    in: the person without an account chooses a username and a password
    and lands on the agency, a person with one accepts with it. An e-mailed
    link works until ``expires_at``; only its hash is stored."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for an answer")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    agency = models.ForeignKey(
        Agency, verbose_name=_("agency"), on_delete=models.CASCADE, related_name="invitations"
    )
    username = models.CharField(_("username"), max_length=150)
    role = models.CharField(_("role"), max_length=10, choices=Membership.Role.choices)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("invited by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    created_at = models.DateTimeField(_("invited on"), auto_now_add=True)
    answered_at = models.DateTimeField(_("answered on"), null=True, blank=True)
    # E-mail invitations: the address (also in ``username`` until accepted),
    # the SHA-256 of the link's secret, and when the link stops working.
    email = models.EmailField(_("e-mail"), blank=True)
    token_hash = models.CharField(_("link hash"), max_length=64, blank=True, db_index=True, editable=False)
    expires_at = models.DateTimeField(_("link valid until"), null=True, blank=True)
    # A username invitation belongs to the account that had the username
    # when it was made (none: nobody can answer it); an e-mail invitation
    # is answered only through its link.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("invited account"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="invitations_received",
    )
    # A first head invited by the standards administrator waits for a
    # second institute person's confirmation before anyone can answer it.
    needs_confirmation = models.BooleanField(_("needs a second person's confirmation"), default=False)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("confirmed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    confirmed_at = models.DateTimeField(_("confirmed on"), null=True, blank=True)

    history = HistoricalRecords(excluded_fields=["token_hash"])

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["agency", "username"],
                condition=models.Q(status="pending"),
                name="one_pending_invitation_per_person",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.username} · {self.agency} · {self.get_role_display()}"

    @property
    def is_expired(self) -> bool:
        return self.expires_at is not None and self.expires_at <= timezone.now()

    @property
    def awaiting_confirmation(self) -> bool:
        return self.needs_confirmation and self.confirmed_at is None


class Standard(BilingualName):
    class Part(models.TextChoices):
        MANAGEMENT = "management", _("Management system")
        OUTCOME = "outcome", _("Outcome")

    code = models.CharField(_("code"), max_length=10, unique=True)
    part = models.CharField(_("part"), max_length=12, choices=Part.choices)
    min_total_score = models.DecimalField(
        _("minimum total score for readiness"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("70.00"),
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    min_criterion_level = models.DecimalField(
        _("minimum criterion level for readiness"),
        max_digits=3,
        decimal_places=2,
        default=Decimal("2.00"),
        validators=[MinValueValidator(0), MaxValueValidator(3)],
    )

    class Meta:
        verbose_name = _("standard")
        verbose_name_plural = _("standards")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(min_total_score__gte=0, min_total_score__lte=100),
                name="standard_min_total_in_range",
            ),
            models.CheckConstraint(
                condition=models.Q(min_criterion_level__gte=0, min_criterion_level__lte=3),
                name="standard_min_level_in_range",
            ),
        ]

    def __str__(self) -> str:
        return f"P.S.O. {self.code} {self.name}"

    @property
    def label(self) -> str:
        return f"P.S.O. {self.code}"


class Criterion(BilingualName):
    """A criterion of the institute's catalogue.

    Projects copy these when they are created, so editing the catalogue never
    changes a project already under way (docs/architecture.md).
    """

    standard = models.ForeignKey(
        Standard, verbose_name=_("standard"), on_delete=models.CASCADE, related_name="criteria"
    )
    code = models.SlugField(_("code"), max_length=40)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    provisional = models.BooleanField(
        _("provisional"),
        default=False,
        help_text=_("Not in the source documents: a starter set to confirm or replace."),
    )

    class Meta:
        verbose_name = _("criterion")
        verbose_name_plural = _("criteria")
        ordering = ["standard", "order"]
        constraints = [
            models.UniqueConstraint(fields=["standard", "code"], name="criterion_code_per_standard"),
        ]

    def __str__(self) -> str:
        return self.name


class UltimateOutcome(BilingualName):
    code = models.SlugField(_("code"), max_length=40, unique=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("ultimate outcome")
        verbose_name_plural = _("ultimate outcomes")
        ordering = ["order"]

    def __str__(self) -> str:
        return self.name


class MissionCategory(BilingualName):
    code = models.SlugField(_("code"), max_length=20, unique=True)
    default_budget = models.DecimalField(_("default budget (points)"), max_digits=5, decimal_places=2)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("mission category")
        verbose_name_plural = _("mission categories")
        ordering = ["order"]

    def __str__(self) -> str:
        return self.name


class Step(BilingualName):
    """One of the nine steps: the stepper and each step's page take its name
    and short guidance from here, so the standards administrator edits them."""

    number = models.PositiveSmallIntegerField(_("number"), unique=True)
    guidance_th = models.TextField(_("guidance (Thai)"), blank=True)
    guidance_en = models.TextField(_("guidance (English)"), blank=True)

    class Meta:
        verbose_name = _("step")
        verbose_name_plural = _("steps")
        ordering = ["number"]

    def __str__(self) -> str:
        return f"{self.number}. {self.name}"

    @property
    def guidance(self) -> str:
        return pick_language(self.guidance_th, self.guidance_en)


class AccessEvent(models.Model):
    """Who did what, when, from where: sign-ins (and failed ones), downloads
    of dossiers, evidence, archives and workbooks, and decisions. Written by
    ``agencies.audit``; nobody edits it through the app."""

    class Action(models.TextChoices):
        SIGN_IN = "sign_in", _("Signed in")
        SIGN_IN_FAILED = "sign_in_failed", _("Failed sign-in")
        DOSSIER = "dossier", _("Downloaded a dossier")
        CERTIFICATE = "certificate", _("Downloaded a printable certificate")
        EVIDENCE = "evidence", _("Downloaded an evidence file")
        EXPORT = "export", _("Exported data")
        DECISION = "decision", _("Recorded a decision")
        SECOND_FACTOR = "second_factor", _("Gave the second factor")
        SECOND_FACTOR_FAILED = "second_factor_failed", _("Wrong second-factor code")
        TWO_FACTOR_CHANGED = "two_factor_changed", _("Changed two-step sign-in")

    at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    username = models.CharField(_("username"), max_length=150, blank=True)
    action = models.CharField(_("action"), max_length=20, choices=Action.choices)
    subject = models.CharField(_("what"), max_length=300, blank=True)
    path = models.CharField(_("address"), max_length=300, blank=True)
    ip = models.GenericIPAddressField(_("from"), null=True, blank=True)

    class Meta:
        verbose_name = _("access event")
        verbose_name_plural = _("access log")
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.username} {self.action}"


class Person(models.Model):
    """What the app keeps about a person beyond Django's account: the
    language of their e-mails (the last one they chose in the app)."""

    class Language(models.TextChoices):
        THAI = "th", "ภาษาไทย"
        ENGLISH = "en", "English"

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name=_("account"), on_delete=models.CASCADE, related_name="person"
    )
    language = models.CharField(_("language"), max_length=5, choices=Language.choices, default=Language.THAI)

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")

    def __str__(self) -> str:
        return f"{self.user} ({self.language})"


class Notification(models.Model):
    """What happened that concerns a person (the same events as the
    e-mails), read in the app; unread until they open it."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account"),
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    title = models.CharField(_("title"), max_length=300)
    url = models.CharField(_("address"), max_length=300)
    created_at = models.DateTimeField(_("when"), auto_now_add=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["user", "read_at"], name="notification_unread")]

    def __str__(self) -> str:
        return self.title
