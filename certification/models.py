"""Step 9 and what follows it: the committee's reviews and decisions, the
certificates they give, and the dossiers issued at submission and decision
(docs/domain.md §4, §6)."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from assessment.models import Project, ProjectCriterion


class Review(models.Model):
    """The committee's review of one submission: its own level per
    criterion, comments, and an overall comment. A project gets a new review
    each time it is submitted."""

    project = models.ForeignKey(
        Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="reviews"
    )
    number = models.PositiveSmallIntegerField(_("review"))
    overall_comment = models.TextField(_("overall comment"), blank=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("reviewer"),
    )
    started_at = models.DateTimeField(_("started at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    # Set when the row came with a project archive (certification.archive):
    # the archive is not signed by the institute, so this system does not
    # vouch for it (docs/archive-and-excel.md).
    imported_at = models.DateTimeField(
        _("imported from an archive at"), null=True, blank=True, editable=False
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("committee review")
        verbose_name_plural = _("committee reviews")
        ordering = ["project", "number"]
        constraints = [
            models.UniqueConstraint(fields=["project", "number"], name="review_number_per_project")
        ]

    def __str__(self) -> str:
        return f"{self.project} · {self.number}"


class ReviewCriterion(models.Model):
    review = models.ForeignKey(
        Review, verbose_name=_("committee review"), on_delete=models.CASCADE, related_name="criteria"
    )
    criterion = models.ForeignKey(
        ProjectCriterion, verbose_name=_("criterion"), on_delete=models.CASCADE, related_name="+"
    )
    # Empty: the committee accepts the agency's own (exact) level.
    level = models.DecimalField(_("committee level"), max_digits=3, decimal_places=2, null=True, blank=True)
    comment = models.TextField(_("comment"), blank=True)
    step = models.PositiveSmallIntegerField(_("step concerned"), default=6)
    # A later review starts from the committee's previous level and comment,
    # marked so until the committee changes them.
    carried_over = models.BooleanField(_("carried over from the previous review"), default=False)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("committee level")
        verbose_name_plural = _("committee levels")
        constraints = [
            models.UniqueConstraint(fields=["review", "criterion"], name="one_review_level_per_criterion"),
            models.CheckConstraint(
                condition=Q(level__isnull=True) | Q(level__gte=0, level__lte=3), name="review_level_0_3"
            ),
            models.CheckConstraint(condition=Q(step__gte=1, step__lte=9), name="review_step_1_9"),
        ]

    def __str__(self) -> str:
        return f"{self.review} · {self.criterion_id}: {self.level}"


class Decision(models.Model):
    class Kind(models.TextChoices):
        REQUEST_CHANGES = "request_changes", _("Request changes")
        CERTIFY = "certify", _("Certify")
        NOT_CERTIFY = "not_certify", _("Do not certify")

    project = models.ForeignKey(
        Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="decisions"
    )
    review = models.ForeignKey(
        Review, verbose_name=_("committee review"), on_delete=models.PROTECT, related_name="decisions"
    )
    kind = models.CharField(_("decision"), max_length=20, choices=Kind.choices)
    reason = models.TextField(_("reason"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided at"), auto_now_add=True)
    # Came with a project archive: not vouched for here (see Review).
    imported_at = models.DateTimeField(
        _("imported from an archive at"), null=True, blank=True, editable=False
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")
        ordering = ["project", "decided_at"]

    def __str__(self) -> str:
        return f"{self.project} · {self.get_kind_display()}"


class CertificateSequence(models.Model):
    """The last number given for a standard in a Buddhist-era year; bumped
    inside the deciding transaction so two decisions never share a number."""

    standard_code = models.CharField(_("standard code"), max_length=10)
    year_be = models.PositiveSmallIntegerField(_("year (B.E.)"))
    last = models.PositiveIntegerField(_("last number given"), default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["standard_code", "year_be"], name="one_sequence_per_year")
        ]

    def __str__(self) -> str:
        return f"{self.standard_code}/{self.year_be}: {self.last}"


# A valid certificate is "expiring soon" from the first reminder on (reminders.py).
EXPIRING_SOON_DAYS = 180


class Certificate(models.Model):
    class Status(models.TextChoices):
        VALID = "valid", _("Valid")
        EXPIRED = "expired", _("Expired")
        REVOKED = "revoked", _("Revoked")

    project = models.OneToOneField(
        Project, verbose_name=_("project"), on_delete=models.PROTECT, related_name="certificate"
    )
    decision = models.OneToOneField(
        Decision, verbose_name=_("decision"), on_delete=models.PROTECT, related_name="certificate"
    )
    number = models.CharField(_("certificate number"), max_length=40, unique=True)
    token = models.CharField(_("verification token"), max_length=64, unique=True, editable=False)
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"))
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("revoked by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    revoked_reason = models.TextField(_("reason for revocation"), blank=True)
    # The last reminder sent before the end (180, 90 or 30 days; reminders.py).
    reminded_before_days = models.PositiveSmallIntegerField(
        _("last reminder (days before the end)"), null=True, blank=True, editable=False
    )
    # Came with a project archive, not issued through this system: the
    # verification pages say so, and that this system does not confirm it.
    imported_at = models.DateTimeField(
        _("imported from an archive at"), null=True, blank=True, editable=False
    )

    history = HistoricalRecords(excluded_fields=["reminded_before_days"])

    class Meta:
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")
        ordering = ["-valid_from"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_until__gt=F("valid_from")), name="certificate_valid_until_after_from"
            ),
        ]

    def __str__(self) -> str:
        return self.number

    def status_on(self, day, *, at=None) -> str:
        """Valid, expired or revoked on ``day``; given ``at`` (a moment), a
        revocation made after it does not count yet."""
        if self.revoked_at is not None and (at is None or self.revoked_at <= at):
            return self.Status.REVOKED
        if day > self.valid_until:
            return self.Status.EXPIRED
        return self.Status.VALID

    @property
    def status(self) -> str:
        return self.status_on(timezone.localdate())

    def days_left_on(self, day) -> int:
        """Days of validity left after ``day`` (0 on the last day, negative once expired)."""
        return (self.valid_until - day).days

    @property
    def days_left(self) -> int:
        return self.days_left_on(timezone.localdate())

    @property
    def expiring_soon(self) -> bool:
        """Valid, and within the first reminder's reach (180 days) of its end."""
        return self.status == self.Status.VALID and self.days_left <= EXPIRING_SOON_DAYS

    def standing(self) -> str:
        """The certificate as of today, in words: valid, expiring soon, expired or revoked."""
        if self.expiring_soon:
            return _("Expiring soon")
        return self.get_status_display()

    def get_status_display(self) -> str:
        return self.Status(self.status).label

    def verification_url(self) -> str:
        """The public page that confirms this certificate (its QR code)."""
        return settings.SITE_URL + reverse("verify", args=[self.token])


