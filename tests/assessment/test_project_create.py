import pytest
from django.urls import reverse

from agencies.models import Criterion, Standard
from assessment import services
from assessment.models import Project

pytestmark = pytest.mark.django_db


def create_url(agency):
    return reverse("assessment:project_create", args=[agency.code])


def test_editor_creates_a_project_with_a_copy_of_the_criteria(client, catalogue, agency_a, editor_a):
    client.force_login(editor_a)
    standard = Standard.objects.get(code="1101")
    response = client.post(create_url(agency_a), {"standard": standard.pk, "fiscal_year": "2569"})
    project = Project.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("assessment:project", args=[project.pk])
    assert project.fiscal_year == 2026
    assert project.status == Project.Status.DRAFT
    assert [c.name_th for c in project.criteria.order_by("order")][:2] == ["ความครอบคลุม", "ความถูกต้อง"]
    assert project.criteria.count() == 9


def test_catalogue_edits_never_change_an_existing_project(project):
    Criterion.objects.filter(standard__code="1101", code="coverage").update(name_th="ชื่อใหม่")
    Criterion.objects.filter(standard__code="1101", code="speed").delete()
    assert project.criteria.get(code="coverage").name_th == "ความครอบคลุม"
    assert project.criteria.filter(code="speed").exists()


def test_gregorian_years_are_accepted_too_and_the_conversion_is_said(client, catalogue, agency_a, editor_a):
    client.force_login(editor_a)
    response = client.post(
        create_url(agency_a),
        {"standard": Standard.objects.get(code="1107").pk, "fiscal_year": "2026"},
        follow=True,
    )
    assert Project.objects.get().fiscal_year == 2026
    assert "2026" in response.content.decode() and "2569" in response.content.decode()


def test_the_form_suggests_the_current_fiscal_year(client, catalogue, agency_a, editor_a):
    from pso_site.lib.dates import buddhist_year, current_fiscal_year

    client.force_login(editor_a)
    page = client.get(create_url(agency_a)).content.decode()
    assert f'value="{buddhist_year(current_fiscal_year())}"' in page


def test_a_second_project_for_the_same_cycle_is_refused_with_a_message(client, project, agency_a, editor_a):
    client.force_login(editor_a)
    response = client.post(create_url(agency_a), {"standard": project.standard.pk, "fiscal_year": "2568"})
    assert response.status_code == 200
    assert "มีโครงการ" in response.content.decode()
    assert Project.objects.count() == 1


def test_bad_year_is_refused_and_the_choice_is_kept(client, catalogue, agency_a, editor_a):
    client.force_login(editor_a)
    standard = Standard.objects.get(code="1101")
    response = client.post(create_url(agency_a), {"standard": standard.pk, "fiscal_year": "25"})
    page = response.content.decode()
    assert "ปีงบประมาณ" in page
    assert f'value="{standard.pk}" selected' in page
    assert not Project.objects.exists()


def test_steps_1_to_3_can_be_copied_from_another_project_of_the_agency(
    client, filled_project, agency_a, editor_a
):
    client.force_login(editor_a)
    response = client.post(
        create_url(agency_a),
        {
            "standard": Standard.objects.get(code="1107").pk,
            "fiscal_year": "2568",
            "copy_from": filled_project.pk,
        },
    )
    assert response.status_code == 302
    copy = Project.objects.get(standard__code="1107")
    assert copy.vision == filled_project.vision
    assert copy.goals == filled_project.goals
    assert list(copy.missions.values_list("name", "points")) == list(
        filled_project.missions.values_list("name", "points")
    )
    assert copy.criteria.count() == Standard.objects.get(code="1107").criteria.count()
    assert not copy.indicators.exists()


def test_projects_of_other_agencies_cannot_be_copied(catalogue, agency_a, agency_b, editor_a):
    other = services.project_create(
        agency=agency_b, standard=Standard.objects.get(code="1101"), fiscal_year=2025
    )
    with pytest.raises(ValueError):
        services.project_create(
            agency=agency_a, standard=Standard.objects.get(code="1107"), fiscal_year=2025, copy_from=other
        )


def test_outsider_and_viewer_cannot_create_projects_for_the_agency(
    client, catalogue, agency_a, outsider, viewer_a
):
    for user in (outsider, viewer_a):
        client.force_login(user)
        assert client.get(create_url(agency_a)).status_code == 404
        response = client.post(
            create_url(agency_a), {"standard": Standard.objects.get(code="1101").pk, "fiscal_year": "2569"}
        )
        assert response.status_code == 404
    assert not Project.objects.exists()


def test_home_page_lists_projects_with_their_latest_total(
    client, filled_project, editor_a, django_assert_max_num_queries
):
    client.force_login(editor_a)
    with django_assert_max_num_queries(12):
        page = client.get("/").content.decode()
    assert "P.S.O. 1101" in page
    assert "2568" in page
    assert str(filled_project.rounds.get().total_score) in page
