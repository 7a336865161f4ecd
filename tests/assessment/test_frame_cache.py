"""The frame's step states are kept per process under the project's version
(``updated_at``, moved by every write) and never outlive a write: a save
shows at once in the stepper of every page, a page without a write reads
them from the cache, and the current step is always computed now."""

import dataclasses
from collections import Counter

import pytest

from assessment import frame
from assessment.frame import COMPLETE, NOT_STARTED
from tests.utils import step_url

pytestmark = pytest.mark.django_db


def stepper(response) -> dict[int, str]:
    return {step.number: step.state for step in response.context["steps"]}


def test_a_save_shows_in_the_stepper_of_the_next_page(client, project, editor_a):
    client.force_login(editor_a)
    assert stepper(client.get(step_url(project, 2)))[1] == NOT_STARTED
    token = client.get(step_url(project, 1)).context["snapshot_token"]
    before = project.updated_at
    response = client.post(step_url(project, 1), {"vision": "เป็นหน่วยงานที่มีประสิทธิภาพ", "snapshot": token})
    assert response.status_code == 302
    project.refresh_from_db()
    assert project.updated_at > before  # the write moved the version
    assert stepper(client.get(step_url(project, 2)))[1] == COMPLETE


def test_a_page_without_a_write_reads_the_states_kept(client, filled_project, editor_a, monkeypatch):
    client.force_login(editor_a)
    computed = Counter()
    for number, definition in frame._steps.items():

        def counted(state, number=number, compute=definition.state):
            computed[number] += 1
            return compute(state)

        monkeypatch.setitem(frame._steps, number, dataclasses.replace(definition, state=counted))
    first = client.get(step_url(filled_project, 1))
    assert computed[6] == 1
    second = client.get(step_url(filled_project, 1))
    assert stepper(first) == stepper(second)
    assert computed[6] == 1 and computed[1] == 2  # step 6 kept, step 1 (the current one) computed again


def test_the_current_step_is_computed_now(client, project, editor_a):
    """A write outside the one write path (here, a test's own update) is
    seen by the step the person is on, never hidden by the cache."""
    client.force_login(editor_a)
    assert stepper(client.get(step_url(project, 2)))[1] == NOT_STARTED
    type(project).objects.filter(pk=project.pk).update(vision="วิสัยทัศน์")
    response = client.get(step_url(project, 1))
    assert stepper(response)[1] == COMPLETE
    assert response.context["current_step_state"].state == COMPLETE


def test_the_kept_states_follow_the_language(client, project, editor_a):
    client.force_login(editor_a)
    thai = client.get(step_url(project, 2)).context["steps"][0].missing
    client.cookies["django_language"] = "en"
    english = client.get(step_url(project, 2)).context["steps"][0].missing
    assert thai != english
    assert english == "Write the vision."
