"""Big grids: one block of missions at a time, only changed cells sent, a
column fill that reaches every block."""

import pytest
from django.urls import reverse

from assessment import services
from assessment.models import Assessment
from tests.factories import add_indicators, add_missions, fill_weights

pytestmark = pytest.mark.django_db


@pytest.fixture
def big_round(project, editor_a):
    """60 missions × 36 indicators: 2,160 cells."""
    add_missions(project, 60)
    fill_weights(project)
    add_indicators(project, per_criterion=4)
    return services.round_create(project=project, user=editor_a)


def url(project, block=None):
    base = reverse("assessment:round", args=[project.pk, 1])
    return f"{base}?block={block}" if block else base


def changed_only(page, values, **extra):
    """What the page's script posts: the token, the block, and only the cells
    in ``values`` {cell: (level, text)}."""
    data = {"snapshot": page.context["snapshot_token"], "block": page.context["current_block"]}
    for pk, (level, text) in values.items():
        data[f"level-{pk}"] = "" if level is None else str(level)
        data[f"just-{pk}"] = text
    data.update(extra)
    return data


def every_field(page, values, **extra):
    """What a browser without JavaScript posts: every cell of the block."""
    values = {
        cell.pk: values.get(cell.pk, (cell.level, cell.justification)) for cell in page.context["cells"]
    }
    return changed_only(page, values, **extra)


def test_a_60_by_36_round_opens_one_block_under_300_kb(client, project, big_round, editor_a):
    client.force_login(editor_a)
    response = client.get(url(project))
    assert response.status_code == 200
    assert len(response.content) < 300_000
    assert len(response.context["cells"]) == 6 * 36
    assert len(response.context["blocks"]) == 10
    last = client.get(url(project, 10))
    assert [row["mission"].code for row in last.context["rows"]] == [str(n) for n in range(55, 61)]
    assert client.get(url(project, 99)).context["current_block"] == 10  # out of range: the last block
    assert client.get(url(project, "x")).context["current_block"] == 1


def test_saving_a_block_changes_only_the_cells_sent(client, project, big_round, editor_a):
    client.force_login(editor_a)
    page = client.get(url(project, 3))
    first, second = page.context["cells"][:2]
    response = client.post(url(project), changed_only(page, {first.pk: (2, "ครบ"), second.pk: (1, "บางส่วน")}))
    assert response.status_code == 302
    assert response["Location"].endswith("?block=3")
    assert set(
        Assessment.objects.filter(round=big_round, level__isnull=False).values_list("pk", "level")
    ) == {
        (first.pk, 2),
        (second.pk, 1),
    }


def test_a_whole_block_without_javascript_stays_within_the_field_limit(client, project, big_round, editor_a):
    client.force_login(editor_a)
    page = client.get(url(project, 2))
    values = {cell.pk: (3, "มีครบถ้วน") for cell in page.context["cells"]}
    response = client.post(url(project), every_field(page, values))
    assert response.status_code == 302
    assert Assessment.objects.filter(round=big_round, level=3).count() == 6 * 36


def test_save_and_go_to_the_next_block(client, project, big_round, editor_a):
    client.force_login(editor_a)
    page = client.get(url(project, 4))
    cell = page.context["cells"][0]
    response = client.post(url(project), changed_only(page, {cell.pk: (0, "ไม่มี")}, go="5"))
    assert response["Location"].endswith("?block=5")


@pytest.mark.parametrize("post", [changed_only, every_field])
def test_a_column_fill_reaches_every_block_but_not_cells_changed_by_hand(
    client, project, big_round, editor_a, post
):
    client.force_login(editor_a)
    page = client.get(url(project, 2))
    indicator = page.context["indicators"][5]
    by_hand = next(cell for cell in page.context["cells"] if cell.indicator_id == indicator.pk)
    data = post(
        page,
        {by_hand.pk: (3, "ด้วยมือ")},
        **{f"fill-level-{indicator.pk}": "1", f"fill-just-{indicator.pk}": "ทั้งคอลัมน์"},
    )
    assert client.post(url(project), data).status_code == 302
    column = Assessment.objects.filter(round=big_round, indicator=indicator)
    assert column.count() == 60
    assert set(column.exclude(pk=by_hand.pk).values_list("level", "justification")) == {(1, "ทั้งคอลัมน์")}
    assert column.get(pk=by_hand.pk).level == 3
    assert (
        not Assessment.objects.filter(round=big_round, level__isnull=False)
        .exclude(indicator=indicator)
        .exists()
    )


def test_a_bad_fill_is_reported_at_its_column_and_keeps_what_was_typed(client, project, big_round, editor_a):
    client.force_login(editor_a)
    page = client.get(url(project, 2))
    indicator = page.context["indicators"][0]
    cell = page.context["cells"][3]
    data = changed_only(page, {cell.pk: (2, "พิมพ์ไว้")}, **{f"fill-level-{indicator.pk}": "7"})
    response = client.post(url(project), data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "ระดับต้องเป็น 0, 1, 2 หรือ 3" in html
    assert ">พิมพ์ไว้</textarea>" in html
    assert f'data-cell="{cell.pk}" data-typed' in html  # the script sends it again
    assert response.context["current_block"] == 2
    assert not Assessment.objects.filter(round=big_round, level__isnull=False).exists()


def test_someone_else_saving_another_block_is_no_conflict(client, project, big_round, editor_a, head_a):
    client.force_login(head_a)
    theirs = client.get(url(project, 1))
    client.force_login(editor_a)
    mine_page = client.get(url(project, 2))
    client.force_login(head_a)
    other = theirs.context["cells"][0]
    assert client.post(url(project), changed_only(theirs, {other.pk: (2, "ของบี")})).status_code == 302
    client.force_login(editor_a)
    mine = mine_page.context["cells"][0]
    assert client.post(url(project), changed_only(mine_page, {mine.pk: (1, "ของเอ")})).status_code == 302
    assert Assessment.objects.get(pk=other.pk).justification == "ของบี"
    assert Assessment.objects.get(pk=mine.pk).justification == "ของเอ"