def dossier_path(instance, filename: str) -> str:
    return f"dossiers/{instance.project_id}/{instance.sha256}.pdf"


class IssuedDossier(models.Model):
    """A document the institute issues: the dossier (at submission, at each
    decision, at a revocation) or the printable certificate (at certification
    and at its revocation). It is recorded in the deciding transaction and
    built after it commits, from the committed record: rendered as PDF/A-3b
    with the project's record inside and signed by the institute. Once built
    its bytes never change; a later document names the one it replaces."""

    class Kind(models.TextChoices):
        DOSSIER = "dossier", _("Dossier")
        CERTIFICATE = "certificate", _("Certificate")

    class Occasion(models.TextChoices):
        SUBMISSION = "submission", _("Submission")
        DECISION = "decision", _("Decision")
        REVOCATION = "revocation", _("Revocation")

    class Status(models.TextChoices):
        PENDING = "pending", _("Being prepared")
        READY = "ready", _("Ready")
        FAILED = "failed", _("Failed")

    project = models.ForeignKey(
        Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="dossiers"
    )
    kind = models.CharField(_("document"), max_length=12, choices=Kind.choices, default=Kind.DOSSIER)
    occasion = models.CharField(_("issued at"), max_length=12, choices=Occasion.choices)
    replaces = models.ForeignKey(
        "self",
        verbose_name=_("replaces"),
        null=True,
        blank=True,
        on_delete=models.RESTRICT,
        related_name="replaced_by",
    )
    decision = models.ForeignKey(
        "Decision",
        verbose_name=_("decision"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="dossiers",
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    file = models.FileField(_("file"), upload_to=dossier_path, blank=True)
    sha256 = models.CharField("SHA-256", max_length=64, blank=True)
    size = models.PositiveIntegerField(_("size"), null=True, blank=True)
    issued_at = models.DateTimeField(_("issued at"), default=timezone.now)
    built_at = models.DateTimeField(_("built at"), null=True, blank=True)
    error = models.TextField(_("error"), blank=True)
    # The SHA-256 fingerprint of the certificate that signed the stored bytes:
    # the identity that signed it here, or what validation found on import.
    signer = models.CharField(_("signed by (certificate SHA-256)"), max_length=64, blank=True)
    # Came with a project archive (certification.archive).
    imported_at = models.DateTimeField(
        _("imported from an archive at"), null=True, blank=True, editable=False
    )
    # The signature was confirmed as the institute's: always for a document
    # signed here; for an imported one, only when its file came with the
    # archive, its signature validated and its signer is one of the
    # institute's certificates (current or retired). The public check never
    # calls a document genuine without it.
    signature_verified = models.BooleanField(_("signature confirmed as the institute's"), default=True)
    # The figures of the record as issued (total, target, per criterion), so
    # the institute reads them while the agency revises the project.
    figures = models.JSONField(_("figures as issued"), default=dict, blank=True)

    history = HistoricalRecords(excluded_fields=["error"])

    class Meta:
        verbose_name = _("issued dossier")
        verbose_name_plural = _("issued dossiers")
        ordering = ["project", "issued_at", "id"]
        indexes = [
            models.Index(fields=["project", "occasion", "-issued_at"], name="dossier_project_occasion"),
            models.Index(fields=["sha256"], name="dossier_sha256"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="ready") | (~Q(sha256="") & Q(size__isnull=False)),
                name="ready_dossier_has_bytes",
            ),
        ]

    def __str__(self) -> str:
        return (
            f"{self.project} · {self.get_kind_display()} · {self.get_occasion_display()}"
            f" · {self.sha256[:12] or self.status}"
        )

    @property
    def is_ready(self) -> bool:
        return self.status == self.Status.READY


def draft_path(instance, filename: str) -> str:
    return f"drafts/{instance.project_id}/{instance.content_hash}.pdf"


class DraftDossier(models.Model):
    """A draft dossier built for a project as it stood: kept under the hash
    of its content, so an unchanged project is served at once and any change
    asks for a new build. ``parts`` holds the HTML of each part of the
    dossier (certification.drafts); ``html`` only drafts requested before
    drafts were built in parts."""

    project = models.ForeignKey(
        Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="drafts"
    )
    content_hash = models.CharField(_("content hash"), max_length=64)
    html = models.TextField("HTML", blank=True)
    parts = models.JSONField(_("parts"), default=dict, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=IssuedDossier.Status.choices, default=IssuedDossier.Status.PENDING
    )
    file = models.FileField(_("file"), upload_to=draft_path, blank=True)
    requested_at = models.DateTimeField(_("requested at"), default=timezone.now)
    built_at = models.DateTimeField(_("built at"), null=True, blank=True)
    error = models.TextField(_("error"), blank=True)

    class Meta:
        verbose_name = _("draft dossier")
        verbose_name_plural = _("draft dossiers")
        constraints = [
            models.UniqueConstraint(fields=["project", "content_hash"], name="one_draft_per_content"),
        ]

    def __str__(self) -> str:
        return f"{self.project} · {self.content_hash[:12]} · {self.status}"

    @property
    def is_ready(self) -> bool:
        return self.status == IssuedDossier.Status.READY


class DraftPart(models.Model):
    """One part of a draft dossier (the cover, a step, a block of the grid's
    reasons, the contents, the page frame) rendered to PDF on its own, kept
    under the hash of its HTML: a draft after a small edit renders only the
    parts whose HTML changed. In the database, so every machine finds it;
    only the parts of the project's latest build are kept."""

    project = models.ForeignKey(
        Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="draft_parts"
    )
    content_hash = models.CharField(_("content hash"), max_length=64)
    pdf = models.BinaryField("PDF")
    pages = models.PositiveIntegerField(_("pages"))
    # Page (from 0) of each anchor in the part, for the contents' page numbers.
    anchors = models.JSONField(_("anchors"), default=dict)
    built_at = models.DateTimeField(_("built at"), default=timezone.now)

    class Meta:
        verbose_name = _("draft dossier part")
        verbose_name_plural = _("draft dossier parts")
        constraints = [
            models.UniqueConstraint(fields=["project", "content_hash"], name="one_draft_part_per_content"),
        ]

    def __str__(self) -> str:
        return f"{self.project} · {self.content_hash[:12]} · {self.pages}"


class InstituteProfile(models.Model):
    """The certifying institute as its certificates name it: its Thai name,
    who signs (name and position, printed under the signature line) and its
    seal. One row, edited in the admin by the site's superuser or a standards
    administrator (certification.institute); until it is saved the
    certificate prints the default name and seal and an empty signature."""

    SINGLETON_ID = 1
    DEFAULT_NAME = "สถาบันรับรองมาตรฐาน P.S.O."

    name_th = models.CharField(
        _("institute's name (Thai)"),
        max_length=255,
        default=DEFAULT_NAME,
        help_text=_("As the certificate prints it, under the seal."),
    )
    signatory_name = models.CharField(
        _("signatory's name"),
        max_length=200,
        help_text=_("With the title, as printed in brackets under the signature line, e.g. นายสมชาย ใจดี."),
    )
    signatory_position = models.CharField(
        _("signatory's position"),
        max_length=255,
        help_text=_("Printed under the name, e.g. ผู้อำนวยการสถาบันรับรองมาตรฐาน P.S.O."),
    )
    # Only ever PNG bytes that pso_site.lib.images wrote (an upload is
    # checked and re-encoded first); empty: the default seal is printed.
    seal_png = models.BinaryField(_("seal (PNG)"), null=True, blank=True, editable=False)
    seal_sha256 = models.CharField("SHA-256", max_length=64, blank=True, editable=False)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    # The seal's hash stands for its bytes in the history.
    history = HistoricalRecords(excluded_fields=["seal_png"])

    class Meta:
        verbose_name = _("institute on certificates")
        verbose_name_plural = _("institute on certificates")
        constraints = [models.CheckConstraint(condition=Q(id=1), name="one_institute_profile")]

    def __str__(self) -> str:
        return self.name_th

    def save(self, *args, **kwargs):
        self.pk = self.SINGLETON_ID
        super().save(*args, **kwargs)

    @property
    def has_seal(self) -> bool:
        return bool(self.seal_png)
