"""A certification project (one agency × one standard × one cycle) and what
the agency records in steps 1–6: vision, mission statement and goals,
missions with points, criterion weights, indicators and assessment rounds."""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from agencies.models import Agency, Criterion, Standard, UltimateOutcome
from pso_site.lib.bilingual import BilingualName, pick_language
from pso_site.lib.dates import buddhist_year
from pso_site.lib.files import StoredFile

LEVEL_CHOICES = [(level, str(level)) for level in range(4)]
LEVEL_RANGE = Q(level__gte=0, level__lte=3)


class MissionCategory(models.TextChoices):
    MAIN = "main", _("Main mission")
    SECONDARY = "secondary", _("Secondary mission")
    SUPPORT = "support", _("Support work")


class Project(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        UNDER_REVIEW = "under_review", _("Under review")
        CHANGES_REQUESTED = "changes_requested", _("Changes requested")
        CERTIFIED = "certified", _("Certified")
        NOT_CERTIFIED = "not_certified", _("Not certified")

    EDITABLE_STATUSES = (Status.DRAFT, Status.CHANGES_REQUESTED)

    agency = models.ForeignKey(
        Agency, verbose_name=_("agency"), on_delete=models.PROTECT, related_name="projects"
    )
    standard = models.ForeignKey(
        Standard, verbose_name=_("standard"), on_delete=models.PROTECT, related_name="projects"
    )
    fiscal_year = models.PositiveSmallIntegerField(
        _("cycle (fiscal year)"), help_text=_("Stored in the Gregorian calendar, shown in the Buddhist era.")
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.DRAFT)

    vision = models.TextField(_("vision"), blank=True)
    mission_statement = models.TextField(_("mission statement"), blank=True)
    goals = models.TextField(_("goals"), blank=True, help_text=_("One goal per line."))
    objectives = models.TextField(_("objectives"), blank=True, help_text=_("One objective per line."))

    main_budget = models.DecimalField(
        _("main missions budget"), max_digits=5, decimal_places=2, default=Decimal("60")
    )
    secondary_budget = models.DecimalField(
        _("secondary missions budget"), max_digits=5, decimal_places=2, default=Decimal("30")
    )
    support_budget = models.DecimalField(
        _("support work budget"), max_digits=5, decimal_places=2, default=Decimal("10")
    )

    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("submitted by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    # People of an imported archive who have no account here, by the field
    # they fill (assessment/people.py): {"<model>:<id>:<field>": {username, name}}.
    recorded_people = models.JSONField(
        _("people of an imported archive"), default=dict, blank=True, editable=False
    )
    # Where the project stands in the nine steps (assessment/progress.py):
    # {"done", "total", "next", "next_state", "missing": {"th", "en"}, "target"}.
    progress = models.JSONField(_("progress through the steps"), default=dict, blank=True, editable=False)

    history = HistoricalRecords(excluded_fields=["recorded_people", "progress"])

    class Meta:
        verbose_name = _("certification project")
        verbose_name_plural = _("certification projects")
        ordering = ["-fiscal_year", "standard__code"]
        indexes = [
            models.Index(fields=["status", "-submitted_at"], name="project_status_submitted"),
            models.Index(fields=["-submitted_at"], name="project_submitted"),
            # The institute's lists (never drafts) by submission, newest or
            # oldest first: without the drafts' NULL dates to step over.
            models.Index(
                fields=["-submitted_at", "-id"], name="project_listed_submitted", condition=~Q(status="draft")
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["agency", "standard", "fiscal_year"], name="one_project_per_cycle"
            ),
            models.CheckConstraint(
                condition=Q(main_budget__gt=0, secondary_budget__gte=0, support_budget__gte=0),
                name="project_budgets_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(main_budget=100 - models.F("secondary_budget") - models.F("support_budget")),
                name="project_budgets_total_100",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.agency} · {self.standard.label} · {self.fiscal_year_be}"

    @property
    def progress_missing(self) -> str:
        """What the next step still misses, in the language of the page."""
        missing = (self.progress or {}).get("missing") or {}
        return pick_language(missing.get("th", ""), missing.get("en", ""))

    @property
    def fiscal_year_be(self) -> int:
        """The cycle as Thai readers count it (Buddhist era)."""
        return buddhist_year(self.fiscal_year)

    @property
    def is_editable(self) -> bool:
        return self.status in self.EDITABLE_STATUSES

    @property
    def goal_list(self) -> list[str]:
        return [line.strip() for line in self.goals.splitlines() if line.strip()]

    @property
    def objective_list(self) -> list[str]:
        return [line.strip() for line in self.objectives.splitlines() if line.strip()]

    def budgets(self) -> dict[str, Decimal]:
        return {
            MissionCategory.MAIN: self.main_budget,
            MissionCategory.SECONDARY: self.secondary_budget,
            MissionCategory.SUPPORT: self.support_budget,
        }


class ProjectCriterion(BilingualName):
    """The project's own copy of a catalogue criterion, with its weight (step 4)
    and target level (step 7). Catalogue edits never reach it."""

    project = models.ForeignKey(
        Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="criteria"
    )
    source = models.ForeignKey(
        Criterion,
        verbose_name=_("catalogue criterion"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="project_copies",
    )
    code = models.SlugField(_("code"), max_length=40)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    provisional = models.BooleanField(_("provisional"), default=False)
    weight = models.DecimalField(_("weight"), max_digits=5, decimal_places=2, null=True, blank=True)
    target_level = models.PositiveSmallIntegerField(
        _("target level"), null=True, blank=True, choices=LEVEL_CHOICES
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("project criterion")
        verbose_name_plural = _("project criteria")
        ordering = ["project", "order"]
        constraints = [
            models.UniqueConstraint(fields=["project", "code"], name="project_criterion_code"),
            models.CheckConstraint(
                condition=Q(weight__isnull=True) | Q(weight__gt=0), name="criterion_weight_positive"
            ),
            models.CheckConstraint(
                condition=Q(target_level__isnull=True) | Q(target_level__lte=3), name="criterion_target_0_3"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Mission(models.Model):
    project = models.ForeignKey(
        Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="missions"
    )
    code = models.CharField(_("number"), max_length=20, blank=True)
    name = models.CharField(_("mission"), max_length=300)
    category = models.CharField(_("category"), max_length=10, choices=MissionCategory.choices)
    points = models.DecimalField(_("points"), max_digits=5, decimal_places=2)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    legal_basis = models.CharField(_("legal basis"), max_length=300, blank=True)
    responsible_unit = models.CharField(_("responsible unit"), max_length=200, blank=True)
    outcomes = models.ManyToManyField(UltimateOutcome, verbose_name=_("ultimate outcomes served"), blank=True)

    history = HistoricalRecords(m2m_fields=[outcomes])

    class Meta:
        verbose_name = _("mission")
        verbose_name_plural = _("missions")
        ordering = ["project", "order", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(points__gt=0), name="mission_points_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}".strip()


class Indicator(models.Model):
    project = models.ForeignKey(
        Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="indicators"
    )
    criterion = models.ForeignKey(
        ProjectCriterion, verbose_name=_("criterion"), on_delete=models.CASCADE, related_name="indicators"
    )
    name = models.CharField(_("indicator"), max_length=300)
    level_0 = models.TextField(_("condition for level 0"))
    level_1 = models.TextField(_("condition for level 1"))
    level_2 = models.TextField(_("condition for level 2"))
    level_3 = models.TextField(_("condition for level 3"))
    weight = models.DecimalField(
        _("weight within the criterion"), max_digits=5, decimal_places=2, default=Decimal("1")
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    is_demo_text = models.BooleanField(_("demo text"), default=False)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        ordering = ["project", "criterion__order", "order", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(weight__gt=0), name="indicator_weight_positive"),
        ]

    def __str__(self) -> str:
        return self.name

    def conditions(self) -> list[str]:
        return [self.level_0, self.level_1, self.level_2, self.level_3]


class AssessmentRound(models.Model):
    """One assessment of every (mission, indicator) pair (step 6, and the
    re-assessments of step 8). Its computed results are stored on save so that
    lists never recompute per row."""

    project = models.ForeignKey(
        Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="rounds"
    )
    number = models.PositiveSmallIntegerField(_("round"))
    note = models.CharField(_("note"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    total_score = models.DecimalField(_("total score"), max_digits=5, decimal_places=2, default=Decimal("0"))
    criterion_levels = models.JSONField(_("criterion levels"), default=dict, blank=True)
    is_complete = models.BooleanField(_("complete"), default=False)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("assessment round")
        verbose_name_plural = _("assessment rounds")
        ordering = ["project", "number"]
        constraints = [
            models.UniqueConstraint(fields=["project", "number"], name="round_number_per_project"),
            models.CheckConstraint(
                condition=Q(total_score__gte=0, total_score__lte=100), name="round_total_0_100"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.project} · {self.number}"

    def open_cell_counts(self) -> tuple[int, int, int]:
        """Cells without a level, without a justification, and with a
        justification carried over from the last cycle not yet confirmed or
        rewritten (one query)."""
        counts = self.cells.aggregate(
            without_level=models.Count("pk", filter=Q(level__isnull=True)),
            without_justification=models.Count("pk", filter=Q(justification__regex=r"^\s*$")),
            carried=models.Count("pk", filter=Q(carried_over=True)),
        )
        return counts["without_level"], counts["without_justification"], counts["carried"]


class Assessment(models.Model):
    """The level of one mission on one indicator in one round, and why."""

    round = models.ForeignKey(
        AssessmentRound, verbose_name=_("round"), on_delete=models.CASCADE, related_name="cells"
    )
    mission = models.ForeignKey(
        Mission, verbose_name=_("mission"), on_delete=models.CASCADE, related_name="+"
    )
    indicator = models.ForeignKey(
        Indicator, verbose_name=_("indicator"), on_delete=models.CASCADE, related_name="+"
    )
    level = models.PositiveSmallIntegerField(_("level"), null=True, blank=True, choices=LEVEL_CHOICES)
    justification = models.TextField(_("justification"), blank=True)
    # A renewal's first round starts from the last cycle's justifications:
    # each stays marked until someone rewrites or confirms it.
    carried_over = models.BooleanField(_("carried over from the last cycle"), default=False)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("assessment")
        verbose_name_plural = _("assessments")
        constraints = [
            models.UniqueConstraint(fields=["round", "mission", "indicator"], name="one_cell_per_pair"),
            models.CheckConstraint(condition=Q(level__isnull=True) | LEVEL_RANGE, name="cell_level_0_3"),
        ]

    def __str__(self) -> str:
        return f"{self.mission_id}×{self.indicator_id}={self.level}"


class EvidenceFile(StoredFile):
    """A file attached to an assessment cell."""

    cell = models.ForeignKey(
        Assessment, verbose_name=_("assessment cell"), on_delete=models.CASCADE, related_name="evidence"
    )
    # Carried with the cell from an earlier round (its number), not uploaded in this one.
    from_round = models.PositiveSmallIntegerField(_("from round"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta(StoredFile.Meta):
        verbose_name = _("evidence file")
        verbose_name_plural = _("evidence files")


class ChangeEntry(models.Model):
    """One change of a project's data, as the history page and the dossier
    show it: written when the change is recorded (``assessment.history``),
    so a long history pages in two queries. The raw audit trail stays in the
    django-simple-history tables."""

    project = models.ForeignKey(
        Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="changes"
    )
    at = models.DateTimeField(_("when"), db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    user_name = models.CharField(_("who"), max_length=300, blank=True)
    model_label = models.CharField(_("kind of record"), max_length=100)
    object_id = models.BigIntegerField(_("record number"))
    action = models.CharField(_("action"), max_length=1)
    subject = models.CharField(_("what"), max_length=500)
    changes = models.JSONField(_("changes"), default=list, blank=True)
    # Withheld from the history until released (``history.unseal``): the
    # committee's deliberation stays with it until it decides.
    sealed = models.CharField(_("withheld under"), max_length=40, blank=True, default="", db_index=True)

    class Meta:
        verbose_name = _("change")
        verbose_name_plural = _("changes")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["project", "-at", "-id"], name="change_project_recent")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.user_name} {self.subject}"
