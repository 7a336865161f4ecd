"""The project archive, version 2: everything a project is, moved between
installations (export → import into an empty database → export), version 1
documents, and hostile archives refused with nothing created."""

import copy
import datetime
import hashlib
import io
import json
import zipfile
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.urls import reverse

from agencies.models import Agency, Cohort, InstituteRole, Invitation, Membership
from assessment.models import Assessment, EvidenceFile, Project
from certification.archive import (
    agency_export,
    archive_export,
    json_schema,
    project_archive_import,
    read_archive,
)
from certification.models import Certificate, CertificateSequence, Decision, IssuedDossier, Review
from certification.services import next_certificate_number
from plans.models import ActivityEvidence, ProgressUpdate
from pso_site.demo import demo_seed
from pso_site.lib.schema import DocumentProblem

pytestmark = pytest.mark.django_db

PHOTO = b"\x89PNG\r\n\x1a\n" + b"evidence photo " * 50
MINUTES = b"%PDF-1.7 minutes of the meeting"


def attach(model, owner: dict, content: bytes, name: str, user):
    stored = model(**owner)
    upload = ContentFile(content, name=name)
    stored.fill_from_upload(
        upload=upload, sha256=hashlib.sha256(content).hexdigest(), content_type="image/png", user=user
    )
    return stored


def seeded_demo(capture_on_commit_callbacks):
    """The demo, with a photograph and minutes as evidence of the certified project."""
    with capture_on_commit_callbacks(execute=True):
        seeded = demo_seed(password="pw")
    editor = get_user_model().objects.get(username="lampang_editor")
    historic = seeded["historic"]
    cell = Assessment.objects.filter(round__project=historic).order_by("pk").first()
    attach(EvidenceFile, {"cell": cell}, PHOTO, "ภาพถ่าย.png", editor)
    update = ProgressUpdate.objects.filter(activity__plan__project=historic).order_by("pk").first()
    attach(ActivityEvidence, {"update": update}, MINUTES, "minutes.pdf", editor)
    return seeded


@pytest.fixture
def demo(django_capture_on_commit_callbacks):
    return seeded_demo(django_capture_on_commit_callbacks)


def empty_installation():
    """What a new installation has after migrate and load_catalogue: the
    catalogue, no agency, no project, nobody."""
    IssuedDossier.objects.all().delete()
    Certificate.objects.all().delete()
    Decision.objects.all().delete()
    Review.objects.all().delete()
    Project.objects.all().delete()
    Membership.objects.all().delete()
    Invitation.objects.all().delete()
    Cohort.objects.all().delete()
    InstituteRole.objects.all().delete()
    while Agency.objects.exists():  # children before their parents
        Agency.objects.filter(children__isnull=True).delete()
    CertificateSequence.objects.all().delete()
    get_user_model().objects.all().delete()


def hashes(archive) -> dict:
    return {sha: hashlib.sha256(file.open("rb").read()).hexdigest() for sha, file in archive.files.items()}


def test_every_demo_project_goes_round_trip_into_an_empty_installation(demo):
    projects = list(Project.objects.order_by("fiscal_year"))
    assert len(projects) == 2
    before = [archive_export(project) for project in projects]
    payloads = [archive.content() for archive in before]
    certified = before[0].document
    assert certified["status"] == "certified" and certified["certificate"]["number"] == "PSO-1101-2544-0001"
    assert certified["plans"] and certified["reviews"] and certified["decisions"] and certified["dossiers"]
    assert any(
        update.get("evidence")
        for plan in certified["plans"]
        for a in plan["activities"]
        for update in a["updates"]
    )
    assert all(sha == digest for sha, digest in hashes(before[0]).items())
    # two dossiers (submission, decision), the signed certificate, a photo, the minutes,
    # and the demo's own evidence (two photographs and a PDF, pso_site/demo.py)
    assert len(before[0].files) == 5 + 3
    assert '"id"' not in json.dumps(certified)  # people by username and name, never ids
    assert certified["decisions"][0]["decided_by"]["username"] == "committee"

    empty_installation()
    for payload in payloads:
        project_archive_import(payload)
    assert not get_user_model().objects.exists()  # nobody was created

    after = [archive_export(project) for project in Project.objects.order_by("fiscal_year")]
    for old, new in zip(before, after, strict=True):
        assert new.document == old.document
        assert hashes(new) == hashes(old)
    imported = Project.objects.get(fiscal_year=2001)
    assert imported.certificate.number == "PSO-1101-2544-0001"
    assert imported.dossiers.filter(status="ready").count() == 3  # with the signed certificate
    # The next certificate of that year does not take the imported number.
    assert (
        next_certificate_number(standard_code="1101", day=datetime.date(2001, 12, 1)) == "PSO-1101-2544-0002"
    )


