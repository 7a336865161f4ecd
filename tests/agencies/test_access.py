import pytest
from django.http import Http404

from agencies.access import get_agency_for_user, has_institute_role, require_institute_role
from agencies.models import InstituteRole

pytestmark = pytest.mark.django_db


def test_members_get_their_agency(agency_a, editor_a, viewer_a, head_a):
    assert get_agency_for_user(viewer_a, agency_a.code) == agency_a
    assert get_agency_for_user(editor_a, agency_a.code, write=True) == agency_a
    assert get_agency_for_user(head_a, agency_a.code, head=True) == agency_a


def test_outsider_gets_404(agency_a, outsider):
    with pytest.raises(Http404):
        get_agency_for_user(outsider, agency_a.code)


def test_viewer_cannot_write(agency_a, viewer_a):
    with pytest.raises(Http404):
        get_agency_for_user(viewer_a, agency_a.code, write=True)


def test_only_the_head_may_act_as_head(agency_a, editor_a):
    with pytest.raises(Http404):
        get_agency_for_user(editor_a, agency_a.code, head=True)


def test_anonymous_gets_404(agency_a):
    from django.contrib.auth.models import AnonymousUser

    with pytest.raises(Http404):
        get_agency_for_user(AnonymousUser(), agency_a.code)


def test_institute_roles_are_checked(committee_member, auditor):
    assert has_institute_role(committee_member, InstituteRole.Role.COMMITTEE)
    assert not has_institute_role(auditor, InstituteRole.Role.COMMITTEE)
    with pytest.raises(Http404):
        require_institute_role(auditor, InstituteRole.Role.COMMITTEE)


def test_standards_admin_can_manage_the_catalogue_in_thai(client, catalogue, standards_admin):
    from agencies.models import Standard

    client.force_login(standards_admin)
    index = client.get("/admin/").content.decode()
    assert "มาตรฐาน" in index
    standard = Standard.objects.get(code="1101")
    page = client.get(f"/admin/agencies/standard/{standard.pk}/change/").content.decode()
    assert "คะแนนรวมขั้นต่ำสำหรับความพร้อม" in page
    assert "ความครอบคลุม" in page


def test_other_personas_have_no_admin(client, editor_a, committee_member):
    for user in (editor_a, committee_member):
        client.force_login(user)
        assert client.get("/admin/agencies/standard/").status_code == 302
