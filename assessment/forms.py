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
from assessment.services import IndicatorRow, MissionRow
from pso_site.lib.dates import buddhist_year, current_fiscal_year, gregorian_year
from pso_site.lib.fields import BoundedModelMultipleChoiceField, FiniteDecimalField
from pso_site.lib.ids import parse_id
from pso_site.lib.text import TextProblem, clean_text
from pso_site.lib.widgets import CheckPicker

POINTS_FIELD = {"max_digits": 5, "decimal_places": 2}
MAX_ROWS = 200
HUNDRED = Decimal(100)


class FiscalYearField(forms.IntegerField):
    """A cycle typed as people know it: the Buddhist-era year (2544); a
    Gregorian year (2001) is accepted too. Stored Gregorian."""

    def to_python(self, value):
        year = super().to_python(value)
        if year is None:
            return None
        year = gregorian_year(year)
        if not 1990 <= year <= 2100:
            raise forms.ValidationError(_("Enter a fiscal year such as 2569 (Buddhist era)."))
        return year

    def prepare_value(self, value):
        if isinstance(value, int) and value < 2400:
            return buddhist_year(value)
        return value


class ProjectCreateForm(forms.Form):
    standard = forms.ModelChoiceField(
        label=gettext_lazy("Standard"), queryset=Standard.objects.order_by("code")
    )
    fiscal_year = FiscalYearField(label=gettext_lazy("Cycle (fiscal year, B.E.)"))
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
        current = buddhist_year(current_fiscal_year())
        self.fields["fiscal_year"].initial = current
        self.fields["fiscal_year"].help_text = _(
            "The current fiscal year is %(year)s (B.E.). A Gregorian year such as %(gregorian)s is converted."
        ) % {"year": current, "gregorian": current - 543}
        self.fields["copy_from"].queryset = Project.objects.filter(agency=agency).select_related(
            "standard", "agency"
        )
        self.fields["standard"].label_from_instance = lambda s: f"{s.label} {s.name}"

    def clean_fiscal_year(self):
        year = self.cleaned_data["fiscal_year"]
        typed = str(self.data.get(self.add_prefix("fiscal_year"), "")).strip()
        if (parse_id(typed) or 2400) < 2400:
            # Said, not silently done: the person typed a Gregorian year.
            self.converted = _("%(typed)s was read as a Gregorian year: the cycle is B.E. %(year)s.") % {
                "typed": typed,
                "year": buddhist_year(year),
            }
        return year

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
                % {"standard": standard.label, "year": buddhist_year(year)}
            )
        return cleaned


class CleanTextField(forms.CharField):
    """Free text: control characters refused, line ends made uniform."""

    def clean(self, value):
        value = super().clean(value)
        try:
            return clean_text(value, max_length=self.max_length)
        except TextProblem as problem:
            raise forms.ValidationError(problem.message) from None


def _lines(text: str) -> str:
    return "\n".join(line.strip() for line in text.splitlines() if line.strip())


