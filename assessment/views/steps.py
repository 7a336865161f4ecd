"""Steps 1–5: fetch → check access → validate → save through the step's
service (lock, state, role, conflicts) → redirect; a refused save shows the
page again with everything the person typed."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.forms.utils import ErrorDict
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from assessment import concurrency, forms, services
from assessment.access import get_project_for_user
from assessment.examples import examples_for, lampang_help, provisional_note
from assessment.frame import project_frame, project_state
from assessment.models import MissionCategory
from assessment.rules import HUNDRED, category_totals, difference_text, points_text
from assessment.scoring import split_evenly
from assessment.snapshots import STEP_SECTIONS, page_snapshot
from assessment.steps import step_problems
from assessment.writes import EditConflict, check_unchanged
from pso_site.lib.ids import parse_id


@login_required
def step(request, pk: int, number: str):
    number = int(number)
    if number == 6:
        if request.method not in ("GET", "HEAD"):
            raise Http404
        get_project_for_user(request.user, pk)  # 404 before revealing the redirect
        return redirect("assessment:round_current", pk=pk)
    return STEP_VIEWS[number](request, pk)


def _refused(request, project, number, conflict=None):
    """The token and conflict to show after a refused save. A save refused
    for its input keeps the token it was loaded with — unless someone saved
    in the meantime, which is then shown, so nothing is overwritten unseen."""
    section = STEP_SECTIONS[number]
    if conflict is None:
        token = request.POST.get("snapshot", "")
        try:
            check_unchanged(project=project, section=section, token=token)
        except EditConflict as error:
            conflict = error
        else:
            return token, None
    return concurrency.snapshot_token(section.snapshot(project)), conflict.as_context()


def _attempt(request, project, number, save, show_problems):
    """Run ``save(token)`` — a service call — and return (redirect, token,
    conflict): the redirect when it saved, else what the page shows again."""
    try:
        save(request.POST.get("snapshot", ""))
    except EditConflict as error:
        return (None, *_refused(request, project, number, conflict=error))
    except services.RuleViolation as error:
        show_problems(error.problems)
        return (None, *_refused(request, project, number))
    return _saved(request, project, number), None, None


def _add_problems(form):
    def show(problems):
        for problem in problems:
            form.add_error(None, problem)

    return show


def _render_step(request, project, number, template, context, token=None, conflict=None):
    frame = project_frame(request, project, current_step=number)
    frame.update(context)
    frame["snapshot_token"] = token or concurrency.snapshot_token(page_snapshot(number, frame["state"]))
    frame["conflict"] = conflict
    frame["read_only"] = not frame["can_edit"]
    frame["step_problems"] = step_problems(number, frame["state"]) if request.method == "GET" else []
    frame["step_help"] = lampang_help(number)
    if number in (4, 5) and any(c.provisional for c in frame["state"].data.criteria):
        frame["provisional_note"] = provisional_note()
    return render(request, template, frame)


def _saved(request, project, number):
    messages.success(request, _("Step %(number)s saved.") % {"number": number})
    return redirect("assessment:step", pk=project.pk, number=number)


def _text_step(request, pk, number, form_class, service, template):
    project = get_project_for_user(request.user, pk, write=request.method == "POST")
    token = conflict = None
    if request.method == "POST":
        form = form_class(request.POST)
        if form.is_valid():
            saved, token, conflict = _attempt(
                request,
                project,
                number,
                lambda token: service(
                    project_id=project.pk, user=request.user, token=token, **form.cleaned_data
                ),
                _add_problems(form),
            )
            if saved:
                return saved
        else:
            token, conflict = _refused(request, project, number)
    else:
        form = form_class(initial=form_class.initial_for(project))
    return _render_step(request, project, number, template, {"form": form}, token, conflict)


@login_required
def step1(request, pk: int):
    return _text_step(request, pk, 1, forms.VisionForm, services.vision_save, "assessment/step1.html")


@login_required
def step2(request, pk: int):
    return _text_step(
        request, pk, 2, forms.MissionStatementForm, services.mission_statement_save, "assessment/step2.html"
    )


def _split_equally(data, prefix: str, category: str, budget):
    """Rewrite the submitted points of one category as an even split,
    keeping everything else the user typed."""
    data = data.copy()
    try:
        total = int(data.get(f"{prefix}-TOTAL_FORMS", 0))
    except ValueError:
        total = 0
    rows = [
        index
        for index in range(min(total, forms.MissionFormSet.absolute_max))
        if data.get(f"{prefix}-{index}-category") == category
        and data.get(f"{prefix}-{index}-name", "").strip()
        and not data.get(f"{prefix}-{index}-DELETE")
    ]
    if rows and budget is not None:
        for index, points in zip(rows, split_evenly(budget, len(rows)), strict=True):
            data[f"{prefix}-{index}-points"] = str(points)
    return data, len(rows)


def category_summary(budgets, rows):
    totals = category_totals(rows)
    return [
        {
            "code": category.value,
            "label": category.label,
            "budget": budgets.get(category.value),
            "total": totals[category.value],
            "difference": difference_text(totals[category.value], budgets.get(category.value) or 0),
            "ok": totals[category.value] == budgets.get(category.value),
        }
        for category in MissionCategory
    ]


def _typed_mission_rows(formset):
    """(category, points) of the rows as typed, for the live totals."""
    rows = []
    for form in formset.forms:
        category = form.data.get(form.add_prefix("category"))
        try:
            points = form.fields["points"].clean(form.data.get(form.add_prefix("points")))
        except ValidationError:
            points = None  # the form shows the error; the live total skips it
        if form.data.get(form.add_prefix("name"), "").strip() and not form.data.get(
            form.add_prefix("DELETE")
        ):
            rows.append((category, points))
    return rows


@login_required
def step3(request, pk: int):
    project = get_project_for_user(request.user, pk, write=request.method == "POST")
    token = conflict = None
    prefix = "missions"
    state = project_state(request, project)
    queryset = project.missions.order_by("order", "id")
    missions = state.missions_with_outcomes
    if request.method == "POST":
        data = request.POST
        split = request.POST.get("split")
        if request.POST.get("add_rows"):
            # Without JavaScript: show three more blank rows, keep what was typed.
            data = data.copy()
            try:
                data[f"{prefix}-TOTAL_FORMS"] = str(int(data.get(f"{prefix}-TOTAL_FORMS", 0)) + 3)
            except ValueError:
                pass  # the formset reports the broken management data
        elif split in MissionCategory.values:
            budget_form = forms.BudgetForm(data)
            budget = budget_form.budgets()[split] if budget_form.is_valid() else None
            data, count = _split_equally(data, prefix, split, budget or project.budgets()[split])
            messages.info(
                request,
                _("The budget of %(category)s was split evenly over %(count)s missions. Check and save.")
                % {"category": MissionCategory(split).label, "count": count},
            )
        budget_form = forms.BudgetForm(data)
        formset = forms.MissionFormSet(
            data, instance=project, prefix=prefix, queryset=queryset, rows=missions
        )
        token = request.POST.get("snapshot", "")
        if not request.POST.get("add_rows") and split not in MissionCategory.values:
            budgets_ok = budget_form.is_valid()
            formset.budgets = budget_form.budgets() if budgets_ok else None
            if budgets_ok and formset.is_valid():
                saved, token, conflict = _attempt(
                    request,
                    project,
                    3,
                    lambda token: services.missions_save(
                        project_id=project.pk,
                        user=request.user,
                        token=token,
                        budgets=budget_form.budgets(),
                        rows=formset.mission_rows(),
                    ),
                    _add_problems(budget_form),
                )
                if saved:
                    return saved
            else:
                token, conflict = _refused(request, project, 3)
        budgets = budget_form.budgets() if budget_form.is_valid() else project.budgets()
        rows = _typed_mission_rows(formset)
        if request.POST.get("add_rows") or split in MissionCategory.values:
            _shown_unchecked(budget_form, formset)  # nothing was saved: no errors yet
    else:
        budget_form = forms.BudgetForm(initial=forms.BudgetForm.initial_for(project))
        formset = forms.MissionFormSet(instance=project, prefix=prefix, queryset=queryset, rows=missions)
        budgets = project.budgets()
        rows = [(m.category, m.points) for m in missions]
    context = {
        "budget_form": budget_form,
        "formset": formset,
        "categories": category_summary(budgets, rows),
    }
    return _render_step(request, project, 3, "assessment/step3.html", context, token, conflict)


@login_required
def step4(request, pk: int):
    project = get_project_for_user(request.user, pk, write=request.method == "POST")
    criteria = project_state(request, project).data.criteria
    token = conflict = None
    if request.method == "POST" and request.POST.get("equal"):
        # Equal weights that add up to exactly 100 (the last take the
        # remainder), shown to check and save: nothing is saved yet.
        data = request.POST.copy()
        for criterion, weight in zip(criteria, split_evenly(HUNDRED, len(criteria)), strict=True):
            data[f"weight_{criterion.code}"] = str(weight)
        form = forms.WeightsForm(data, criteria=criteria)
        form.is_valid()
        token = request.POST.get("snapshot", "")
        messages.info(request, _("The weights were split evenly to add up to 100. Check and save."))
    elif request.method == "POST":
        form = forms.WeightsForm(request.POST, criteria=criteria)
        if form.is_valid():
            saved, token, conflict = _attempt(
                request,
                project,
                4,
                lambda token: services.weights_save(
                    project_id=project.pk, user=request.user, token=token, weights=form.weights()
                ),
                _add_problems(form),
            )
            if saved:
                return saved
        else:
            token, conflict = _refused(request, project, 4)
    else:
        form = forms.WeightsForm(criteria=criteria)
    total = sum((c.weight or 0 for c in criteria), 0)
    context = {"form": form, "criteria": criteria, "total": total, "total_text": points_text(total)}
    return _render_step(request, project, 4, "assessment/step4.html", context, token, conflict)


@login_required
def step5(request, pk: int):
    project = get_project_for_user(request.user, pk, write=request.method == "POST")
    data = project_state(request, project).data
    # A blank form for each criterion that still lacks an indicator, with the
    # criterion chosen, so the whole step can be filled in one save. A
    # subclass per request: the criteria must not leak between requests.
    covered = {indicator.criterion_id for indicator in data.indicators}
    lacking = [{"criterion": c.pk} for c in data.criteria if c.pk not in covered]
    formset_class = type(
        "ProjectIndicatorFormSet",
        (forms.IndicatorFormSet,),
        {"criteria": data.criteria, "extra": max(len(lacking), 1)},
    )
    token = conflict = None
    prefix = "indicators"
    queryset = project.indicators.select_related("criterion").order_by("criterion__order", "order", "id")
    rows = data.indicators
    if request.method == "POST" and (request.POST.get("use_example") or request.POST.get("add_indicator")):
        # A new indicator (blank, or copied from an example) under what was
        # typed: shown to adapt and save, nothing saved yet.
        posted, copied = _with_new_indicator(
            request.POST, prefix, data_criteria=data.criteria, project=project
        )
        formset = formset_class(
            posted, instance=project, prefix=prefix, queryset=queryset, initial=lacking, rows=rows
        )
        _shown_unchecked(formset)  # nothing was saved: no errors yet
        token = request.POST.get("snapshot", "")
        if copied:
            messages.info(
                request, _("The example was copied into a new indicator: adapt its wording, then save.")
            )
    elif request.method == "POST":
        formset = formset_class(
            request.POST, instance=project, prefix=prefix, queryset=queryset, initial=lacking, rows=rows
        )
        if formset.is_valid():
            saved, token, conflict = _attempt(
                request,
                project,
                5,
                lambda token: services.indicators_save(
                    project_id=project.pk, user=request.user, token=token, rows=formset.indicator_rows()
                ),
                formset.non_form_errors().extend,
            )
            if saved:
                return saved
        else:
            token, conflict = _refused(request, project, 5)
    else:
        formset = formset_class(
            instance=project, prefix=prefix, queryset=queryset, initial=lacking, rows=rows
        )
    standard = project.standard.code
    context = {
        "formset": formset,
        "criteria": data.criteria,
        "examples": [(c, examples_for(c, standard)) for c in data.criteria],
    }
    return _render_step(request, project, 5, "assessment/step5.html", context, token, conflict)


def _with_new_indicator(post, prefix: str, *, data_criteria, project):
    """The posted step 5 with one more indicator form: from the example
    ``use_example`` = "<criterion id>:<index>" names, else blank."""
    data = post.copy()
    try:
        index = int(data.get(f"{prefix}-TOTAL_FORMS", 0))
    except ValueError:
        return data, False
    data[f"{prefix}-TOTAL_FORMS"] = str(index + 1)
    data[f"{prefix}-{index}-weight"] = "1"  # all equal, as a new indicator starts
    criterion_id, _sep, number = str(post.get("use_example", "")).partition(":")
    criterion = next((c for c in data_criteria if str(c.pk) == criterion_id), None)
    chosen = parse_id(number)
    if criterion is None or chosen is None:
        return data, False
    examples = examples_for(criterion, project.standard.code)
    example = examples[min(chosen, len(examples) - 1)]
    data[f"{prefix}-{index}-criterion"] = str(criterion.pk)
    data[f"{prefix}-{index}-name"] = example.name
    data[f"{prefix}-{index}-weight"] = "1"
    for level, text in enumerate(example.conditions):
        data[f"{prefix}-{index}-level_{level}"] = text
    return data, True


def _shown_unchecked(*forms_and_formsets) -> None:
    """Forms sent back by a helper button (more rows, an even split, a new
    or copied indicator): shown as typed, without the errors only a save
    should bring (a blank row is not yet "required")."""
    for item in forms_and_formsets:
        for form in getattr(item, "forms", [item]):
            form._errors = ErrorDict()
        if hasattr(item, "forms"):
            item._errors = [ErrorDict() for _form in item.forms]
            item._non_form_errors = item.error_class()


STEP_VIEWS = {1: step1, 2: step2, 3: step3, 4: step4, 5: step5}
