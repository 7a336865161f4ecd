import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.urls import reverse

from assessment import services
from assessment.models import Assessment, EvidenceFile, Mission
from tests.factories import add_indicators, add_missions, fill_weights
from tests.utils import count_queries

pytestmark = pytest.mark.django_db


def grid_url(project, number=1):
    return reverse("assessment:round", args=[project.pk, number])


@pytest.fixture
def open_round(project, editor_a):
    add_missions(project, 4)
    fill_weights(project)
    add_indicators(project)
    return services.round_create(project=project, user=editor_a)


def grid_post(client, project, values, number=1, **extra):
    """Submit the grid as the page shows it, with ``values`` {cell: (level, text)}."""
    page = client.get(grid_url(project, number))
    data = {"snapshot": page.context["snapshot_token"]}
    for cell in page.context["cells"]:
        level, text = values.get(cell.pk, (cell.level, cell.justification))
        data[f"level-{cell.pk}"] = "" if level is None else str(level)
        data[f"just-{cell.pk}"] = text
    data.update(extra)
    return client.post(grid_url(project, number), data)


def test_round_has_a_cell_for_every_mission_and_indicator(open_round):
    assert open_round.cells.count() == 4 * 9


def test_saving_levels_stores_the_computed_total(client, project, open_round, editor_a):
    client.force_login(editor_a)
    values = {cell.pk: (3, "มีหลักฐานครบ") for cell in open_round.cells.all()}
    response = grid_post(client, project, values)
    assert response.status_code == 302
    open_round.refresh_from_db()
    assert str(open_round.total_score) == "100.00"
    assert open_round.is_complete
    assert open_round.criterion_levels["coverage"] == "3.00"


def test_a_level_outside_0_to_3_is_refused_and_nothing_is_saved(client, project, open_round, editor_a):
    client.force_login(editor_a)
    cells = list(open_round.cells.all())
    values = {cell.pk: (2, "พอใช้") for cell in cells}
    values[cells[0].pk] = (4, "ดีมาก")
    response = grid_post(client, project, values)
    page = response.content.decode()
    assert response.status_code == 200
    assert "ระดับต้องเป็น 0, 1, 2 หรือ 3" in page
    assert "ไม่มีการบันทึก" in page
    assert page.count(">พอใช้</textarea>") == len(cells) - 1  # the rest of the grid is kept
    assert not Assessment.objects.filter(round=open_round, level__isnull=False).exists()


def test_fill_a_column_with_one_level_and_one_justification(client, project, open_round, editor_a):
    client.force_login(editor_a)
    indicator = open_round.cells.first().indicator
    response = grid_post(
        client, project, {}, **{f"fill-level-{indicator.pk}": "1", f"fill-just-{indicator.pk}": "ทั้งคอลัมน์"}
    )
    assert response.status_code == 302
    column = Assessment.objects.filter(round=open_round, indicator=indicator)
    assert set(column.values_list("level", "justification")) == {(1, "ทั้งคอลัมน์")}
    assert (
        not Assessment.objects.filter(round=open_round, level__isnull=False)
        .exclude(indicator=indicator)
        .exists()
    )


def test_round_is_complete_only_when_every_cell_has_a_level_and_a_justification(
    client, project, open_round, editor_a
):
    client.force_login(editor_a)
    cells = list(open_round.cells.all())
    values = {cell.pk: (2, "พอใช้") for cell in cells}
    values[cells[-1].pk] = (2, "")
    grid_post(client, project, values)
    open_round.refresh_from_db()
    assert not open_round.is_complete
    grid_post(client, project, {cells[-1].pk: (2, "มีเอกสาร")})
    open_round.refresh_from_db()
    assert open_round.is_complete


def test_database_refuses_a_level_of_5(open_round):
    with pytest.raises(IntegrityError), transaction.atomic():
        Assessment.objects.filter(round=open_round).update(level=5)


