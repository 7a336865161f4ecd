import pytest
from django.urls import reverse

from assessment.models import Project
from certification import services as review
from pso_site.lib.dates import current_fiscal_year

pytestmark = pytest.mark.django_db


def test_renewal_copies_the_last_project_as_its_starting_point(
    client, submitted_project, committee_member, editor_a
):
    review.project_decide(project_id=submitted_project.pk, user=committee_member, kind="certify")
    client.force_login(editor_a)
    page = client.get(reverse("assessment:project", args=[submitted_project.pk])).content.decode()
    assert reverse("certification:renew", args=[submitted_project.pk]) in page
    response = client.post(reverse("certification:renew", args=[submitted_project.pk]))
    renewal = Project.objects.get(fiscal_year=current_fiscal_year(), standard=submitted_project.standard)
    assert response["Location"] == reverse("assessment:project", args=[renewal.pk])
    assert renewal.status == Project.Status.DRAFT
    assert renewal.vision == submitted_project.vision
    assert list(renewal.criteria.values_list("weight", "target_level")) == list(
        submitted_project.criteria.values_list("weight", "target_level")
    )
    assert renewal.indicators.count() == submitted_project.indicators.count()
    assert renewal.plans.get().activities.count() == 2
    first = renewal.rounds.get()
    assert first.total_score == submitted_project.rounds.order_by("-number").first().total_score
    # A second press does not create a second project.
    client.post(reverse("certification:renew", args=[submitted_project.pk]))
    assert Project.objects.filter(fiscal_year=current_fiscal_year()).count() == 1


def test_viewers_outsiders_and_drafts_cannot_renew(client, submitted_project, viewer_a, outsider, editor_a):
    for user in (viewer_a, outsider):
        client.force_login(user)
        assert client.post(reverse("certification:renew", args=[submitted_project.pk])).status_code == 404
    client.force_login(editor_a)
    response = client.post(reverse("certification:renew", args=[submitted_project.pk]), follow=True)
    assert "ต่ออายุได้เฉพาะโครงการที่มีผลการพิจารณาแล้ว" in response.content.decode()  # not decided yet
    assert Project.objects.count() == 1


def test_justifications_carried_over_are_marked_until_rewritten_or_confirmed(
    client, submitted_project, committee_member, editor_a
):
    from assessment.models import Assessment
    from assessment.services import carried_confirm

    review.project_decide(project_id=submitted_project.pk, user=committee_member, kind="certify")
    renewal, _created = review.project_renew(project_id=submitted_project.pk, user=editor_a)
    cells = Assessment.objects.filter(round__project=renewal)
    carried = cells.filter(carried_over=True)
    assert carried.count() == cells.exclude(justification="").count() > 0
    renewal.refresh_from_db()
    assert not renewal.rounds.get().is_complete  # last cycle's words are not this cycle's evidence
    client.force_login(editor_a)
    page = client.get(reverse("assessment:round", args=[renewal.pk, 1])).content.decode()
    assert 'id="carried-panel"' in page and "carried" in page
    first = carried.first()
    carried_confirm(project_id=renewal.pk, round_number=1, user=editor_a, cell_ids=[first.pk])
    assert not Assessment.objects.get(pk=first.pk).carried_over
    carried_confirm(
        project_id=renewal.pk,
        round_number=1,
        user=editor_a,
        cell_ids=list(carried.values_list("pk", flat=True)),
    )
    assert renewal.rounds.get().is_complete


def test_someone_who_left_stays_responsible_by_name_in_the_renewal(
    client, submitted_project, committee_member, editor_a, viewer_a
):
    """The activity form offers the agency's members only: a copied activity
    whose person has left keeps their name instead, and saves as it is."""
    from agencies.models import Membership
    from plans.models import Activity
    from tests import fuzz

    viewer_a.first_name, viewer_a.last_name = "วิภา", "ใจงาม"
    viewer_a.save()
    activities = Activity.objects.filter(plan__project=submitted_project).order_by("pk")
    activities.filter(pk=activities[0].pk).update(responsible_user=viewer_a, responsible_name="")
    activities.filter(pk=activities[1].pk).update(responsible_user=editor_a)
    Membership.objects.filter(user=viewer_a).delete()
    review.project_decide(project_id=submitted_project.pk, user=committee_member, kind="certify")
    renewal, _created = review.project_renew(project_id=submitted_project.pk, user=editor_a)
    left, stayed = Activity.objects.filter(plan__project=renewal).order_by("pk")
    assert (left.responsible_user, left.responsible_name) == (None, "วิภา ใจงาม")
    assert stayed.responsible_user == editor_a
    client.force_login(editor_a)
    url = reverse("plans:activity_edit", args=[renewal.pk, left.pk])
    form = fuzz.page_form(client.get(url).content.decode(), containing="title")
    assert client.post(url, dict(form.pairs())).status_code == 302
