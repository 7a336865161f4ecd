"""Forms of the committee: levels and comments, decisions, revocation."""

import datetime
from decimal import Decimal

from django import forms
from django.core.cache import cache
from django.db.models import F, Q
from django.db.models.fields.json import KT
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from agencies.catalogue import catalogue_standards
from agencies.models import Agency, Cohort
from assessment.forms import CleanTextField
from assessment.models import Project
from assessment.scoring import to_display
from certification.models import Decision
from certification.services import ReviewLevel
from pso_site.lib.dates import format_date
from pso_site.lib.fields import FiniteDecimalField
from pso_site.lib.thaidate import ThaiDateField
from pso_site.lib.uploads import upload_limit


class ReviewForm(forms.Form):
    """The committee's level (0–3, two decimals), comment and the step it
    concerns, per criterion, and an overall comment. A level left at the
    agency's own (shown rounded) keeps the agency's exact level."""

    overall_comment = CleanTextField(
        label=gettext_lazy("Overall comment"),
        required=False,
        max_length=8000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, rows, agency_levels: dict, step_names: dict[int, str], **kwargs):
        super().__init__(*args, **kwargs)
        self.rows = rows
        self.agency_levels = agency_levels
        step_choices = [(number, f"{number}. {name}") for number, name in step_names.items()]
        for row in rows:
            code = row.criterion.code
            agency = self.agency_display(row)
            self.fields[f"level_{code}"] = FiniteDecimalField(
                label=row.criterion.name,
                required=False,
                min_value=Decimal(0),
                max_value=Decimal(3),
                max_digits=3,
                decimal_places=2,
                initial=row.level if row.level is not None else agency,
                widget=forms.NumberInput(
                    attrs={
                        "step": "0.01",
                        "min": "0",
                        "max": "3",
                        "class": "form-control form-control-sm input-level committee-level",
                    }
                ),
                error_messages={
                    "min_value": gettext_lazy("A level is between 0 and 3."),
                    "max_value": gettext_lazy("A level is between 0 and 3."),
                    "invalid": gettext_lazy("Enter a level such as 2.5."),
                    "max_decimal_places": gettext_lazy("A level has at most two decimals."),
                    "max_digits": gettext_lazy("A level is between 0 and 3."),
                },
            )
            self.fields[f"comment_{code}"] = CleanTextField(
                required=False,
                max_length=4000,
                initial=row.comment,
                widget=forms.Textarea(
                    attrs={
                        "rows": 2,
                        "class": "form-control form-control-sm",
                        "aria-label": _("Comment on %(criterion)s") % {"criterion": row.criterion.name},
                    }
                ),
            )
            self.fields[f"step_{code}"] = forms.TypedChoiceField(
                choices=step_choices,
                coerce=int,
                initial=row.step,
                widget=forms.Select(
                    attrs={
                        "class": "form-select form-select-sm",
                        "aria-label": _("Step the comment on %(criterion)s concerns")
                        % {"criterion": row.criterion.name},
                    }
                ),
            )

    def agency_display(self, row) -> Decimal | None:
        level = self.agency_levels.get(row.criterion.code)
        return None if level is None else to_display(level)

    def criterion_rows(self):
        return [
            (
                row,
                self[f"level_{row.criterion.code}"],
                self[f"comment_{row.criterion.code}"],
                self[f"step_{row.criterion.code}"],
            )
            for row in self.rows
        ]

    def levels(self) -> list[ReviewLevel]:
        """What to store: a level equal to the agency's (as shown) means the
        committee accepts the agency's exact level."""
        entries = []
        for row in self.rows:
            code = row.criterion.code
            level = self.cleaned_data[f"level_{code}"]
            if level is not None and level == self.agency_display(row):
                level = None
            entries.append(
                ReviewLevel(
                    criterion_id=row.criterion_id,
                    level=level,
                    comment=self.cleaned_data[f"comment_{code}"],
                    step=self.cleaned_data[f"step_{code}"],
                )
            )
        return entries


