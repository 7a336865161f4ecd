"""Forms of steps 7–8."""

from django import forms
from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from assessment.evidence import EvidenceForm
from assessment.forms import clean_char_field
from assessment.models import LEVEL_CHOICES, ProjectCriterion
from plans.models import Activity, Plan, ProgressUpdate
from plans.rules import activity_problems, date_problem
from plans.services import ActivityInput
from pso_site.lib.fields import BoundedModelChoiceField, BoundedModelMultipleChoiceField, FiniteDecimalField
from pso_site.lib.held_uploads import HeldUpload, Shelf
from pso_site.lib.thaidate import ThaiDateField


class TargetsForm(forms.Form):
    """A target level 0–3 for every criterion of the project."""

    def __init__(self, *args, criteria: list[ProjectCriterion], **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = criteria
        for criterion in criteria:
            self.fields[f"target_{criterion.code}"] = forms.TypedChoiceField(
                label=criterion.name,
                choices=[("", "—")] + [(str(value), label) for value, label in LEVEL_CHOICES],
                coerce=int,
                initial=criterion.target_level,
                error_messages={
                    "required": _("Choose a target level for this criterion."),
                    "invalid_choice": _("The target level must be 0, 1, 2 or 3."),
                },
                widget=forms.Select(attrs={"class": "form-select form-select-sm input-level"}),
            )

    def rows(self):
        return [(c, self[f"target_{c.code}"]) for c in self.criteria]

    def targets(self) -> dict[str, int]:
        return {c.code: self.cleaned_data[f"target_{c.code}"] for c in self.criteria}


class PlanForm(forms.ModelForm):
    class Meta:
        model = Plan
        fields = ["name", "approach", "criteria"]
        field_classes = {"criteria": BoundedModelMultipleChoiceField}
        widgets = {"approach": forms.Textarea(attrs={"rows": 3}), "criteria": forms.CheckboxSelectMultiple}

    def __init__(self, *args, project, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["criteria"].queryset = ProjectCriterion.objects.filter(project=project).order_by("order")
        self.fields["criteria"].label_from_instance = lambda c: c.name
        self.fields["criteria"].error_messages["required"] = _("Choose at least one criterion for the plan.")
        for name in ("name", "approach"):
            self.fields[name] = clean_char_field(self.fields[name], max_length=4000)

    @classmethod
    def initial_for(cls, plan: Plan) -> dict:
        return {"name": plan.name, "approach": plan.approach, "criteria": [c.pk for c in plan.criterion_list]}


class ActivityForm(forms.ModelForm):
    class Meta:
        model = Activity
        fields = [
            "plan",
            "title",
            "description",
            "phase",
            "start_date",
            "end_date",
            "responsible_user",
            "responsible_name",
            "responsible_position",
            "budget",
            "expected_result",
        ]
        field_classes = {
            "start_date": ThaiDateField,
            "end_date": ThaiDateField,
            "plan": BoundedModelChoiceField,
            "responsible_user": BoundedModelChoiceField,
            "budget": FiniteDecimalField,
        }
        widgets = {
            "description": forms.Textarea(attrs={"rows": 2}),
            "expected_result": forms.Textarea(attrs={"rows": 2}),
        }
        help_texts = {"end_date": gettext_lazy("May stay empty for a long-term activity.")}

    def __init__(self, *args, project, **kwargs):
        super().__init__(*args, **kwargs)
        self.project = project
        self.fields["plan"].queryset = Plan.objects.filter(project=project)
        self.fields["plan"].error_messages["required"] = _("Choose the plan this activity belongs to.")
        members = (
            get_user_model().objects.filter(memberships__agency_id=project.agency_id).order_by("first_name")
        )
        self.fields["responsible_user"].queryset = members
        self.fields["responsible_user"].label_from_instance = lambda u: u.get_full_name() or u.username
        self.fields["budget"].widget.attrs.update({"min": "0", "step": "0.01"})
        for name in ("title", "description", "responsible_name", "responsible_position", "expected_result"):
            self.fields[name] = clean_char_field(self.fields[name], max_length=4000)

    @classmethod
    def initial_for(cls, activity: Activity) -> dict:
        return {name: getattr(activity, name) for name in cls.Meta.fields}

    def activity_input(self) -> ActivityInput:
        """The values as the service takes them (during ``clean``, a field
        that failed its own check is left empty)."""
        data = self.cleaned_data
        plan, responsible = data.get("plan"), data.get("responsible_user")
        return ActivityInput(
            plan_id=plan.pk if plan else None,
            title=data.get("title", ""),
            description=data.get("description", ""),
            phase=data.get("phase", ""),
            start_date=data.get("start_date"),
            end_date=data.get("end_date"),
            responsible_user_id=responsible.pk if responsible else None,
            responsible_name=data.get("responsible_name", ""),
            responsible_position=data.get("responsible_position", ""),
            budget=data.get("budget"),
            expected_result=data.get("expected_result", ""),
        )

    def clean(self):
        cleaned = super().clean()
        for name, problem in activity_problems(self.project, self.activity_input()):
            if name not in self.errors:
                self.add_error(name, problem)
        return cleaned


class ProgressForm(forms.ModelForm):
    class Meta:
        model = ProgressUpdate
        fields = ["status", "percent", "date", "note"]
        field_classes = {"date": ThaiDateField}
        widgets = {"note": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, project, **kwargs):
        super().__init__(*args, **kwargs)
        self.project = project
        self.fields["date"].initial = timezone.localdate()
        self.fields["percent"].widget.attrs.update({"min": "0", "max": "100"})
        self.fields["percent"].required = False  # "done" without a number is 100 (``clean``)
        self.fields["note"] = clean_char_field(self.fields["note"], max_length=4000)

    def clean_date(self):
        day = self.cleaned_data["date"]
        problem = date_problem(self.project, day)
        if problem:
            raise forms.ValidationError(problem)
        if day > timezone.localdate():
            raise forms.ValidationError(
                _("Progress cannot be dated in the future: give the day it was observed.")
            )
        return day

    def clean_percent(self):
        percent = self.cleaned_data["percent"]
        if percent is not None and not 0 <= percent <= 100:
            raise forms.ValidationError(_("Percent done must be between 0 and 100."))
        return percent

    def clean(self):
        cleaned = super().clean()
        status, percent, note = cleaned.get("status"), cleaned.get("percent"), cleaned.get("note", "")
        if percent is None and "percent" not in self.errors:
            if status == ProgressUpdate.Status.DONE:
                cleaned["percent"] = 100  # done is all of it (the page fills it in too)
            else:
                self.add_error("percent", _("Give the percent done, from 0 to 100."))
        elif status == ProgressUpdate.Status.DONE and percent != 100:
            self.add_error("percent", _("A done activity is at 100 percent."))
        if status == ProgressUpdate.Status.BLOCKED and not note.strip():
            self.add_error("note", _("Say what blocks the activity."))
        return cleaned


class ProgressEvidenceForm(EvidenceForm):
    """The same checks as assessment evidence; the file is optional here. A
    file chosen while the progress itself is refused waits on the person's
    ``shelf`` (``hold_for_next_try``), is named on the page again, and is
    attached on the next save unless another is chosen or it is let go."""

    held_file_clear = forms.BooleanField(required=False, label=gettext_lazy("Do not attach this file"))

    def __init__(self, *args, shelf: Shelf | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].required = False
        self.shelf = shelf
        self.held: HeldUpload | None = None
        self.let_go = False  # the person asked not to attach the held file

    def clean_file(self):
        if not self.cleaned_data.get("file"):
            return None
        return super().clean_file()

    def clean(self):
        cleaned = super().clean()
        if self.shelf is not None and not cleaned.get("file"):
            # The page's token of the held file (not a field: nothing to say about it).
            held = self.shelf.get(str(self.data.get("held_file", "")))
            self.let_go = held is not None and bool(cleaned.get("held_file_clear"))
            self.held = None if self.let_go else held
        return cleaned

    def attachment(self) -> tuple[object, str, str]:
        """(upload, sha256, content type) to record: the file chosen now, or
        the one held since the last try, or (None, "", "")."""
        if self.cleaned_data.get("file"):
            return self.cleaned_data["file"], self.sha256, self.content_type
        if self.held is not None:
            return self.held.upload(), self.held.sha256, self.held.content_type
        return None, "", ""

    def hold_for_next_try(self) -> None:
        """The rest of the form was refused: a file chosen now, and accepted
        by its own checks, waits for the next try instead of being lost (and
        one let go is dropped)."""
        if self.shelf is None:
            return
        if self.is_valid() and self.cleaned_data.get("file"):
            self.held = self.shelf.hold(
                self.cleaned_data["file"], sha256=self.sha256, content_type=self.content_type
            )
        elif self.let_go:
            self.shelf.release()
