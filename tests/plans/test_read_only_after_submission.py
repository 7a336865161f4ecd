"""After submission the project is read-only for the agency: every POST to
every project URL is refused and changes nothing (the data is checked)."""

import datetime

import pytest
from django.core import serializers
from django.urls import URLPattern, reverse

import assessment.urls
import certification.urls
import plans.urls
from assessment.models import (
    Assessment,
    AssessmentRound,
    EvidenceFile,
    Indicator,
    Mission,
    Project,
    ProjectCriterion,
)
from certification.models import IssuedDossier
from plans.models import Activity, ActivityEvidence, Plan, ProgressUpdate
from tests.utils import step_url

pytestmark = pytest.mark.django_db

MODELS = [
    IssuedDossier,
    Project,
    ProjectCriterion,
    Mission,
    Indicator,
    AssessmentRound,
    Assessment,
    EvidenceFile,
    Plan,
    Activity,
    ProgressUpdate,
    ActivityEvidence,
]


def everything():
    return {model.__name__: serializers.serialize("json", model.objects.order_by("pk")) for model in MODELS}


def all_project_urls(project):
    """Every URL of the assessment and plans apps that names a project."""
    cell = Assessment.objects.filter(round__project=project).first()
    activity = Activity.objects.filter(plan__project=project).first()
    update = ProgressUpdate.objects.create(
        activity=activity, status="in_progress", percent=10, date=datetime.date(2025, 8, 2)
    )
    kwargs_for = {
        "pk": project.pk,
        "number": 1,
        "cell_id": cell.pk,
        "evidence_id": EvidenceFile.objects.create(
            cell=cell,
            file="evidence/x",
            original_name="x.pdf",
            content_type="application/pdf",
            size=1,
            sha256="0" * 64,
        ).pk,
        "plan_id": project.plans.first().pk,
        "activity_id": activity.pk,
    }
    ActivityEvidence.objects.create(
        update=update,
        file="evidence/y",
        original_name="y.pdf",
        content_type="application/pdf",
        size=1,
        sha256="1" * 64,
    )
    kwargs_for["evidence_id_activity"] = ActivityEvidence.objects.get().pk
    kwargs_for["dossier_id"] = IssuedDossier.objects.create(
        project=project, occasion="submission", file="dossiers/x.pdf", sha256="2" * 64, size=1, status="ready"
    ).pk
    urls = []
    steps = {"assessment": range(1, 7), "plans": (7, 8)}
    for namespace, module in (
        ("assessment", assessment.urls),
        ("plans", plans.urls),
        ("certification", certification.urls),
    ):
        for pattern in module.urlpatterns:
            assert isinstance(pattern, URLPattern)
            names = list(pattern.pattern.converters) or list(pattern.pattern.regex.groupindex)
            if "pk" not in names or pattern.name in INSTITUTE_ONLY:
                continue
            kwargs = {name: kwargs_for[name] for name in names if name != "number" or pattern.name != "step"}
            if namespace == "plans" and "evidence_id" in names:
                kwargs["evidence_id"] = kwargs_for["evidence_id_activity"]
            if pattern.name == "step":
                urls += [
                    reverse(f"{namespace}:{pattern.name}", kwargs={**kwargs, "number": n})
                    for n in steps[namespace]
                ]
            else:
                urls.append(reverse(f"{namespace}:{pattern.name}", kwargs=kwargs))
    return urls


# Committee pages take a project id too; the agency's own members get 404 there.
INSTITUTE_ONLY = {"review"}

POST_DATA = {
    "vision": "เปลี่ยน",
    "mission_statement": "เปลี่ยน",
    "goals": "เปลี่ยน",
    "objectives": "เปลี่ยน",
    "main_budget": "50",
    "secondary_budget": "40",
    "support_budget": "10",
    "weight_coverage": "100",
    "target_coverage": "0",
    "name": "แผนใหม่",
    "title": "กิจกรรมใหม่",
    "status": "done",
    "percent": "100",
    "date": "2025-09-01",
    "confirm": "yes",
}


@pytest.mark.parametrize("persona", ["head_a", "editor_a", "viewer_a"])
def test_every_post_after_submission_is_refused_and_changes_nothing(client, ready_project, personas, persona):
    urls = all_project_urls(ready_project)
    Project.objects.filter(pk=ready_project.pk).update(status=Project.Status.SUBMITTED)
    before = everything()
    client.force_login(personas[persona])
    for url in urls:
        response = client.post(url, POST_DATA)
        assert response.status_code in (302, 404, 405), (url, response.status_code)
        if response.status_code == 302:
            assert response["Location"] == reverse("assessment:project", args=[ready_project.pk]), url
    assert everything() == before


def test_after_submission_the_agency_sees_no_edit_controls(client, ready_project, head_a):
    Project.objects.filter(pk=ready_project.pk).update(status=Project.Status.SUBMITTED)
    client.force_login(head_a)
    pages = [step_url(ready_project, n) for n in (1, 2, 3, 4, 5, 7)] + [
        reverse("assessment:round", args=[ready_project.pk, 1])
    ]
    for url in pages:
        page = client.get(url).content.decode()
        assert 'type="submit">บันทึก' not in page, url
        assert "level-select" not in page, url
        assert "อ่านอย่างเดียว" in page or "disabled" in page, url
    step7 = client.get(reverse("plans:step", args=[ready_project.pk, 7])).content.decode()
    assert "เพิ่มแผนงาน" not in step7 and "เพิ่มกิจกรรม" not in step7


def test_the_refusal_is_explained(client, ready_project, editor_a):
    Project.objects.filter(pk=ready_project.pk).update(status=Project.Status.SUBMITTED)
    client.force_login(editor_a)
    response = client.post(
        reverse("assessment:step", args=[ready_project.pk, 1]), {"vision": "x"}, follow=True
    )
    assert "โครงการนี้ยื่นขอการรับรองแล้ว หน่วยงานไม่สามารถแก้ไขได้อีก" in response.content.decode()
