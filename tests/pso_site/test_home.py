import binascii

import pytest
from django.urls import reverse
from django_otp.oath import TOTP

from agencies import twofactor

pytestmark = pytest.mark.django_db

HOME_MARKERS = {
    "head_a": "สำนักงานจังหวัดลำปาง",
    "editor_a": "สำนักงานจังหวัดลำปาง",
    "viewer_a": "สำนักงานจังหวัดลำปาง",
    "outsider": "สำนักงานคลังจังหวัดลำปาง",
    "committee": "ยังไม่มีโครงการที่รอการพิจารณาของคณะกรรมการ",
    "auditor": "ยังไม่มีโครงการที่ยื่นขอการรับรองหรือได้รับการตัดสินแล้ว",
    "standards_admin": "จัดการมาตรฐาน เกณฑ์",
}


@pytest.mark.parametrize("persona", HOME_MARKERS)
def test_every_persona_logs_in_and_sees_its_thai_home_page(client, personas, persona):
    user = personas[persona]
    response = client.post(
        reverse("login"), {"username": user.username, "password": "pw-" + user.username}, follow=True
    )
    if twofactor.required(user):  # the institute's people give their code too
        assert response.redirect_chain[-1][0].startswith(reverse("agencies:two_factor_verify"))
        key = twofactor.totp_device(user).key
        code = f"{TOTP(binascii.unhexlify(key)).token():06d}"
        response = client.post(response.redirect_chain[-1][0], {"code": code}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("home")
    page = response.content.decode()
    assert HOME_MARKERS[persona] in page
    assert 'lang="th"' in page


def test_agency_staff_do_not_see_other_agencies(client, editor_a, outsider):
    client.force_login(outsider)
    page = client.get(reverse("home")).content.decode()
    assert "สำนักงานคลังจังหวัดลำปาง" in page
    assert "agency-agency-a" not in page


def test_a_person_without_any_role_gets_a_clear_sentence(client, django_user_model):
    user = django_user_model.objects.create_user("nobody", password="x")
    client.force_login(user)
    assert "ยังไม่ได้เป็นสมาชิกของหน่วยงานใด" in client.get(reverse("home")).content.decode()


@pytest.mark.parametrize("url", ["/", "/catalogue/", "/accounts/password_change/"])
def test_anonymous_users_are_sent_to_login(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_login_page_is_thai(client):
    page = client.get(reverse("login")).content.decode()
    assert "เข้าสู่ระบบ" in page
    assert "ชื่อผู้ใช้" in page


def test_wrong_password_is_refused_in_thai_and_keeps_the_username(client, editor_a):
    response = client.post(reverse("login"), {"username": "editor_a", "password": "wrong"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "กรุณาใส่" in page  # Django's Thai message for a wrong username or password
    assert 'value="editor_a"' in page


def test_repeated_failures_lock_the_account_out(client, editor_a, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("login"), {"username": "editor_a", "password": "wrong"})
    response = client.post(reverse("login"), {"username": "editor_a", "password": "pw-editor_a"})
    assert response.status_code == 429
    assert "เข้าสู่ระบบผิดพลาดหลายครั้งเกินไป" in response.content.decode()


def test_english_is_available_through_the_language_switcher(client, editor_a):
    client.force_login(editor_a)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    page = client.get(reverse("home")).content.decode()
    assert 'lang="en"' in page
    assert "My agencies" in page
    assert "Lampang Provincial Office" in page


def test_password_change_works_in_thai(client, editor_a):
    client.force_login(editor_a)
    page = client.get(reverse("password_change")).content.decode()
    assert "เปลี่ยนรหัสผ่าน" in page
    response = client.post(
        reverse("password_change"),
        {"old_password": "pw-editor_a", "new_password1": "ลำปาง-2544-xyz", "new_password2": "ลำปาง-2544-xyz"},
    )
    assert response.status_code == 302
    editor_a.refresh_from_db()
    assert editor_a.check_password("ลำปาง-2544-xyz")


def test_logout_needs_a_post_and_ends_the_session(client, editor_a):
    client.force_login(editor_a)
    client.post(reverse("logout"))
    assert client.get(reverse("home")).status_code == 302


def test_home_page_query_count_does_not_grow_with_memberships(
    client, editor_a, django_assert_max_num_queries
):
    from agencies.models import Agency, Membership

    def count_queries():
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as queries:
            client.get(reverse("home"))
        return len(queries)

    client.force_login(editor_a)
    few = count_queries()
    for number in range(20):
        agency = Agency.objects.create(code=f"extra-{number}", name_th=f"หน่วยงาน {number}", kind="department")
        Membership.objects.create(user=editor_a, agency=agency, role="viewer")
    with django_assert_max_num_queries(few):
        client.get(reverse("home"))
