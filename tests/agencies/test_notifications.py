"""The notifications page: what happened that concerns the person, newest
first, thirty to a page; opening it marks nothing read (a GET changes
nothing). Reading one (a POST) opens the page it points to, never another
site; reading all clears the count. Nobody reads another person's."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from agencies.models import Notification

pytestmark = pytest.mark.django_db

LIST = reverse("agencies:notifications")
READ = reverse("agencies:notifications_read")


def notify(user, title, url="/", minutes_ago=0):
    note = Notification.objects.create(user=user, title=title, url=url)
    Notification.objects.filter(pk=note.pk).update(
        created_at=timezone.now() - datetime.timedelta(minutes=minutes_ago)
    )
    return note


def test_the_page_lists_the_persons_own_newest_first_and_marks_nothing_read(client, editor_a, outsider):
    notify(editor_a, "ยื่นขอการรับรองแล้ว", minutes_ago=30)
    notify(editor_a, "คณะกรรมการมีมติแล้ว", minutes_ago=5)
    notify(outsider, "ของหน่วยงานอื่น")
    client.force_login(editor_a)
    response = client.get(LIST)
    page = response.content.decode()
    assert response.status_code == 200
    assert page.index("คณะกรรมการมีมติแล้ว") < page.index("ยื่นขอการรับรองแล้ว")
    assert "ของหน่วยงานอื่น" not in page
    assert page.count('<span class="badge text-bg-primary">ใหม่</span>') == 2
    assert "ทำเครื่องหมายว่าอ่านแล้วทั้งหมด" in page
    assert Notification.objects.filter(user=editor_a, read_at=None).count() == 2


def test_an_empty_list_says_what_will_appear_there(client, viewer_a):
    client.force_login(viewer_a)
    page = client.get(LIST).content.decode()
    assert "การยื่นขอ มติ" in page and 'id="notification-list"' not in page
    assert "ทำเครื่องหมายว่าอ่านแล้วทั้งหมด" not in page  # nothing unread


def test_the_list_is_thirty_to_a_page(client, editor_a):
    for number in range(31):
        notify(editor_a, f"เรื่องที่ {number}", minutes_ago=number)
    client.force_login(editor_a)
    first = client.get(LIST)
    assert len(first.context["page"].object_list) == 30
    second = client.get(LIST, {"page": "2"}).content.decode()
    assert "เรื่องที่ 30" in second and "เรื่องที่ 0<" not in second


def test_reading_one_marks_it_read_and_opens_its_page(client, editor_a, filled_project):
    address = reverse("assessment:project", args=[filled_project.pk])
    opened, other = notify(editor_a, "ขอให้แก้ไข", url=address), notify(editor_a, "อีกเรื่อง")
    client.force_login(editor_a)
    response = client.post(READ, {"notification": str(opened.pk)})
    assert response.status_code == 302 and response["Location"] == address
    opened.refresh_from_db(), other.refresh_from_db()
    assert opened.read_at is not None and other.read_at is None


@pytest.mark.parametrize(
    "address", ["https://evil.example/", "//evil.example/projects/1/", "javascript:alert(1)"]
)
def test_a_notification_never_sends_the_person_to_another_site(client, editor_a, address):
    note = notify(editor_a, "ลิงก์แปลก", url=address)
    client.force_login(editor_a)
    assert client.post(READ, {"notification": str(note.pk)})["Location"] == reverse("home")


def test_reading_all_clears_the_count_of_the_person_only(client, editor_a, outsider):
    for number in range(3):
        notify(editor_a, f"เรื่องที่ {number}")
    theirs = notify(outsider, "ของคนอื่น")
    client.force_login(editor_a)
    response = client.post(READ)
    assert response["Location"] == LIST
    assert not Notification.objects.filter(user=editor_a, read_at=None).exists()
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_another_persons_notification_or_none_at_all_is_a_404(client, editor_a, outsider):
    theirs = notify(outsider, "ของคนอื่น")
    client.force_login(editor_a)
    for value in (str(theirs.pk), "999999", "abc", "-1"):
        assert client.post(READ, {"notification": value}).status_code == 404, value
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_a_digit_that_is_not_a_number_is_a_404(client, editor_a):
    client.force_login(editor_a)
    client.raise_request_exception = False
    assert client.post(READ, {"notification": "²"}).status_code == 404


def test_reading_is_by_post_only_and_the_list_takes_no_post(client, editor_a):
    note = notify(editor_a, "เรื่องใหม่")
    client.force_login(editor_a)
    assert client.get(READ, {"notification": str(note.pk)}).status_code == 405
    assert client.post(LIST).status_code == 405
    note.refresh_from_db()
    assert note.read_at is None


def test_someone_signed_out_is_sent_to_sign_in(client, editor_a):
    note = notify(editor_a, "เรื่องใหม่")
    for response in (client.get(LIST), client.post(READ, {"notification": str(note.pk)})):
        assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    note.refresh_from_db()
    assert note.read_at is None
