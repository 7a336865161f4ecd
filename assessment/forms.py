"""Forms of steps 1–5 and project creation. Each turns input into domain
values and refuses bad input with a precise message (Thai first)."""

from decimal import Decimal

from django import forms
from django.forms import BaseInlineFormSet, inlineformset_factory
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from agencies.models import Standard, UltimateOutcome
from assessment import rules
from assessment.models import Indicator, Mission, MissionCategory, Project, ProjectCriterion
from pso_site.dates import BUDDHIST_ERA_OFFSET

POINTS_FIELD = {"max_digits": 5, "decimal_places": 2}


class FiscalYearField(forms.IntegerField):
    """A cycle typed as people know it: the Buddhist-era year (2544); a
    Gregorian year (2001) is accepted too. Stored Gregorian."""

    def to_python(self, value):
        year = super().to_python(value)
        if year is None:
            return None
        if year > 2400:
            year -= BUDDHIST_ERA_OFFSET
        if not 1990 <= year <= 2100:
            raise forms.ValidationError(_("Enter a fiscal year such as 2569 (Buddhist era)."))
        return year

    def prepare_value(self, value):
        if isinstance(value, int) and value < 2400:
            return value + BUDDHIST_ERA_OFFSET
        return value


class ProjectCreateForm(forms.Form):
    standard = forms.ModelChoiceField(
        label=gettext_lazy("Standard"), queryset=Standard.objects.order_by("code")
    )
    fiscal_year = FiscalYearField(
        label=gettext_lazy("Cycle (fiscal year, B.E.)"), help_text=gettext_lazy("For example 2569.")
    )
    copy_from = forms.ModelChoiceField(
        label=gettext_lazy("Copy steps 1–3 from"),
        queryset=Project.objects.none(),
        required=False,
        empty_label=gettext_lazy("— start empty —"),
        help_text=gettext_lazy(
            "Vision, mission statement, goals and missions of another project of this agency."
        ),
    )

    def __init__(self, *args, agency, **kwargs):
        super().__init__(*args, **kwargs)
        self.agency = agency
        self.fields["copy_from"].queryset = Project.objects.filter(agency=agency).select_related(
            "standard", "agency"
        )
        self.fields["standard"].label_from_instance = lambda s: f"{s.label} {s.name}"

    def clean(self):
        cleaned = super().clean()
        standard, year = cleaned.get("standard"), cleaned.get("fiscal_year")
        if (
            standard
            and year
            and Project.objects.filter(agency=self.agency, standard=standard, fiscal_year=year).exists()
        ):
            raise forms.ValidationError(
                _("This agency already has a %(standard)s project for fiscal year %(year)s.")
                % {"standard": standard.label, "year": year + BUDDHIST_ERA_OFFSET}
            )
        return cleaned


class VisionForm(forms.ModelForm):
    class Meta:
        model = Project
        fields = ["vision"]
        widgets = {"vision": forms.Textarea(attrs={"rows": 4})}

    def clean_vision(self):
        vision = self.cleaned_data["vision"].strip()
        if not vision:
            raise forms.ValidationError(_("Write the agency's vision."))
        return vision


class MissionStatementForm(forms.ModelForm):
    class Meta:
        model = Project
        fields = ["mission_statement", "goals", "objectives"]
        widgets = {
            "mission_statement": forms.Textarea(attrs={"rows": 4}),
            "goals": forms.Textarea(attrs={"rows": 3}),
            "objectives": forms.Textarea(attrs={"rows": 4}),
        }

    def clean_mission_statement(self):
        text = self.cleaned_data["mission_statement"].strip()
        if not text:
            raise forms.ValidationError(_("Write the mission statement."))
        return text

    def clean_goals(self):
        lines = [line.strip() for line in self.cleaned_data["goals"].splitlines() if line.strip()]
        if not lines:
            raise forms.ValidationError(_("Write at least one goal (one per line)."))
        return "\n".join(lines)

    def clean_objectives(self):
        lines = [line.strip() for line in self.cleaned_data["objectives"].splitlines() if line.strip()]
        if not lines:
            raise forms.ValidationError(_("Write at least one objective (one per line)."))
        return "\n".join(lines)