def test_grid_query_count_is_the_same_for_5_and_60_missions(
    client, project, editor_a, django_assert_max_num_queries
):
    add_missions(project, 5)
    fill_weights(project)
    add_indicators(project)
    services.round_create(project=project, user=editor_a)
    client.force_login(editor_a)
    few = count_queries(client, grid_url(project))
    Mission.objects.filter(project=project).delete()
    add_missions(project, 60)
    services.rounds_rescore(project=project)
    with django_assert_max_num_queries(few):
        response = client.get(grid_url(project))
    # One block of missions at a time: 240 cells // 9 indicators = 26 missions.
    assert response.content.decode().count('class="form-select form-select-sm level-select"') == 26 * 9
    assert [block["number"] for block in response.context["blocks"]] == [1, 2, 3]


def test_keyboard_navigation_script_is_on_the_page(client, project, open_round, editor_a):
    client.force_login(editor_a)
    assert "js/grid.js" in client.get(grid_url(project)).content.decode()


PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def test_evidence_can_be_attached_to_a_cell_and_downloaded(
    client, project, open_round, editor_a, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(editor_a)
    cell = open_round.cells.first()
    url = reverse("assessment:cell", args=[project.pk, 1, cell.pk])
    response = client.post(
        url, {"file": SimpleUploadedFile("หลักฐาน.pdf", PDF, content_type="application/pdf")}
    )
    assert response.status_code == 302
    evidence = EvidenceFile.objects.get()
    assert evidence.original_name == "หลักฐาน.pdf"
    assert len(evidence.sha256) == 64
    download = client.get(reverse("assessment:evidence", args=[project.pk, evidence.pk]))
    assert b"".join(download.streaming_content) == PDF


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("script.exe", b"MZ...", "ไม่รับไฟล์ประเภทนี้"),
        ("fake.pdf", b"not a pdf", "เนื้อหาของไฟล์ไม่ตรงกับนามสกุล"),
        ("empty.pdf", b"", "ไฟล์ว่างเปล่า"),
    ],
)
def test_evidence_checks_refuse_bad_files(
    client, project, open_round, editor_a, settings, tmp_path, name, content, message
):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(editor_a)
    cell = open_round.cells.first()
    url = reverse("assessment:cell", args=[project.pk, 1, cell.pk])
    response = client.post(url, {"file": SimpleUploadedFile(name, content)})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not EvidenceFile.objects.exists()