def test_people_who_exist_are_linked_by_username_but_never_in_the_committee_record(demo):
    exported = archive_export(demo["historic"])
    archive = exported.content()
    committee = get_user_model().objects.get(username="committee")
    Project.objects.filter(pk=demo["renewal"].pk).delete()
    historic = Project.objects.get(pk=demo["historic"].pk)
    IssuedDossier.objects.filter(project=historic).delete()
    Certificate.objects.filter(project=historic).delete()
    Decision.objects.filter(project=historic).delete()
    historic.delete()
    (project,) = project_archive_import(archive)
    assert project.submitted_by.username == exported.document["submitted_by"]["username"]
    # An archive is nobody's word for a committee member: the decision keeps the name only.
    decision = project.decisions.get()
    assert decision.decided_by is None and decision.imported_at is not None
    assert project.reviews.get().started_by is None
    assert archive_export(project).document["decisions"] == exported.document["decisions"]
    assert [ref["username"] for ref in project.recorded_people.values()] == [committee.username] * len(
        project.recorded_people
    )


def test_an_agency_archive_carries_all_its_projects(demo):
    agency = Agency.objects.get(code="lampang-po")
    before = agency_export(agency)
    assert [p["fiscal_year"] for p in before.document["projects"]] == [2001, demo["renewal"].fiscal_year]
    payload = before.content("agency.json")
    empty_installation()
    created = project_archive_import(payload)
    assert len(created) == 2
    after = agency_export(Agency.objects.get(code="lampang-po"))
    assert after.document == before.document


def test_the_commands_write_and_read_an_archive(demo, tmp_path):
    target = tmp_path / "lampang.zip"
    call_command("export_project", demo["historic"].pk, output=target)
    assert zipfile.is_zipfile(target)
    agency_file = tmp_path / "agency.zip"
    call_command("export_agency", "lampang-po", output=agency_file)
    empty_installation()
    out = io.StringIO()
    call_command("import_project", target, stdout=out)
    assert "PSO-1101-2544-0001" in out.getvalue()
    empty_installation()
    call_command("import_agency", agency_file, stdout=out)
    assert Project.objects.count() == 2


def test_a_version_1_document_still_imports(filled_project, agency_b):
    from assessment.exchange import project_export

    document = project_export(filled_project)
    document["version"] = 1
    for key in ("submitted_at", "submitted_by"):
        document.pop(key)
    document["agency"] = {k: document["agency"][k] for k in ("code", "name_th", "name_en")}
    for assessment_round in document["rounds"]:
        for key in ("created_by", "created_at", "completed_at"):
            assessment_round.pop(key)
    (project,) = project_archive_import(json.dumps(document).encode(), agency=agency_b)
    assert project.status == Project.Status.DRAFT
    assert project.rounds.get().total_score == filled_project.rounds.get().total_score


# Hostile archives ---------------------------------------------------------------


def refused(payload: bytes) -> str:
    counts = (Project.objects.count(), Agency.objects.count(), EvidenceFile.objects.count())
    with pytest.raises(DocumentProblem) as problem:
        project_archive_import(payload)
    assert (Project.objects.count(), Agency.objects.count(), EvidenceFile.objects.count()) == counts
    return "\n".join(problem.value.messages)


def zipped(members: dict[str, bytes], compression=zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=compression) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return buffer.getvalue()


@pytest.fixture(scope="module")
def exported_once(django_db_setup, django_db_blocker):
    """The certified project's archive, built once for the module (the demo
    takes seconds) in a transaction then rolled back: each test starts from
    the installation as migrate and load_catalogue leave it."""
    from django.db import transaction
    from django.test import TestCase

    with django_db_blocker.unblock(), transaction.atomic():
        seeded = seeded_demo(TestCase.captureOnCommitCallbacks)
        archive = archive_export(seeded["historic"])
        document = copy.deepcopy(archive.document)
        files = {sha: file.open("rb").read() for sha, file in archive.files.items()}
        transaction.set_rollback(True)
    return document, files


