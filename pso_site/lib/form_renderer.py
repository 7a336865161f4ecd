"""Django's form renderer, with its commonest widgets (and labels) written in Python.

Every ``<input>``, ``<select>`` and ``<textarea>`` of a form is a template
rendered through Django's template engine: a page with 25 missions renders
about 300 of them, and the engine's lookups, includes and loops were most
of the page's time (docs/performance.md). Here the same markup is written by
a few lines of Python from the same widget context, byte for byte what the
templates write (``tests/test_form_renderer.py`` renders every widget of
every form of the app both ways and compares). Any other template, or one a
project widget overrides, goes through the engine as before.

Escaping follows the templates': ``{{ value|stringformat:'s' }}`` and
``{{ label }}`` escape unless the value is already safe.
"""

from collections.abc import Callable
from typing import Any

from django.forms.renderers import DjangoTemplates
from django.http import HttpRequest
from django.utils.formats import localize
from django.utils.html import conditional_escape
from django.utils.safestring import SafeData

WIDGETS = "django/forms/widgets/"

# The widget templates that are only ``{% include "…/input.html" %}``.
INPUT_TEMPLATES = frozenset(
    WIDGETS + name
    for name in (
        "input.html",
        "checkbox.html",
        "color.html",
        "date.html",
        "datetime.html",
        "email.html",
        "file.html",
        "hidden.html",
        "number.html",
        "password.html",
        "search.html",
        "tel.html",
        "text.html",
        "time.html",
        "url.html",
    )
)


def _formatted(value: object) -> str:
    """``{{ value|stringformat:'s' }}``: the string, escaped unless safe."""
    text = str(value)
    return text if isinstance(value, SafeData) else conditional_escape(text)


def _shown(value: Any) -> str:
    """``{{ value }}``: localised, escaped unless safe."""
    return conditional_escape(value if isinstance(value, str) else localize(value))


def _attrs(attrs: dict[str, Any]) -> str:
    """``django/forms/widgets/attrs.html``."""
    parts = []
    for name, value in attrs.items():
        if value is False:
            continue
        if value is True:
            parts.append(f" {_shown(name)}")
        else:
            parts.append(f' {_shown(name)}="{_formatted(value)}"')
    return "".join(parts)


def _input(widget: dict[str, Any]) -> str:
    value = f' value="{_formatted(widget["value"])}"' if widget["value"] is not None else ""
    return f'<input type="{_shown(widget["type"])}" name="{_shown(widget["name"])}"{value}{_attrs(widget["attrs"])}>'


def _option(option: dict[str, Any]) -> str:
    return f'<option value="{_formatted(option["value"])}"{_attrs(option["attrs"])}>{_shown(option["label"])}</option>'


def _select(widget: dict[str, Any]) -> str:
    parts = [f'<select name="{_shown(widget["name"])}"{_attrs(widget["attrs"])}>']
    for group_name, group_choices, _index in widget["optgroups"]:
        if group_name:
            parts.append(f'\n  <optgroup label="{_shown(group_name)}">')
        for option in group_choices:
            if option["template_name"] != WIDGETS + "select_option.html":
                raise _Unknown
            parts.append(f"\n  {_option(option)}\n")
        if group_name:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>")
    return "".join(parts)


def _textarea(widget: dict[str, Any]) -> str:
    value = _shown(widget["value"]) if widget["value"] else ""
    return f'<textarea name="{_shown(widget["name"])}"{_attrs(widget["attrs"])}>\n{value}</textarea>'


def _label(context: dict[str, Any]) -> str:
    """``django/forms/label.html`` (a field's ``label_tag``)."""
    if not context["use_tag"]:
        return _shown(context["label"])
    tag = _shown(context["tag"])
    return f"<{tag}{_attrs(context['attrs'] or {})}>{_shown(context['label'])}</{tag}>"


class _Unknown(Exception):
    """A part this module does not write: the template engine writes it."""


Writer = Callable[[dict[str, Any]], str]


def _of_widget(write: Writer) -> Writer:
    return lambda context: write(context["widget"])


# Each writes the template's markup from the template's context.
WRITERS: dict[str, Writer] = {
    **dict.fromkeys(INPUT_TEMPLATES, _of_widget(_input)),
    WIDGETS + "select.html": _of_widget(_select),
    WIDGETS + "textarea.html": _of_widget(_textarea),
    "django/forms/label.html": _label,
}


class FormRenderer(DjangoTemplates):
    """``FORM_RENDERER``: Django's, with the widgets above written in Python."""

    def render(self, template_name: str, context: dict[str, Any], request: HttpRequest | None = None) -> str:
        write = WRITERS.get(template_name)
        if write is not None:
            try:
                return write(context)
            except _Unknown:
                pass
        return super().render(template_name, context, request)