class VisionForm(forms.Form):
    vision = CleanTextField(
        label=gettext_lazy("Vision"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": gettext_lazy("Write the agency's vision.")},
    )

    @classmethod
    def initial_for(cls, project: Project) -> dict:
        return {"vision": project.vision}


class MissionStatementForm(forms.Form):
    mission_statement = CleanTextField(
        label=gettext_lazy("Mission statement"),
        max_length=8000,
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
    )
    goals = CleanTextField(
        label=gettext_lazy("Goals"),
        max_length=8000,
        help_text=gettext_lazy("One goal per line."),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )
    objectives = CleanTextField(
        label=gettext_lazy("Objectives"),
        max_length=8000,
        help_text=gettext_lazy("One objective per line."),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
    )

    @classmethod
    def initial_for(cls, project: Project) -> dict:
        return {name: getattr(project, name) for name in ("mission_statement", "goals", "objectives")}

    def clean_goals(self):
        return _lines(self.cleaned_data["goals"])

    def clean_objectives(self):
        return _lines(self.cleaned_data["objectives"])


def _budget_field(label):
    return FiniteDecimalField(
        label=label,
        min_value=Decimal(0),
        max_value=HUNDRED,
        widget=forms.NumberInput(
            # Named for screen readers: the table shows the category beside it, not a label.
            attrs={
                "step": "0.01",
                "min": "0",
                "class": "form-control form-control-sm budget-input",
                "aria-label": label,
            }
        ),
        error_messages={
            "required": gettext_lazy("Give the category a budget."),
            "min_value": gettext_lazy("Category budgets cannot be negative."),
            "max_value": gettext_lazy("A budget is at most 100."),
            "max_decimal_places": gettext_lazy("Points have at most two decimals."),
        },
        **POINTS_FIELD,
    )


class BudgetForm(forms.Form):
    main_budget = _budget_field(gettext_lazy("main missions budget"))
    secondary_budget = _budget_field(gettext_lazy("secondary missions budget"))
    support_budget = _budget_field(gettext_lazy("support work budget"))

    @classmethod
    def initial_for(cls, project: Project) -> dict:
        return {
            "main_budget": project.main_budget,
            "secondary_budget": project.secondary_budget,
            "support_budget": project.support_budget,
        }

    def clean(self):
        cleaned = super().clean()
        budgets = self.budgets()
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
        field_classes = {"points": FiniteDecimalField, "outcomes": BoundedModelMultipleChoiceField}
        widgets = {
            "code": forms.TextInput(attrs={"class": "form-control form-control-sm input-code"}),
            "name": forms.TextInput(attrs={"class": "form-control form-control-sm input-name"}),
            "points": forms.NumberInput(
                attrs={"step": "0.01", "min": "0.01", "class": "form-control form-control-sm points-input"}
            ),
            "category": forms.Select(attrs={"class": "form-select form-select-sm category-input"}),
            "legal_basis": forms.TextInput(attrs={"class": "form-control form-control-sm"}),
            "responsible_unit": forms.TextInput(attrs={"class": "form-control form-control-sm"}),
            "outcomes": CheckPicker(),
        }

    def __init__(self, *args, outcome_choices=None, **kwargs):
        super().__init__(*args, **kwargs)
        if outcome_choices is not None:
            # One query for the whole formset instead of one per row.
            self.fields["outcomes"].choices = outcome_choices
        for name in ("code", "name", "legal_basis", "responsible_unit"):
            self.fields[name] = clean_char_field(self.fields[name])

    def clean_points(self):
        points = self.cleaned_data["points"]
        if points is not None and points <= 0:
            raise forms.ValidationError(_("Points must be more than 0."))
        return points


class LoadedObjectField(forms.ModelChoiceField):
    """The hidden id of a formset row, resolved among the rows the formset
    already loaded (Django's own field runs one query per row, and accepts
    an id of another project's object)."""

    def __init__(self, objects, **kwargs):
        self.objects = {str(obj.pk): obj for obj in objects}
        super().__init__(queryset=None, **kwargs)

    def to_python(self, value):
        if value in self.empty_values:
            return None
        try:
            return self.objects[str(value)]
        except KeyError:
            raise forms.ValidationError(
                self.error_messages["invalid_choice"], code="invalid_choice"
            ) from None

    def validate(self, value):
        return forms.Field.validate(self, value)


class LoadedRowsMixin:
    """Formset rows given as the objects the page already loaded (``rows``),
    whose hidden ids resolve without a query per row."""

    def __init__(self, *args, rows=None, **kwargs):
        self._rows = rows
        super().__init__(*args, **kwargs)

    def get_queryset(self):
        if self._rows is not None:
            return self._rows
        return super().get_queryset()

    def clean(self):
        """Every row the project holds must come back, kept or ticked for
        removal: a page that leaves some out (forged, or broken management
        data) would otherwise remove them silently."""
        super().clean()
        if (
            self.initial_form_count() != len(self.get_queryset())
            or self.total_form_count() < self.initial_form_count()
        ):
            raise forms.ValidationError(
                _("The list on this page is incomplete or out of date: reload the page and save again.")
            )

    def add_fields(self, form, index):
        super().add_fields(form, index)
        old = form.fields[self._pk_field.name]
        form.fields[self._pk_field.name] = LoadedObjectField(
            self.get_queryset(),
            initial=old.initial,
            required=False,
            widget=old.widget,
            error_messages={
                "invalid_choice": _("This row no longer exists: someone removed it. Reload the page.")
            },
        )


class BaseMissionFormSet(LoadedRowsMixin, BaseInlineFormSet):
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

    def add_fields(self, form, index):
        super().add_fields(form, index)
        form.fields["ORDER"].widget.attrs.update(
            {"class": "form-control form-control-sm input-order", "min": "1"}
        )
        # The table shows each label once, in its header: every control is
        # named by its column and row for screen readers.
        row = _("new row") if index is None else _("row %(number)s") % {"number": index + 1}
        for name, field in form.fields.items():
            if not field.widget.is_hidden:
                label = _("Order") if name == "ORDER" else _("Remove") if name == "DELETE" else field.label
                field.widget.attrs["aria-label"] = f"{label} · {row}"

    def kept_forms(self):
        """The missions to keep, in the order the person gave (deleted and
        untouched blank rows left out); none while the formset is broken."""
        try:
            ordered = self.ordered_forms
        except AttributeError:  # Django's answer for an invalid formset
            return []
        return [form for form in ordered if form.cleaned_data.get("name")]

    def mission_rows(self) -> list[MissionRow]:
        return [
            MissionRow(
                id=form.instance.pk,
                code=form.cleaned_data["code"],
                name=form.cleaned_data["name"],
                category=form.cleaned_data["category"],
                points=form.cleaned_data["points"],
                legal_basis=form.cleaned_data["legal_basis"],
                responsible_unit=form.cleaned_data["responsible_unit"],
                outcome_ids=frozenset(o.pk for o in form.cleaned_data["outcomes"]),
            )
            for form in self.kept_forms()
        ]


def project_rows_formset(model, form, formset, extra):
    """A formset of a project's rows: removable, reorderable, and at most
    ``MAX_ROWS`` (far above any agency's list; a forged form count cannot
    make the server build thousands of forms)."""
    return inlineformset_factory(
        Project,
        model,
        form=form,
        formset=formset,
        extra=extra,
        can_delete=True,
        can_order=True,
        max_num=MAX_ROWS,
        absolute_max=MAX_ROWS,
        validate_max=True,
    )


MissionFormSet = project_rows_formset(Mission, MissionForm, BaseMissionFormSet, extra=3)


class WeightsForm(forms.Form):
    """One weight per criterion of the project; they must add up to 100."""

    def __init__(self, *args, criteria: list[ProjectCriterion], **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = criteria
        for criterion in criteria:
            self.fields[f"weight_{criterion.code}"] = FiniteDecimalField(
                label=criterion.name,
                required=False,
                initial=criterion.weight,
                min_value=Decimal("0.01"),
                max_value=Decimal("100"),
                widget=forms.NumberInput(attrs={"step": "0.01", "class": "form-control weight-input"}),
                error_messages={
                    "required": _("Give this criterion a weight."),
                    "min_value": _("A weight must be more than 0."),
                },
                **POINTS_FIELD,
            )

    def rows(self):
        """(criterion, field) for the table, whose row names the criterion: a
        field refused is marked for the eye as well as in words."""
        rows = []
        for criterion in self.criteria:
            field = self[f"weight_{criterion.code}"]
            if field.errors:
                field.field.widget.attrs["class"] = "form-control weight-input is-invalid"
                field.field.widget.attrs["aria-invalid"] = "true"
            rows.append((criterion, field))
        return rows

    def weights(self) -> dict[str, Decimal]:
        return {c.code: self.cleaned_data.get(f"weight_{c.code}") for c in self.criteria}


class IndicatorForm(forms.ModelForm):
    class Meta:
        model = Indicator
        fields = ["criterion", "name", "weight", "level_0", "level_1", "level_2", "level_3"]
        field_classes = {"weight": FiniteDecimalField}
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
            # One list of the project's criteria for every row, no query per row.
            field = self.fields["criterion"]
            self.fields["criterion"] = LoadedObjectField(
                criteria, label=field.label, widget=field.widget, error_messages=field.error_messages
            )
            self.fields["criterion"].choices = [("", "---------")] + [(c.pk, c.name) for c in criteria]
        self.fields["name"] = clean_char_field(self.fields["name"])
        for n in range(4):
            self.fields[f"level_{n}"] = clean_char_field(self.fields[f"level_{n}"], max_length=4000)
            self.fields[f"level_{n}"].required = False  # a draft; the stepper lists what is missing

    def clean_weight(self):
        weight = self.cleaned_data["weight"]
        if weight is not None and weight <= 0:
            raise forms.ValidationError(_("The weight must be more than 0."))
        return weight


class BaseIndicatorFormSet(LoadedRowsMixin, BaseInlineFormSet):
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

    def add_fields(self, form, index):
        super().add_fields(form, index)
        form.fields["ORDER"].widget.attrs.update({"class": "form-control input-order", "min": "1"})

    def kept_forms(self):
        try:
            return list(self.ordered_forms)
        except AttributeError:  # Django's answer for an invalid formset
            return []

    def indicator_rows(self) -> list[IndicatorRow]:
        return [
            IndicatorRow(
                id=form.instance.pk,
                criterion_id=form.cleaned_data["criterion"].pk,
                name=form.cleaned_data["name"],
                weight=form.cleaned_data["weight"],
                conditions=tuple(form.cleaned_data[f"level_{n}"] for n in range(4)),
            )
            for form in self.kept_forms()
        ]


IndicatorFormSet = project_rows_formset(Indicator, IndicatorForm, BaseIndicatorFormSet, extra=1)


def clean_char_field(field, max_length=None):
    """The same field, refusing control characters (``pso_site.lib.text``)."""
    clean_field = CleanTextField(
        label=field.label,
        required=field.required,
        max_length=max_length or field.max_length,
        widget=field.widget,
        help_text=field.help_text,
        error_messages=field.error_messages,
    )
    return clean_field
