"""Steps 1–5: fetch → check access → validate → refuse conflicts → save → redirect."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from assessment import concurrency, forms, services, snapshots
from assessment.access import can_edit, get_project_for_user
from assessment.models import MissionCategory, Project, ProjectCriterion
from assessment.results import ProjectData
from assessment.rules import category_totals, difference_text, points_text
from assessment.scoring import split_evenly
from assessment.views.common import conflict_changes, conflict_message, last_editor_since, project_frame


@login_required
def step(request, pk: int, number: int):
    if number in (6, 8, 9) and request.method not in ("GET", "HEAD"):
        # These step pages are overviews; their actions have their own URLs.
        return HttpResponseNotAllowed(["GET", "HEAD"])
    if number == 6:
        get_project_for_user(request.user, pk)  # 404 before revealing the redirect
        return redirect("assessment:round_current", pk=pk)
    if number in (7, 8, 9):
        from plans.views import plan_step

        return plan_step(request, pk=pk, number=number)
    handler = {1: step1, 2: step2, 3: step3, 4: step4, 5: step5}.get(number)
    if handler is None:
        raise Http404
    if request.method != "POST":
        return handler(request, pk)
    # Saves of one project take turns, so the conflict check and the write
    # cannot interleave with another person's save.
    with transaction.atomic():
        lock_project(pk)
        return handler(request, pk)


def lock_project(pk: int) -> None:
    Project.objects.select_for_update().filter(pk=pk).values_list("pk", flat=True).first()


def _render_step(request, project, number, template, context, conflict=None, snapshot=None):
    if request.method == "POST":
        # A bound model form wrote the refused input onto the instance; the
        # stepper must show what is stored (the form keeps what was typed).
        project.refresh_from_db()
    frame = project_frame(request, project, current_step=number)
    if snapshot is None:
        snapshot = snapshots.STEP_SNAPSHOTS[number](project)
    frame.update(context)
    frame["snapshot_token"] = concurrency.snapshot_token(snapshot)
    frame["conflict"] = conflict
    frame["read_only"] = not frame["can_edit"]
    return render(request, template, frame)


def _conflict(request, project, number, current):
    """Refuse the save when the step changed since the form was opened.
    ``current`` is the step as stored, taken before any form touched the
    project instance."""
    changes = conflict_changes(request, current)
    if changes is None:
        return None
    editor = last_editor_since(project, number, request.POST.get("snapshot", ""))
    return {"message": conflict_message(editor), "changes": changes}


def _saved(request, project, number):
    messages.success(request, _("Step %(number)s saved.") % {"number": number})
    return redirect("assessment:step", pk=project.pk, number=number)


def _simple_step(request, pk, number, form_class, template):
    project = get_project_for_user(request.user, pk, write=request.method == "POST")
    current = snapshots.STEP_SNAPSHOTS[number](project)
    conflict = None
    if request.method == "POST":
        form = form_class(request.POST, instance=project)
        conflict = _conflict(request, project, number, current)
        if form.is_valid() and conflict is None:
            form.save()
            return _saved(request, project, number)
    else:
        form = form_class(instance=project)
    return _render_step(request, project, number, template, {"form": form}, conflict, current)


@login_required
def step1(request, pk: int):
    return _simple_step(request, pk, 1, forms.VisionForm, "assessment/step1.html")


@login_required
def step2(request, pk: int):
    return _simple_step(request, pk, 2, forms.MissionStatementForm, "assessment/step2.html")


def _split_equally(data, prefix: str, category: str, budget):
    """Rewrite the submitted points of one category as an even split,
    keeping everything else the user typed."""
    data = data.copy()
    total = int(data.get(f"{prefix}-TOTAL_FORMS", 0))
    rows = [
        index
        for index in range(total)
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


@login_required
def step3(request, pk: int):
    project = get_project_for_user(request.user, pk, write=request.method == "POST")
    current = snapshots.step3(project)
    conflict = None
    prefix = "missions"
    if request.method == "POST":
        data = request.POST
        split = request.POST.get("split")
        budget_form = forms.BudgetForm(data, instance=project)
        if request.POST.get("add_rows"):
            # Without JavaScript: show three more blank rows, keep what was typed.
            data = data.copy()
            data[f"{prefix}-TOTAL_FORMS"] = str(int(data.get(f"{prefix}-TOTAL_FORMS", 0)) + 3)
            budget_form = forms.BudgetForm(data, instance=project)
            formset = forms.MissionFormSet(data, instance=project, prefix=prefix)
        elif split in MissionCategory.values:
            budget = budget_form.is_valid() and budget_form.budgets()[split]
            data, count = _split_equally(data, prefix, split, budget or project.budgets()[split])
            budget_form = forms.BudgetForm(data, instance=project)
            formset = forms.MissionFormSet(data, instance=project, prefix=prefix)
            messages.info(
                request,
                _("The budget of %(category)s was split evenly over %(count)s missions. Check and save.")
                % {"category": MissionCategory(split).label, "count": count},
            )
        else:
            formset = forms.MissionFormSet(data, instance=project, prefix=prefix)
            conflict = _conflict(request, project, 3, current)
            budgets_ok = budget_form.is_valid()
            formset.budgets = budget_form.budgets() if budgets_ok else None
            if budgets_ok and formset.is_valid() and conflict is None:
                with transaction.atomic():
                    budget_form.save()
                    formset.save(commit=False)
                    for obj in formset.deleted_objects:
                        obj.delete()
                    for order, form in enumerate(formset.kept_forms(), start=1):
                        if form.has_changed() or form.instance.order != order:
                            form.instance.order = order
                            form.instance.project = project
                            form.instance.save()
                            form.save_m2m()
                    services.rounds_rescore(project=project)
                return _saved(request, project, 3)
    else:
        budget_form = forms.BudgetForm(instance=project)
        formset = forms.MissionFormSet(instance=project, prefix=prefix)
    budgets = project.budgets()
    if budget_form.is_bound and budget_form.is_valid():
        budgets = budget_form.budgets()
    rows = [(m.category, m.points) for m in project.missions.all()]
    if formset.is_bound:
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
    context = {
        "budget_form": budget_form,
        "formset": formset,
        "categories": category_summary(budgets, rows),
    }
    return _render_step(request, project, 3, "assessment/step3.html", context, conflict, current)


@login_required
def step4(request, pk: int):
    project = get_project_for_user(request.user, pk, write=request.method == "POST")
    criteria = list(ProjectCriterion.objects.filter(project=project).order_by("order"))
    current = snapshots.step4(project)
    conflict = None
    if request.method == "POST":
        form = forms.WeightsForm(request.POST, criteria=criteria)
        conflict = _conflict(request, project, 4, current)
        if form.is_valid() and conflict is None:
            with transaction.atomic():
                weights = form.weights()
                for criterion in criteria:
                    criterion.weight = weights[criterion.code]
                    criterion.save(update_fields=["weight"])
                services.rounds_rescore(project=project)
            return _saved(request, project, 4)
    else:
        form = forms.WeightsForm(criteria=criteria)
    total = sum((c.weight or 0 for c in criteria), 0)
    context = {"form": form, "criteria": criteria, "total": total, "total_text": points_text(total)}
    return _render_step(request, project, 4, "assessment/step4.html", context, conflict, current)


@login_required
def step5(request, pk: int):
    project = get_project_for_user(request.user, pk, write=request.method == "POST")
    data = ProjectData.load(project)
    current = snapshots.step5(project)
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
    conflict = None
    prefix = "indicators"
    queryset = project.indicators.select_related("criterion").order_by("criterion__order", "order", "id")
    if request.method == "POST":
        formset = formset_class(
            request.POST, instance=project, prefix=prefix, queryset=queryset, initial=lacking
        )
        conflict = _conflict(request, project, 5, current)
        if formset.is_valid() and conflict is None:
            with transaction.atomic():
                formset.save(commit=False)
                for obj in formset.deleted_objects:
                    obj.delete()
                for order, form in enumerate(
                    (f for f in formset.forms if f.cleaned_data and not f.cleaned_data.get("DELETE")), start=1
                ):
                    if form.has_changed() or form.instance.order != order:
                        form.instance.project = project
                        form.instance.order = order
                        form.instance.save()
                services.rounds_rescore(project=project)
            return _saved(request, project, 5)
    else:
        formset = formset_class(instance=project, prefix=prefix, queryset=queryset, initial=lacking)
    return _render_step(
        request,
        project,
        5,
        "assessment/step5.html",
        {"formset": formset, "criteria": data.criteria},
        conflict,
        current,
    )


__all__ = ["step", "can_edit"]
