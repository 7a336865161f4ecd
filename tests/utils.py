"""Small helpers shared by tests."""

from django.db import connection
from django.test.utils import CaptureQueriesContext


def count_queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, response.status_code
    return len(queries)


def step_url(project, number: int) -> str:
    """The page of step ``number`` (1–6 assessment, 7–8 plans, 9 certification)."""
    from django.urls import reverse

    if number <= 6:
        return reverse("assessment:step", args=[project.pk, number])
    if number <= 8:
        return reverse("plans:step", args=[project.pk, number])
    return reverse("certification:step9", args=[project.pk])


def review_form(client, project, **changes) -> dict:
    """The committee's review form as the page shows it (levels, comments,
    steps, overall comment, token), with ``changes`` applied."""
    from django.urls import reverse

    response = client.get(reverse("certification:review", args=[project.pk]))
    assert response.status_code == 200, response.status_code
    form = response.context["form"]
    data = {name: form[name].value() for name in form.fields}
    data = {name: "" if value is None else str(value) for name, value in data.items()}
    data["snapshot"] = response.context["snapshot_token"]
    data.update(changes)
    return data


def decide(client, project, kind, reason="", valid_from="", confirm=True, **changes):
    """Record a decision through the review page, as a committee member would."""
    from django.urls import reverse

    page = client.get(reverse("certification:review", args=[project.pk]))
    data = review_form(client, project, **changes) if page.status_code == 200 else dict(changes)
    data.update({"action": "decide", "kind": kind, "reason": reason, "valid_from": valid_from})
    if confirm:
        data["confirm"] = "on"
    return client.post(reverse("certification:review", args=[project.pk]), data)


def page_form_data(response, *names) -> dict:
    """The POST a browser would send for the page's forms (``names`` are
    context names of forms and formsets), with the page's snapshot token."""
    data = {"snapshot": response.context.get("snapshot_token", "")}
    for name in names:
        form = response.context[name]
        if hasattr(form, "management_form"):
            management = form.management_form
            data.update(
                {management[field].html_name: management[field].value() for field in management.fields}
            )
            forms = form.forms
        else:
            forms = [form]
        for item in forms:
            for field in item.fields:
                value = item[field].value()
                if value is None or value is False:
                    continue
                if isinstance(value, list | tuple):
                    data[item[field].html_name] = [str(v) for v in value]
                else:
                    data[item[field].html_name] = "on" if value is True else str(value)
    return data