class BudgetForm(forms.ModelForm):
    class Meta:
        model = Project
        fields = ["main_budget", "secondary_budget", "support_budget"]
        widgets = {
            name: forms.NumberInput(
                attrs={
                    "step": "0.01",
                    "min": "0",
                    "class": "form-control form-control-sm budget-input",
                    "style": "width:6rem",
                }
            )
            for name in ["main_budget", "secondary_budget", "support_budget"]
        }

    def clean(self):
        cleaned = super().clean()
        budgets = {
            MissionCategory.MAIN: cleaned.get("main_budget"),
            MissionCategory.SECONDARY: cleaned.get("secondary_budget"),
            MissionCategory.SUPPORT: cleaned.get("support_budget"),
        }
        if None not in budgets.values():
            for problem in rules.budget_problems(budgets):
                self.add_error(None, problem)
        return cleaned

    def budgets(self) -> dict[str, Decimal]:
        data = self.cleaned_data
        return {
            MissionCategory.MAIN: data.get("main_budget"),
            MissionCategory.SECONDARY: data.get("secondary_budget"),
            MissionCategory.SUPPORT: data.get("support_budget"),
        }


class MissionForm(forms.ModelForm):
    class Meta:
        model = Mission
        fields = ["code", "name", "category", "points", "legal_basis", "responsible_unit", "outcomes"]
        widgets = {
            "code": forms.TextInput(attrs={"class": "form-control form-control-sm", "style": "width:4.5rem"}),
            "name": forms.TextInput(
                attrs={"class": "form-control form-control-sm", "style": "min-width:16rem"}
            ),
            "points": forms.NumberInput(
                attrs={
                    "step": "0.01",
                    "min": "0.01",
                    "class": "form-control form-control-sm points-input",
                    "style": "width:6rem",
                }
            ),
            "category": forms.Select(
                attrs={"class": "form-select form-select-sm category-input", "style": "min-width:9.5rem"}
            ),
            "legal_basis": forms.TextInput(attrs={"class": "form-control form-control-sm"}),
            "responsible_unit": forms.TextInput(attrs={"class": "form-control form-control-sm"}),
            "outcomes": forms.SelectMultiple(attrs={"size": 3, "class": "form-select form-select-sm"}),
        }

    def __init__(self, *args, outcome_choices=None, **kwargs):
        super().__init__(*args, **kwargs)
        if outcome_choices is not None:
            # One query for the whole formset instead of one per row.
            self.fields["outcomes"].choices = outcome_choices

    def clean_points(self):
        points = self.cleaned_data["points"]
        if points is not None and points <= 0:
            raise forms.ValidationError(_("Points must be more than 0."))
        return points


class BaseMissionFormSet(BaseInlineFormSet):
    budgets: dict[str, Decimal] | None = None

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.queryset = self.queryset.prefetch_related("outcomes")

    def get_form_kwargs(self, index):
        kwargs = super().get_form_kwargs(index)
        if not hasattr(self, "_outcome_choices"):
            self._outcome_choices = [(o.pk, o.name) for o in UltimateOutcome.objects.order_by("order")]
        kwargs["outcome_choices"] = self._outcome_choices
        return kwargs

    def kept_forms(self):
        return [
            form
            for form in self.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE") and form.cleaned_data.get("name")
        ]

    def clean(self):
        super().clean()
        if any(self.errors) or self.budgets is None:
            return
        rows = [(form.cleaned_data["category"], form.cleaned_data["points"]) for form in self.kept_forms()]
        problems = rules.mission_problems(self.budgets, rows)
        if problems:
            raise forms.ValidationError(problems)