class DecisionForm(forms.Form):
    kind = forms.ChoiceField(
        label=gettext_lazy("Decision"),
        choices=Decision.Kind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": gettext_lazy("Choose a decision.")},
    )
    reason = CleanTextField(
        label=gettext_lazy("Reason or message to the agency"),
        required=False,
        max_length=8000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    valid_from = ThaiDateField(
        label=gettext_lazy("Certificate valid from"),
        required=False,
        help_text=gettext_lazy(
            "The decision date unless you choose another; valid for three years less one day."
        ),
    )
    confirm = forms.BooleanField(
        label=gettext_lazy("I confirm this decision."),
        error_messages={"required": gettext_lazy("Tick the box to confirm the decision.")},
    )

    def clean_valid_from(self):
        """A certificate starts near the decision: within a year of today."""
        day = self.cleaned_data["valid_from"]
        if day is not None:
            today = timezone.localdate()
            if not today - datetime.timedelta(days=366) <= day <= today + datetime.timedelta(days=366):
                raise forms.ValidationError(
                    _("A certificate starts within a year of today (%(from)s – %(to)s).")
                    % {
                        "from": format_date(today - datetime.timedelta(days=366)),
                        "to": format_date(today + datetime.timedelta(days=366)),
                    }
                )
        return day

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("kind") == Decision.Kind.NOT_CERTIFY and not cleaned.get("reason", "").strip():
            self.add_error("reason", _("Give the reason for not certifying."))
        if cleaned.get("kind") == Decision.Kind.REQUEST_CHANGES and not cleaned.get("reason", "").strip():
            self.add_error("reason", _("Say what the agency should change."))
        return cleaned


class CertificateLookupForm(forms.Form):
    """The public check of a certificate by its number (as printed on it)."""

    number = forms.CharField(
        label=gettext_lazy("Certificate number"),
        max_length=40,
        help_text=gettext_lazy("As printed on the certificate, e.g. PSO-1101-2544-0001."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )

    def clean_number(self) -> str:
        return "".join(self.cleaned_data["number"].split()).upper()


class DocumentCheckForm(forms.Form):
    """The public check of a PDF file: a dossier or certificate as downloaded."""

    document = forms.FileField(
        label=gettext_lazy("PDF file"),
        help_text=gettext_lazy("A dossier or printable certificate downloaded from this system."),
        error_messages={
            "required": gettext_lazy("Choose the PDF file to check."),
            "empty": gettext_lazy("The file is empty."),
        },
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,.pdf"}),
    )

    def __init__(self, *args, too_large: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.too_large = too_large  # the body was over the upload limit: its file was dropped unread

    @staticmethod
    def _too_large_message() -> str:
        return _("The file is larger than %(size)s MB.") % {"size": upload_limit() // (1024 * 1024)}

    def clean(self):
        cleaned = super().clean()
        if self.too_large:
            self.errors.pop("document", None)
            self.add_error("document", self._too_large_message())
        return cleaned

    def clean_document(self):
        document = self.cleaned_data["document"]
        if document.size > upload_limit():
            raise forms.ValidationError(self._too_large_message())
        head = document.read(5)
        document.seek(0)
        if head != b"%PDF-":
            raise forms.ValidationError(_("The file is not a PDF."))
        return document


class RevokeForm(forms.Form):
    reason = CleanTextField(
        label=gettext_lazy("Reason for revocation"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": gettext_lazy("Give the reason for revoking the certificate.")},
    )


SMALL_SELECT = forms.Select(attrs={"class": "form-select form-select-sm"})


class ProjectFilterForm(forms.Form):
    """Search, filters and order of the committee queue and the auditors'
    list. Every filter and order is backed by an index (see
    docs/performance.md), so the lists stay fast with every agency of the
    country in them."""

    # NULLs (no submission date, no certificate) where PostgreSQL puts them,
    # said outright so that SQLite agrees and keyset pages match the download.
    SORTS = {
        "submitted": (F("submitted_at").desc(nulls_first=True), "-pk"),
        "oldest": (F("submitted_at").asc(nulls_last=True), "pk"),
        "agency": ("agency__name_th", "-fiscal_year", "pk"),
        "province": ("agency__province", "agency__name_th", "pk"),
        "certificate": (F("certificate__number").asc(nulls_last=True), "pk"),
        "year": ("-fiscal_year", "agency__name_th", "pk"),
    }
    # Sorts whose first key has few values (a handful of fiscal years): their
    # pages are read one value at a time, each in the agency-name index's
    # order, not sorted whole (pso_site/lib/keyset.py: banded_rows_after).
    BANDED = {"year"}

    q = forms.CharField(
        label=gettext_lazy("Agency or certificate number"),
        required=False,
        max_length=100,
        widget=forms.TextInput(
            attrs={
                "type": "search",
                "class": "form-control form-control-sm",
                "placeholder": gettext_lazy("name, code or PSO-…"),
            }
        ),
    )
    # Choices from the cached catalogue and provinces, not a query per page;
    # the widgets are written in Python (pso_site.lib.form_renderer).
    standard = forms.TypedChoiceField(
        label=gettext_lazy("Standard"), coerce=int, empty_value=None, required=False, widget=SMALL_SELECT
    )
    province = forms.ChoiceField(label=gettext_lazy("Province"), required=False, widget=SMALL_SELECT)
    status = forms.ChoiceField(label=gettext_lazy("Status"), required=False, widget=SMALL_SELECT)
    sort = forms.ChoiceField(required=False)

    def __init__(self, *args, statuses, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [("", "—")] + [(s.value, s.label) for s in statuses]
        self.fields["standard"].choices = [("", "—")] + [
            (standard.pk, f"{standard.label} {standard.name}") for standard in catalogue_standards()
        ]
        self.fields["province"].choices = [("", "—")] + [(p, p) for p in provinces()]
        self.fields["sort"].choices = [(key, key) for key in self.SORTS]

    def filter(self, queryset):
        """The projects that match, in the order asked for; none when a
        filter is not one the form offers (its error says why)."""
        if self.is_bound and not self.is_valid():
            return queryset.none()
        data = self.cleaned_data if self.is_bound else {}
        if data.get("q"):
            queryset = queryset.filter(search_condition(data["q"]))
        if data.get("standard"):
            queryset = queryset.filter(standard_id=data["standard"])
        if data.get("province"):
            queryset = queryset.filter(agency__province=data["province"])
        if data.get("status"):
            queryset = queryset.filter(status=data["status"])
        return queryset.order_by(*self.SORTS[data.get("sort") or "submitted"])


class DashboardFilterForm(ProjectFilterForm):
    """The institute's dashboard: every project of every agency, narrowed to
    a cohort, a ministry, a province, a standard or a status."""

    SORTS = {
        **ProjectFilterForm.SORTS,
        "step": (KT("progress__done").asc(nulls_first=True), "agency__name_th", "pk"),
        "expiry": (F("certificate__valid_until").asc(nulls_last=True), "agency__name_th", "pk"),
    }

    cohort = forms.ModelChoiceField(
        label=gettext_lazy("Cohort"), queryset=Cohort.objects.all(), required=False, widget=SMALL_SELECT
    )
    ministry = forms.ModelChoiceField(
        label=gettext_lazy("Ministry"),
        queryset=Agency.objects.filter(kind=Agency.Kind.MINISTRY).order_by("name_th"),
        required=False,
        widget=SMALL_SELECT,
    )
    field_order = ["q", "cohort", "ministry", "province", "standard", "status", "sort"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, statuses=Project.Status, **kwargs)
        self.fields["sort"].choices = [(key, key) for key in self.SORTS]
        for name in ("cohort", "ministry"):
            self.fields[name].empty_label = "—"

    def filter(self, queryset):
        queryset = super().filter(queryset)
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        if data.get("cohort"):
            queryset = queryset.filter(agency__cohorts=data["cohort"])
        if data.get("ministry"):
            ministry = data["ministry"]
            queryset = queryset.filter(
                Q(agency=ministry) | Q(agency__parent=ministry) | Q(agency__parent__parent=ministry)
            )
        return queryset.order_by(*self.SORTS[data.get("sort") or "agency"])


PROVINCES_CACHE_KEY = "certification:provinces"
PROVINCES_CACHE_SECONDS = 300


def provinces() -> list[str]:
    """The provinces agencies are in. Every list page offers them, and
    reading them scans the agencies (4 ms at 10,000): kept per process for
    five minutes, as the catalogue's steps are (a new agency's province
    joins the filter within that time)."""
    return cache.get_or_set(
        PROVINCES_CACHE_KEY,
        lambda: list(
            Agency.objects.exclude(province="")
            .order_by("province")
            .values_list("province", flat=True)
            .distinct()
        ),
        PROVINCES_CACHE_SECONDS,
    )


def search_condition(text: str) -> Q:
    """A certificate by its number (the whole number, or its start such as
    ``PSO-1101-2568``), or else an agency by part of its name or its code.
    One or the other, never both in one OR: each is then served by its own
    index (docs/performance.md)."""
    text = " ".join(text.split())
    if text.upper().startswith("PSO-"):
        return Q(certificate__number__startswith=text.upper())
    return (
        Q(agency__name_th__icontains=text) | Q(agency__name_en__icontains=text) | Q(agency__code__iexact=text)
    )


STATUSES_FOR_INSTITUTE = [s for s in Project.Status if s != Project.Status.DRAFT]
