"""Steps 7–8: the upgrade plan (targets live on the project's criteria),
plans grouping criteria, their activities, and progress on each activity."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from assessment.models import Project, ProjectCriterion
from pso_site.lib.files import StoredFile


class Plan(models.Model):
    """แผนงาน: a group of criteria and how the agency will raise them."""

    project = models.ForeignKey(
        Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="plans"
    )
    name = models.CharField(_("plan"), max_length=300)
    approach = models.TextField(_("approach"), blank=True)
    criteria = models.ManyToManyField(ProjectCriterion, verbose_name=_("criteria"), related_name="plans")
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    history = HistoricalRecords(m2m_fields=[criteria])

    class Meta:
        verbose_name = _("plan")
        verbose_name_plural = _("plans")
        ordering = ["project", "order", "id"]

    def __str__(self) -> str:
        return self.name


class Activity(models.Model):
    class Phase(models.TextChoices):
        SHORT = "short", _("Short term")
        MEDIUM = "medium", _("Medium term")
        LONG = "long", _("Long term")

    plan = models.ForeignKey(
        Plan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="activities"
    )
    title = models.CharField(_("activity"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    responsible_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("responsible member"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    responsible_name = models.CharField(_("responsible person (name)"), max_length=200, blank=True)
    responsible_position = models.CharField(_("position"), max_length=200, blank=True)
    phase = models.CharField(_("phase"), max_length=10, choices=Phase.choices)
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"), null=True, blank=True)
    budget = models.DecimalField(_("budget (baht)"), max_digits=14, decimal_places=2, null=True, blank=True)
    expected_result = models.TextField(_("expected result"), blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        ordering = ["plan", "start_date", "order", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=F("start_date")),
                name="activity_ends_after_start",
            ),
            models.CheckConstraint(
                condition=Q(end_date__isnull=False) | Q(phase="long"), name="activity_open_end_only_long_term"
            ),
            models.CheckConstraint(
                condition=Q(budget__isnull=True) | Q(budget__gte=0), name="activity_budget_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def responsible(self) -> str:
        if self.responsible_user_id:
            user = self.responsible_user
            return user.get_full_name() or user.username
        return " ".join(part for part in (self.responsible_name, self.responsible_position) if part)

    def is_overdue(self, today=None, status: str | None = None) -> bool:
        today = today or timezone.localdate()
        return bool(self.end_date and self.end_date < today and status != ProgressUpdate.Status.DONE)


class ProgressUpdate(models.Model):
    class Status(models.TextChoices):
        NOT_STARTED = "not_started", _("Not started")
        IN_PROGRESS = "in_progress", _("In progress")
        DONE = "done", _("Done")
        BLOCKED = "blocked", _("Blocked")

    activity = models.ForeignKey(
        Activity, verbose_name=_("activity"), on_delete=models.CASCADE, related_name="updates"
    )
    status = models.CharField(_("status"), max_length=12, choices=Status.choices)
    percent = models.PositiveSmallIntegerField(_("percent done"))
    date = models.DateField(_("date"))
    note = models.TextField(_("note"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("progress update")
        verbose_name_plural = _("progress updates")
        ordering = ["activity", "date", "created_at"]
        get_latest_by = ["date", "created_at"]
        constraints = [
            models.CheckConstraint(condition=Q(percent__lte=100), name="progress_percent_0_100"),
        ]

    def __str__(self) -> str:
        return f"{self.activity} · {self.get_status_display()} {self.percent}%"


class ActivityEvidence(StoredFile):
    update = models.ForeignKey(
        ProgressUpdate, verbose_name=_("progress update"), on_delete=models.CASCADE, related_name="evidence"
    )

    history = HistoricalRecords()

    class Meta(StoredFile.Meta):
        verbose_name = _("activity evidence")
        verbose_name_plural = _("activity evidence")
