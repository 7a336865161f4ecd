"""Widgets of the site's own, written in Python (as the common ones are:
form_renderer.py): they render once per row of long tables."""

from typing import Any

from django import forms
from django.forms.renderers import BaseRenderer
from django.utils.html import conditional_escape, escape
from django.utils.safestring import SafeString, mark_safe


class CheckPicker(forms.SelectMultiple):
    """A multiple choice as check boxes under a summary of the chosen ones
    (forms.js keeps the summary in step; CSS shows "—" while none is
    chosen). The boxes send what a ``<select multiple>`` sends: the field's
    name once for each chosen value. Named for screen readers by the
    widget's ``aria-label``."""

    def render(
        self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: BaseRenderer | None = None
    ) -> SafeString:
        widget = self.get_context(name, value, attrs)["widget"]
        label = conditional_escape(widget["attrs"].get("aria-label", ""))
        base_id = widget["attrs"].get("id", "")
        chips: list[str] = []
        boxes: list[str] = []
        index = 0
        for _group, options, _index in widget["optgroups"]:
            for option in options:
                choice = conditional_escape(option["label"])
                box_id = escape(f"{base_id}_{index}")
                if option["selected"]:
                    chips.append(f'<span class="chip">{choice}</span>')
                boxes.append(
                    '<div class="form-check">'
                    f'<input class="form-check-input" type="checkbox" name="{escape(name)}" '
                    f'value="{escape(option["value"])}" id="{box_id}"{" checked" if option["selected"] else ""}>'
                    f'<label class="form-check-label" for="{box_id}">{choice}</label></div>'
                )
                index += 1
        return mark_safe(
            '<details class="check-picker">'
            f'<summary><span class="visually-hidden">{label}: </span>'
            f'<span class="check-picker-chips">{"".join(chips)}</span>'
            '<span class="check-picker-empty">—</span></summary>'
            '<fieldset class="check-picker-options">'
            f'<legend class="visually-hidden">{label}</legend>{"".join(boxes)}</fieldset></details>'
        )
