"""Two people editing the same step: the second save is refused, nothing is lost."""

import pytest
from django.test import Client
from django.urls import reverse

from assessment.models import Assessment

pytestmark = pytest.mark.django_db


def test_second_save_of_the_same_step_is_refused_and_keeps_what_was_typed(filled_project, editor_a, head_a):
    url = reverse("assessment:step", args=[filled_project.pk, 1])
    first, second = Client(), Client()
    first.force_login(editor_a)
    second.force_login(head_a)
    token_first = first.get(url).context["snapshot_token"]
    token_second = second.get(url).context["snapshot_token"]

    assert first.post(url, {"vision": "วิสัยทัศน์ของคนแรก", "snapshot": token_first}).status_code == 302
    response = second.post(url, {"vision": "วิสัยทัศน์ของคนที่สอง", "snapshot": token_second})
    page = response.content.decode()

    assert response.status_code == 200
    assert "บันทึกขั้นตอนนี้ระหว่างที่คุณกำลังแก้ไข" in page
    assert "Editor_A" in page  # who saved in between
    assert "วิสัยทัศน์ของคนแรก" in page  # what changed
    assert "วิสัยทัศน์ของคนที่สอง" in page  # what they typed is kept
    filled_project.refresh_from_db()
    assert filled_project.vision == "วิสัยทัศน์ของคนแรก"

    # Having seen the change, the second person can save deliberately.
    retry_token = response.context["snapshot_token"]
    assert second.post(url, {"vision": "วิสัยทัศน์ร่วม", "snapshot": retry_token}).status_code == 302
    filled_project.refresh_from_db()
    assert filled_project.vision == "วิสัยทัศน์ร่วม"


def test_history_page_shows_both_editors_changes(client, filled_project, editor_a, head_a):
    url = reverse("assessment:step", args=[filled_project.pk, 1])
    for user, vision in ((editor_a, "วิสัยทัศน์ ก"), (head_a, "วิสัยทัศน์ ข")):
        session = Client()
        session.force_login(user)
        token = session.get(url).context["snapshot_token"]
        assert session.post(url, {"vision": vision, "snapshot": token}).status_code == 302
    client.force_login(editor_a)
    page = client.get(reverse("assessment:history", args=[filled_project.pk])).content.decode()
    assert "Editor_A" in page and "Head_A" in page
    assert "วิสัยทัศน์ ก" in page and "วิสัยทัศน์ ข" in page


def test_grid_edits_of_different_cells_by_two_people_both_land(filled_project, editor_a, head_a):
    url = reverse("assessment:round", args=[filled_project.pk, 1])
    first, second = Client(), Client()
    first.force_login(editor_a)
    second.force_login(head_a)
    pages = [first.get(url), second.get(url)]
    cells = list(pages[0].context["cells"])

    def post(session, page, cell, level, text):
        data = {"snapshot": page.context["snapshot_token"]}
        for item in page.context["cells"]:
            data[f"level-{item.pk}"] = str(item.level)
            data[f"just-{item.pk}"] = item.justification
        data[f"level-{cell.pk}"] = str(level)
        data[f"just-{cell.pk}"] = text
        return session.post(url, data)

    assert post(first, pages[0], cells[0], 3, "ของคนแรก").status_code == 302
    assert post(second, pages[1], cells[1], 1, "ของคนที่สอง").status_code == 302
    assert Assessment.objects.get(pk=cells[0].pk).justification == "ของคนแรก"
    assert Assessment.objects.get(pk=cells[1].pk).justification == "ของคนที่สอง"

    # The same cell changed by both: the second is refused, the first stays.
    response = post(second, pages[1], cells[0], 0, "ทับของคนแรก")
    assert response.status_code == 200
    assert "ถูกแก้ไขโดยผู้อื่น" in response.content.decode()
    assert Assessment.objects.get(pk=cells[0].pk).justification == "ของคนแรก"


def test_history_page_query_count_does_not_grow(
    client, filled_project, editor_a, django_assert_max_num_queries
):
    from assessment.models import Assessment
    from tests.utils import count_queries

    url = reverse("assessment:history", args=[filled_project.pk])
    client.force_login(editor_a)
    # One change in every history table first: the page makes a query per
    # table that has entries, and that number is what must not grow.
    Assessment.objects.filter(round__project=filled_project).first().save()
    few = count_queries(client, url)
    for level in (0, 1, 3):
        for cell in Assessment.objects.filter(round__project=filled_project):
            cell.level = level
            cell.save()
    with django_assert_max_num_queries(few):
        response = client.get(url)
    assert response.context["page"].paginator.count > 100
    assert len(response.context["entries"]) == 50  # one page
    with django_assert_max_num_queries(few):
        older = client.get(url, {"page": 3})
    assert older.context["page"].number == 3