@pytest.fixture
def exported(exported_once):
    """The certified project's archive, with the project gone from this
    installation so that it could be imported again (a copy to change)."""
    document, files = exported_once
    return copy.deepcopy(document), dict(files)


def members(document, files):
    return {
        "project.json": json.dumps(document).encode(),
        **{f"files/{sha}": data for sha, data in files.items()},
    }


def test_wrong_types_are_refused_with_their_place(exported):
    document, files = exported
    document["missions"][2]["points"] = "fifteen"
    document["rounds"][0]["cells"][0]["level"] = "3"
    document["indicators"][0]["conditions"] = ["only one"]
    message = refused(zipped(members(document, files)))
    assert "missions[2].points" in message
    assert "rounds[0].cells[0].level" in message
    assert "indicators[0].conditions" in message


def test_a_file_whose_bytes_do_not_match_its_name_is_refused(exported):
    document, files = exported
    sha = next(iter(files))
    files[sha] = files[sha] + b"tampered"
    assert "SHA-256" in refused(zipped(members(document, files)))


def test_a_named_file_missing_from_the_archive_is_refused(exported):
    document, files = exported
    files.pop(document["dossiers"][0]["sha256"])
    assert "dossiers[0]" in refused(zipped(members(document, files)))


@pytest.mark.parametrize("name", ["../../etc/passwd", "/etc/passwd", "files/../../x", "C:/windows/x"])
def test_names_that_climb_out_are_refused(exported, name):
    document, files = exported
    assert name in refused(zipped({**members(document, files), name: b"x"}))


def test_a_zip_bomb_is_refused_before_it_is_unpacked(exported, settings):
    document, files = exported
    bomb = b"\0" * (30 * 1024 * 1024)
    assert refused(zipped({**members(document, files), "files/" + "0" * 64: bomb}))


def test_huge_or_deeply_nested_json_is_refused(exported, settings):
    deep = b"[" * 5000 + b"]" * 5000
    assert refused(deep)
    settings.ARCHIVE_MAX_BYTES = 1024
    document, files = exported
    assert refused(zipped(members(document, files)))


def test_a_certificate_number_that_belongs_to_another_project_is_refused(exported):
    document, files = exported
    payload = zipped(members(document, files))
    project_archive_import(payload)
    document["fiscal_year"] = 2002
    document["certificate"]["token"] = "x" * 40
    assert "PSO-1101-2544-0001" in refused(zipped(members(document, files)))


def test_not_a_zip_nor_json_is_refused(db):
    assert refused(b"PK\x03\x04 broken")
    assert refused(b"\xff\xfe not text")


def test_the_download_button_gives_the_archive(client, demo):
    client.force_login(get_user_model().objects.get(username="lampang_head"))
    response = client.get(reverse("certification:archive", args=[demo["historic"].pk]))
    assert response["Content-Disposition"] == 'attachment; filename="pso-1101-lampang-po-2544.zip"'
    document, files = read_archive(response.content)
    assert document == archive_export(demo["historic"]).document
    assert set(files) == set(archive_export(demo["historic"]).files)


def test_a_project_without_files_downloads_as_json(client, filled_project, editor_a):
    client.force_login(editor_a)
    response = client.get(reverse("certification:archive", args=[filled_project.pk]))
    assert response["Content-Type"] == "application/json"
    assert json.loads(response.content) == archive_export(filled_project).document


def test_the_published_schema_is_the_models_schema():
    published = json.loads((Path(__file__).parents[2] / "docs" / "project-archive.schema.json").read_text())
    assert published == json_schema(), "run: manage.py archive_schema > docs/project-archive.schema.json"


def test_every_export_obeys_the_published_schema(demo):
    import jsonschema

    schema = json_schema()
    for project in Project.objects.all():
        jsonschema.validate(archive_export(project).document, schema)


def test_a_file_lost_from_storage_is_marked_and_the_record_still_travels(demo):
    evidence = EvidenceFile.objects.get(original_name="ภาพถ่าย.png")
    evidence.file.storage.delete(evidence.file.name)
    before = archive_export(demo["historic"])
    (item,) = [
        e
        for r in before.document["rounds"]
        for c in r["cells"]
        for e in c.get("evidence", [])
        if e.get("missing")
    ]
    assert item["sha256"] == evidence.sha256 and evidence.sha256 not in before.files
    payload = before.content()
    empty_installation()
    project_archive_import(payload)
    assert archive_export(Project.objects.get(fiscal_year=2001)).document == before.document