MissionFormSet = inlineformset_factory(
    Project, Mission, form=MissionForm, formset=BaseMissionFormSet, extra=3, can_delete=True
)


class WeightsForm(forms.Form):
    """One weight per criterion of the project; they must add up to 100."""

    def __init__(self, *args, criteria: list[ProjectCriterion], **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = criteria
        for criterion in criteria:
            self.fields[f"weight_{criterion.code}"] = forms.DecimalField(
                label=criterion.name,
                required=True,
                initial=criterion.weight,
                min_value=Decimal("0.01"),
                max_value=Decimal("100"),
                widget=forms.NumberInput(attrs={"step": "0.01", "class": "weight-input"}),
                error_messages={
                    "required": _("Give this criterion a weight."),
                    "min_value": _("A weight must be more than 0."),
                },
                **POINTS_FIELD,
            )

    def clean(self):
        cleaned = super().clean()
        weights = [cleaned.get(f"weight_{c.code}") for c in self.criteria]
        if None not in weights:
            for problem in rules.weight_problems(weights):
                self.add_error(None, problem)
        return cleaned

    def rows(self):
        return [(c, self[f"weight_{c.code}"]) for c in self.criteria]

    def weights(self) -> dict[str, Decimal]:
        return {c.code: self.cleaned_data[f"weight_{c.code}"] for c in self.criteria}


class IndicatorForm(forms.ModelForm):
    class Meta:
        model = Indicator
        fields = ["criterion", "name", "weight", "level_0", "level_1", "level_2", "level_3"]
        widgets = {
            "criterion": forms.Select(attrs={"class": "form-select"}),
            "name": forms.TextInput(attrs={"class": "form-control"}),
            "weight": forms.NumberInput(attrs={"step": "0.01", "min": "0.01", "class": "form-control"}),
            **{
                f"level_{n}": forms.Textarea(attrs={"rows": 2, "class": "form-control form-control-sm"})
                for n in range(4)
            },
        }

    def __init__(self, *args, criteria=None, **kwargs):
        super().__init__(*args, **kwargs)
        if criteria is not None:
            self.fields["criterion"].choices = [("", "---------")] + [(c.pk, c.name) for c in criteria]
            self.fields["criterion"].queryset = ProjectCriterion.objects.filter(
                pk__in=[c.pk for c in criteria]
            )
        for n in range(4):
            self.fields[f"level_{n}"].error_messages["required"] = _(
                "Write the condition for level %(level)s."
            ) % {"level": n}

    def clean_weight(self):
        weight = self.cleaned_data["weight"]
        if weight is not None and weight <= 0:
            raise forms.ValidationError(_("The weight must be more than 0."))
        return weight


class BaseIndicatorFormSet(BaseInlineFormSet):
    criteria: list[ProjectCriterion] = []

    def get_form_kwargs(self, index):
        kwargs = super().get_form_kwargs(index)
        kwargs["criteria"] = self.criteria
        return kwargs

    @property
    def empty_form(self):
        form = self.form(
            auto_id=self.auto_id,
            prefix=self.add_prefix("__prefix__"),
            empty_permitted=True,
            use_required_attribute=False,
            criteria=self.criteria,
            renderer=self.renderer,
        )
        self.add_fields(form, None)
        return form

    def clean(self):
        super().clean()
        if any(self.errors):
            return
        covered = {
            form.cleaned_data["criterion"].pk
            for form in self.forms
            if form.cleaned_data
            and not form.cleaned_data.get("DELETE")
            and form.cleaned_data.get("criterion")
        }
        without = [c.name for c in self.criteria if c.pk not in covered]
        problems = rules.indicator_problems(without)
        if problems:
            raise forms.ValidationError(problems)


IndicatorFormSet = inlineformset_factory(
    Project, Indicator, form=IndicatorForm, formset=BaseIndicatorFormSet, extra=1, can_delete=True
)
