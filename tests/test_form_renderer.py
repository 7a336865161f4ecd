"""The widgets written in Python (pso_site/lib/form_renderer.py) write what
Django's templates write, byte for byte: on every page the site's people
reach (each widget the crawl renders is rendered both ways and compared),
with a form's errors shown back, and for values a page may not hold today
(markup, quotes, safe strings, numbers, groups, lazy labels)."""

import decimal
from collections import Counter
from pathlib import Path

import django
import pytest
from django import forms
from django.forms.renderers import DjangoTemplates
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy

from pso_site.lib import form_renderer
from pso_site.lib.form_renderer import WRITERS, FormRenderer
from tests import test_thai_only
from tests.test_thai_only import Findings, crawl, thai_client
from tests.utils import step_url

pytestmark = pytest.mark.django_db
three_projects = test_thai_only.three_projects  # the fixture of the Thai crawl

TEMPLATES = Path(django.__file__).parent / "forms" / "templates"


@pytest.fixture
def compared(monkeypatch):
    """Each widget the Python writes, written by the template too: the
    count per template, and every difference."""
    counts, differences = Counter(), []
    templates = DjangoTemplates()
    written = FormRenderer.render

    def render(self, template_name, context, request=None):
        html = written(self, template_name, context, request)
        if template_name in WRITERS:
            counts[template_name] += 1
            expected = templates.render(template_name, context, request)
            if html != expected:
                differences.append((template_name, expected, html))
        return html

    monkeypatch.setattr(FormRenderer, "render", render)
    return counts, differences


def test_the_site_renders_forms_with_it(settings):
    assert settings.FORM_RENDERER == "pso_site.lib.form_renderer.FormRenderer"
    assert isinstance(forms.Form().renderer or django.forms.renderers.get_default_renderer(), FormRenderer)


def test_the_templates_it_replaces_are_still_what_it_writes():
    """A Django upgrade that changes a widget template fails here first."""
    for name in form_renderer.INPUT_TEMPLATES - {form_renderer.WIDGETS + "input.html"}:
        assert (TEMPLATES / name).read_text() == '{% include "django/forms/widgets/input.html" %}\n', name


def test_every_widget_on_the_pages_people_reach(three_projects, head_a, committee_member, compared):
    counts, differences = compared
    project_pages = [reverse("assessment:project", args=[p.pk]) for p in three_projects.values()]
    for user in (head_a, committee_member):
        client = thai_client()
        client.force_login(user)
        crawl(client, [reverse("home"), *project_pages], Findings(), user.username)
    assert not differences, differences[:3]
    # The crawl met each kind of widget the module writes, many times.
    for kind in ("text.html", "number.html", "hidden.html", "select.html", "textarea.html", "checkbox.html"):
        assert counts[form_renderer.WIDGETS + kind] >= 5, counts


def test_a_refused_form_shows_what_was_typed_the_same_way(three_projects, editor_a, client, compared):
    counts, differences = compared
    client.force_login(editor_a)
    draft = three_projects["draft"]
    page = client.get(step_url(draft, 3))
    data = {
        key: value
        for key, value in page.context["formset"].management_form.initial.items()
        for key in [f"missions-{key}"]
    }
    data.update(
        {
            "main_budget": "60",
            "secondary_budget": "30",
            "support_budget": "10",
            "missions-0-name": '<b>"ภารกิจ" & งาน</b>',
            "missions-0-code": "1'1",
            "missions-0-category": "nonsense",
            "missions-0-points": "๑๒",
            "snapshot": page.context["snapshot_token"],
        }
    )
    response = client.post(step_url(draft, 3), data)
    assert response.status_code in (200, 409)
    assert counts[form_renderer.WIDGETS + "select.html"] and not differences, differences[:3]


class Everything(forms.Form):
    text = forms.CharField(
        widget=forms.TextInput(attrs={"data-x": "\"<&>'", "required": True, "hidden": False})
    )
    number = forms.DecimalField()
    when = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    email = forms.EmailField()
    secret = forms.CharField(widget=forms.PasswordInput(render_value=True))
    note = forms.CharField(widget=forms.Textarea)
    tick = forms.BooleanField()
    kind = forms.ChoiceField(
        choices=[
            ("", "---------"),
            ("a", gettext_lazy("Category")),
            ("Group <1>", [("b", mark_safe("<i>safe</i>")), (3, "three & four")]),
            (decimal.Decimal("2.50"), 2569),
        ]
    )
    many = forms.MultipleChoiceField(choices=[(1, "one"), (2, '"two"')])
    hidden = forms.CharField(widget=forms.HiddenInput)


@pytest.mark.parametrize(
    "data",
    [
        {},
        {
            "text": '<script>alert("x")</script>',
            "number": "1,5",
            "when": "31/12/2569",
            "email": "a@b",
            "secret": "p&ss",
            "note": "บรรทัดแรก\n<b>สอง</b>",
            "tick": "on",
            "kind": "b",
            "many": ["1", "2"],
            "hidden": "'\"",
        },
        {"note": "", "kind": "2.50", "number": "3.14159"},
    ],
)
def test_unusual_values_are_written_as_the_templates_write_them(data, compared):
    counts, differences = compared
    bound = Everything(
        data or None, initial={"number": decimal.Decimal("1.50"), "note": mark_safe("<i>x</i>")}
    )
    for field in bound:
        str(field)
        field.label_tag()
    assert not differences, differences[:3]
    assert counts[LABEL] == len(Everything.base_fields)
    assert sum(counts.values()) == 2 * len(Everything.base_fields)


LABEL = "django/forms/label.html"


def test_labels_are_written_as_the_template_writes_them(compared):
    counts, differences = compared
    form = Everything(label_suffix=" :")
    form.fields["text"].label = mark_safe("<b>ชื่อ</b>")
    form.fields["note"].label = gettext_lazy("Category")
    form.required_css_class = "needed"
    for field in form:
        field.label_tag()
        field.label_tag(attrs={"class": "small", "data-x": '"'}, tag="span")
        field.label_tag(contents="ข้อความ & <อื่น>")
    for field in Everything(auto_id=False):  # no id: the label is text alone
        field.label_tag()
    assert not differences, differences[:3]
    assert counts[LABEL] == 4 * len(Everything.base_fields)


def test_the_check_picker_shows_the_chosen_and_escapes_what_it_shows():
    from pso_site.lib.widgets import CheckPicker

    class Outcomes(forms.Form):
        outcomes = forms.MultipleChoiceField(
            choices=[(1, "ความเสมอภาค"), (2, '<b>"ประหยัด"</b>')],
            widget=CheckPicker(attrs={"aria-label": "ผลลัพธ์ · แถวที่ 1"}),
        )

    html = str(Outcomes({"outcomes": ["2"]})["outcomes"])
    assert '<span class="chip">&lt;b&gt;&quot;ประหยัด&quot;&lt;/b&gt;</span>' in html
    assert html.count('<span class="chip">') == 1
    assert (
        '<input class="form-check-input" type="checkbox" name="outcomes" value="2" id="id_outcomes_1" checked>'
        in html
    )
    assert 'value="1" id="id_outcomes_0">' in html
    assert '<legend class="visually-hidden">ผลลัพธ์ · แถวที่ 1</legend>' in html
    assert Outcomes({"outcomes": ["1", "2"]}).is_valid()
