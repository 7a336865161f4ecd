"""The help of steps 1–5 (how the Lampang Provincial Office did the step)
shows its text and its list, never Python's own rendering of them (issue 23:
a certified project's step 1 showed its vision as tuples)."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("number", [1, 2, 3, 4, 5])
def test_the_step_help_shows_text_not_python(client, filled_project, editor_a, number):
    client.force_login(editor_a)
    page = client.get(reverse("assessment:step", args=[filled_project.pk, number])).content.decode()
    if 'id="step-help"' in page:
        help_text = page[page.index('id="step-help"') :]
        assert "(&#x27;" not in help_text and "dict_items" not in help_text
