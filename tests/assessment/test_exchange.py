"""Export → import → export, validation with the forms' rules, commands."""

import copy
import json

import pytest
from django.core.management import CommandError, call_command

from assessment.exchange import ProjectFormatError, project_export, project_import
from assessment.models import Mission, Project
from tests.factories import add_missions

pytestmark = pytest.mark.django_db

STABLE_EXCEPT = {"fiscal_year", "fiscal_year_be", "status", "submitted_at", "submitted_by"}
ROUND_RECORD = {"created_by", "created_at", "completed_at"}


def without(document, keys=STABLE_EXCEPT):
    """Steps 1–6 and the cells: what a draft made from a document keeps (its
    own record, who and when, starts anew)."""
    kept = {k: v for k, v in document.items() if k not in keys}
    kept["rounds"] = [{k: v for k, v in r.items() if k not in ROUND_RECORD} for r in kept["rounds"]]
    return kept


def test_export_import_export_is_identical(filled_project):
    first = project_export(filled_project)
    imported = project_import(copy.deepcopy(first), fiscal_year=2030)
    second = project_export(imported)
    assert without(second) == without(first)
    assert second["fiscal_year"] == 2030 and second["fiscal_year_be"] == 2573
    assert json.dumps(first, ensure_ascii=False)  # JSON-able


def test_export_carries_the_computed_results(filled_project):
    results = project_export(filled_project)["results"]["1"]
    assert results["total"] == "66.67"
    assert results["criterion_level"]["coverage"] == "2.00"
    assert set(results["mission_score"]) == {m.code for m in filled_project.missions.all()}


def problems_of(document, **kwargs):
    with pytest.raises(ProjectFormatError) as error:
        project_import(document, **kwargs)
    return "\n".join(error.value.messages)


def test_a_level_of_5_is_refused(filled_project):
    document = project_export(filled_project)
    document["rounds"][0]["cells"][0]["level"] = 5
    assert "rounds[0].cells[0].level" in problems_of(document, fiscal_year=2030)


def test_points_that_do_not_add_up_say_how_many_are_missing(filled_project):
    document = project_export(filled_project)
    document["status"] = "submitted"  # a submitted project was complete; a draft may not be
    secondary = next(m for m in document["missions"] if m["category"] == "secondary")
    secondary["points"] = "28.00"
    assert "ภารกิจรอง: 28 จาก 30 คะแนน — ขาดอีก 2 คะแนน" in problems_of(document, fiscal_year=2030)


def test_weights_must_add_up_to_100(filled_project):
    document = project_export(filled_project)
    document["status"] = "submitted"  # a submitted project was complete; a draft may not be
    document["criteria"][0]["weight"] = "25.00"
    assert "ตัวถ่วงน้ำหนักต้องรวมกันได้ 100 พอดี" in problems_of(document, fiscal_year=2030)


def test_every_level_needs_its_condition(filled_project):
    document = project_export(filled_project)
    document["status"] = "submitted"  # a submitted project was complete; a draft may not be
    document["indicators"][0]["conditions"][2] = " "
    assert "indicators[0].conditions" in problems_of(document, fiscal_year=2030)


def test_a_cell_of_an_unknown_mission_is_refused(filled_project):
    document = project_export(filled_project)
    document["rounds"][0]["cells"][0]["mission"] = "99.9"
    assert "ไม่รู้จักภารกิจ 99.9" in problems_of(document, fiscal_year=2030)


def test_the_same_project_cannot_be_imported_twice(filled_project):
    document = project_export(filled_project)
    assert "มีโครงการ" in problems_of(document)


def test_every_problem_is_reported_at_once(filled_project):
    document = project_export(filled_project)
    document["rounds"][0]["cells"][0]["level"] = 7
    document["indicators"][0]["weight"] = "0"
    document["missions"][0]["category"] = "other"
    assert problems_of(document, fiscal_year=2030).count("\n") >= 2


def test_a_failing_import_leaves_nothing_behind(filled_project, monkeypatch):
    document = project_export(filled_project)
    before = Project.objects.count()

    def fail(**kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr("assessment.services.round_score_store", fail)
    with pytest.raises(RuntimeError):
        project_import(document, fiscal_year=2030)
    assert Project.objects.count() == before
    assert not Mission.objects.filter(project__fiscal_year=2030).exists()


def test_commands_export_and_import(filled_project, tmp_path, capsys):
    path = tmp_path / "project.json"
    call_command("export_project", str(filled_project.pk), output=path)
    call_command("export_project", agency=filled_project.agency.code, standard="1101", cycle=2568)
    printed = json.loads(capsys.readouterr().out)
    assert printed == json.loads(path.read_text(encoding="utf-8"))
    call_command("import_project", str(path), fiscal_year=2573)
    assert "total 66.67" in capsys.readouterr().out
    assert Project.objects.filter(fiscal_year=2030).exists()


def test_import_command_lists_the_problems(filled_project, tmp_path):
    document = project_export(filled_project)
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    with pytest.raises(CommandError, match="มีโครงการ P.S.O. 1101 ของปีงบประมาณ 2568 อยู่แล้ว"):
        call_command("import_project", str(path))
    path.write_text("{not json", encoding="utf-8")
    with pytest.raises(CommandError, match="ไม่ใช่ JSON ที่ถูกต้อง"):
        call_command("import_project", str(path))


def test_export_query_count_does_not_grow_with_the_project(filled_project, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as small:
        project_export(filled_project)
    Mission.objects.filter(project=filled_project).delete()
    add_missions(filled_project, 40)
    from assessment.services import rounds_rescore

    rounds_rescore(project=filled_project)
    with django_assert_max_num_queries(len(small)):
        project_export(filled_project)


def test_a_draft_imports_as_incomplete_as_it_was_saved(filled_project):
    document = project_export(filled_project)
    secondary = next(m for m in document["missions"] if m["category"] == "secondary")
    secondary["points"] = "28.00"
    document["indicators"][0]["conditions"][2] = ""
    imported = project_import(document, fiscal_year=2030)
    assert imported.indicators.order_by("criterion__order", "order", "id").first().level_2 == ""