def test_evidence_larger_than_the_limit_is_refused(client, project, open_round, editor_a, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.EVIDENCE_MAX_BYTES = 100
    client.force_login(editor_a)
    cell = open_round.cells.first()
    url = reverse("assessment:cell", args=[project.pk, 1, cell.pk])
    response = client.post(url, {"file": SimpleUploadedFile("big.pdf", PDF + b"x" * 200)})
    assert "ไฟล์ใหญ่เกินไป" in response.content.decode()


def test_a_column_fill_reaches_only_empty_cells_unless_the_person_confirms(
    client, project, open_round, editor_a
):
    client.force_login(editor_a)
    indicator = open_round.cells.first().indicator
    column = Assessment.objects.filter(round=open_round, indicator=indicator).order_by("pk")
    saved = column.first()
    Assessment.objects.filter(pk=saved.pk).update(level=3, justification="บันทึกไว้แล้ว")
    grid_post(
        client, project, {}, **{f"fill-level-{indicator.pk}": "1", f"fill-just-{indicator.pk}": "ทั้งคอลัมน์"}
    )
    assert column.get(pk=saved.pk).level == 3 and column.get(pk=saved.pk).justification == "บันทึกไว้แล้ว"
    assert set(column.exclude(pk=saved.pk).values_list("level", "justification")) == {(1, "ทั้งคอลัมน์")}
    # Confirmed: the fill replaces what cells hold too.
    grid_post(
        client,
        project,
        {},
        **{f"fill-level-{indicator.pk}": "2", f"fill-overwrite-{indicator.pk}": "1"},
    )
    assert set(column.values_list("level", flat=True)) == {2}


def test_the_page_tells_how_many_cells_a_fill_would_replace(client, project, open_round, editor_a):
    client.force_login(editor_a)
    indicator = open_round.cells.first().indicator
    Assessment.objects.filter(round=open_round, indicator=indicator).update(level=1)
    page = client.get(grid_url(project, 1)).content.decode()
    count = Assessment.objects.filter(round=open_round, indicator=indicator).count()
    assert f'id="i{indicator.pk}" data-filled-levels="{count}" data-filled-texts="0"' in page


def test_a_round_started_by_mistake_is_removed_while_nothing_is_entered(
    client, project, open_round, editor_a, viewer_a
):
    Assessment.objects.filter(round=open_round).update(level=2, justification="พอใช้")
    services.round_score_store(assessment_round=open_round)
    second = services.round_start(project_id=project.pk, user=editor_a)
    client.force_login(viewer_a)
    assert client.post(reverse("assessment:round_discard", args=[project.pk, 2])).status_code == 404
    client.force_login(editor_a)
    page = client.get(grid_url(project, 2)).content.decode()
    assert 'id="round-discard"' in page and 'data-confirm="' in page
    response = client.post(reverse("assessment:round_discard", args=[project.pk, 2]))
    assert response.status_code == 302 and not type(second).objects.filter(pk=second.pk).exists()
    assert project.rounds.count() == 1


def test_a_round_with_entered_work_cannot_be_removed(client, project, open_round, editor_a):
    Assessment.objects.filter(round=open_round).update(level=2, justification="พอใช้")
    services.round_score_store(assessment_round=open_round)
    services.round_start(project_id=project.pk, user=editor_a)
    client.force_login(editor_a)
    cell = project.rounds.get(number=2).cells.first()
    grid_post(client, project, {cell.pk: (3, "ดีขึ้น")}, number=2)
    assert 'id="round-discard"' not in client.get(grid_url(project, 2)).content.decode()
    client.post(reverse("assessment:round_discard", args=[project.pk, 2]))
    assert project.rounds.count() == 2


def test_one_upload_is_attached_to_a_whole_column_and_stored_once(client, project, open_round, editor_a):
    client.force_login(editor_a)
    cell = open_round.cells.order_by("pk").first()
    upload = SimpleUploadedFile("สำรวจ.pdf", b"%PDF-1.4 survey", content_type="application/pdf")
    response = client.post(
        reverse("assessment:cell", args=[project.pk, 1, cell.pk]),
        {"file": upload, "scope": "column"},
        follow=True,
    )
    column = open_round.cells.filter(indicator=cell.indicator)
    assert EvidenceFile.objects.filter(cell__in=column).count() == column.count() == 4
    assert len(set(EvidenceFile.objects.values_list("file", flat=True))) == 1  # the bytes once
    assert "4 ช่อง" in response.content.decode()


def test_evidence_is_carried_to_the_next_round_marked_as_from_the_earlier_one(
    client, project, open_round, editor_a
):
    client.force_login(editor_a)
    cell = open_round.cells.order_by("pk").first()
    upload = SimpleUploadedFile("x.pdf", b"%PDF-1.4 x", content_type="application/pdf")
    client.post(reverse("assessment:cell", args=[project.pk, 1, cell.pk]), {"file": upload, "scope": "row"})
    Assessment.objects.filter(round=open_round).update(level=2, justification="พอใช้")
    services.round_score_store(assessment_round=open_round)
    second = services.round_start(project_id=project.pk, user=editor_a)
    carried = EvidenceFile.objects.filter(cell__round=second)
    assert carried.count() == open_round.cells.filter(mission=cell.mission).count()
    assert set(carried.values_list("from_round", flat=True)) == {1}
    page = client.get(
        reverse("assessment:cell", args=[project.pk, 2, carried.first().cell_id])
    ).content.decode()
    assert "จากรอบที่ 1" in page
    assert services.round_is_untouched(second)  # carried evidence is not work entered in round 2
