"""Forms of the committee: levels and comments, decisions, revocation."""

from decimal import Decimal

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from agencies.models import Standard
from assessment.models import Decision, Project
from assessment.steps import STEP_NAMES


class ReviewForm(forms.Form):
    """The committee's level (0–3, two decimals) and comment per criterion,
    the step each comment concerns, and an overall comment."""

    overall_comment = forms.CharField(
        label=gettext_lazy("Overall comment"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, rows, **kwargs):
        super().__init__(*args, **kwargs)
        self.rows = rows
        step_choices = [(number, f"{number}. {name}") for number, name in STEP_NAMES.items()]
        for row in rows:
            code = row.criterion.code
            self.fields[f"level_{code}"] = forms.DecimalField(
                label=row.criterion.name,
                required=False,
                min_value=Decimal(0),
                max_value=Decimal(3),
                max_digits=3,
                decimal_places=2,
                initial=row.level,
                widget=forms.NumberInput(
                    attrs={"step": "0.01", "class": "form-control form-control-sm", "style": "width:6rem"}
                ),
                error_messages={
                    "min_value": _("A level is between 0 and 3."),
                    "max_value": _("A level is between 0 and 3."),
                },
            )
            self.fields[f"comment_{code}"] = forms.CharField(
                required=False,
                initial=row.comment,
                widget=forms.Textarea(attrs={"rows": 2, "class": "form-control form-control-sm"}),
            )
            self.fields[f"step_{code}"] = forms.TypedChoiceField(
                choices=step_choices,
                coerce=int,
                initial=row.step,
                widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
            )

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


class DecisionForm(forms.Form):
    kind = forms.ChoiceField(
        label=gettext_lazy("Decision"), choices=Decision.Kind.choices, widget=forms.RadioSelect
    )
    reason = forms.CharField(
        label=gettext_lazy("Reason or message to the agency"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    valid_from = forms.DateField(
        label=gettext_lazy("Certificate valid from"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=gettext_lazy(
            "The decision date unless you choose another; valid for three years less one day."
        ),
    )
    confirm = forms.BooleanField(
        label=gettext_lazy("I confirm this decision."),
        error_messages={"required": gettext_lazy("Tick the box to confirm the decision.")},
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("kind") == Decision.Kind.NOT_CERTIFY and not cleaned.get("reason", "").strip():
            self.add_error("reason", _("Give the reason for not certifying."))
        if cleaned.get("kind") == Decision.Kind.REQUEST_CHANGES and not cleaned.get("reason", "").strip():
            self.add_error("reason", _("Say what the agency should change."))
        return cleaned


class RevokeForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Reason for revocation"),
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": gettext_lazy("Give the reason for revoking the certificate.")},
    )


class ProjectFilterForm(forms.Form):
    """Filters of the committee queue and the auditors' list."""

    standard = forms.ModelChoiceField(
        label=gettext_lazy("Standard"), queryset=Standard.objects.order_by("code"), required=False
    )
    province = forms.CharField(label=gettext_lazy("Province"), required=False)
    status = forms.ChoiceField(label=gettext_lazy("Status"), required=False)

    def __init__(self, *args, statuses, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [("", "—")] + [(s.value, s.label) for s in statuses]
        self.fields["standard"].label_from_instance = lambda s: f"{s.label} {s.name}"

    def filter(self, queryset):
        if not self.is_valid():
            return queryset
        data = self.cleaned_data
        if data.get("standard"):
            queryset = queryset.filter(standard=data["standard"])
        if data.get("province"):
            queryset = queryset.filter(agency__province__icontains=data["province"].strip())
        if data.get("status"):
            queryset = queryset.filter(status=data["status"])
        return queryset


STATUSES_FOR_INSTITUTE = [s for s in Project.Status if s != Project.Status.DRAFT]
