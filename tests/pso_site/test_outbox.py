"""E-mail in development (issue 23, item 9): with ``EMAIL_URL=outbox:``
every message sent is kept, one short line goes to the console, and the
site's superuser reads it at /admin/outbox/ with its subject decoded, its
text and HTML, and links that work. Not there with any other backend."""

import io
import re

import pytest
from django.core import mail
from django.core.exceptions import ImproperlyConfigured
from django.core.mail import EmailMultiAlternatives
from django.urls import reverse
from django.utils import timezone

from agencies.models import Membership
from pso_site.lib import outbox
from pso_site.lib.env import OUTBOX_BACKEND, email_settings
from tests.conftest import make_user, second_factor_device

pytestmark = pytest.mark.django_db

SUBJECT = "[P.S.O.] คุณได้รับเชิญเข้าร่วมสำนักงานจังหวัดลำปาง"
LINK = "http://testserver/invitations/welcome/abc123/"


@pytest.fixture
def kept(settings, tmp_path):
    """The outbox, in a folder of the test's own."""
    settings.EMAIL_BACKEND = OUTBOX_BACKEND
    settings.EMAIL_FILE_PATH = str(tmp_path / "outbox")
    return tmp_path / "outbox"


@pytest.fixture
def superuser(db):
    user = make_user("root", is_superuser=True, is_staff=True)
    second_factor_device(user)
    return user


def send(to="somchai@example.go.th", stream=None):
    message = EmailMultiAlternatives(SUBJECT, f"เปิดลิงก์นี้เพื่อเข้าร่วม:\n{LINK}\n", "pso@localhost", [to])
    message.attach_alternative(f'<p>เปิดลิงก์นี้: <a href="{LINK}">เข้าร่วม</a></p>', "text/html")
    connection = outbox.EmailBackend(stream=stream or io.StringIO())
    assert connection.send_messages([message]) == 1
    return connection.stream.getvalue()


def test_outbox_is_the_default_in_debug_and_refused_without_it():
    assert email_settings({}, debug=True)["EMAIL_BACKEND"] == OUTBOX_BACKEND
    assert (
        email_settings({}, debug=False)["EMAIL_BACKEND"] == "django.core.mail.backends.console.EmailBackend"
    )
    assert email_settings({"EMAIL_URL": "outbox:/tmp/mails"}, debug=True)["EMAIL_FILE_PATH"] == "/tmp/mails"
    assert email_settings({"EMAIL_URL": "smtp://mail.example.go.th:587"}, debug=True)["EMAIL_PORT"] == 587
    with pytest.raises(ImproperlyConfigured, match="development only"):
        email_settings({"EMAIL_URL": "outbox:"}, debug=False)


def test_a_sent_message_is_kept_and_the_console_gets_one_line(kept):
    line = send()
    files = list(kept.glob("*.eml"))
    assert len(files) == 1
    name = files[0].stem
    assert line.count("\n") == 1  # one line, not the MIME
    assert "somchai@example.go.th" in line and SUBJECT in line
    assert line.rstrip().endswith(f"/admin/outbox/{name}/")
    assert "Content-Transfer-Encoding" not in line and "=?utf-8?" not in line


def test_the_superuser_reads_the_message_decoded_with_working_links(client, kept, superuser):
    send()
    client.force_login(superuser)
    listing = client.get(reverse("outbox"))
    assert listing.status_code == 200
    page = listing.content.decode()
    assert SUBJECT in page and "somchai@example.go.th" in page
    name = re.search(r"/admin/outbox/([0-9a-f-]+)/", page)[1]
    detail = client.get(reverse("outbox_mail", args=[name]))
    text = detail.content.decode()
    assert detail.status_code == 200
    assert f'<td id="mail-subject">{SUBJECT}</td>' in text
    assert f'<a href="{LINK}"' in text  # the text body's link, clickable
    assert reverse("outbox_html", args=[name]) in text
    html = client.get(reverse("outbox_html", args=[name]))
    assert html.status_code == 200 and f'href="{LINK}"' in html.content.decode()
    assert '<base target="_blank">' in html.content.decode()  # links open outside the frame
    policy = html["Content-Security-Policy"]
    assert "sandbox" in policy and "default-src 'none'" in policy and "script-src" not in policy
    assert html["X-Frame-Options"] == "SAMEORIGIN"


def test_an_invitation_reaches_the_outbox_and_its_link_works(
    client, kept, superuser, agency_a, head_a, django_capture_on_commit_callbacks
):
    """The real path: a head invites someone by e-mail; the superuser reads
    it in the outbox and the newcomer follows its link."""
    client.force_login(head_a)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("agencies:members", args=[agency_a.code]),
            {"username": "somsri@lampang.go.th", "role": Membership.Role.EDITOR},
        )
    assert response.status_code == 302
    (invitation,) = outbox.kept()
    assert invitation.to == "somsri@lampang.go.th" and "สำนักงานจังหวัดลำปาง" in invitation.subject
    client.force_login(superuser)
    page = client.get(reverse("outbox_mail", args=[invitation.name])).content.decode()
    link = re.search(r'<a href="http://testserver(/invitations/welcome/[^"]+/)"', page)[1]
    client.logout()
    assert client.get(link, follow=True).status_code == 200


def test_nobody_else_reads_the_outbox(client, kept, superuser, head_a, standards_admin):
    send()
    name = outbox.kept()[0].name
    urls = [reverse("outbox"), reverse("outbox_mail", args=[name]), reverse("outbox_html", args=[name])]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 302 and "/admin/login/" in response["Location"], url
    for person in (head_a, standards_admin):
        client.force_login(person)
        for url in urls:
            assert client.get(url).status_code == 404, (url, person)
    client.force_login(superuser)
    assert client.get("/admin/outbox/..%2F..%2Fsettings/").status_code == 404
    assert client.get(reverse("outbox_mail", args=["settings.py"])).status_code == 404
    assert client.get(reverse("outbox_mail", args=["20990101-000000-000000-00000000"])).status_code == 404


def test_without_the_outbox_the_pages_do_not_exist(client, superuser):
    """The tests' backend (locmem), like production's SMTP: 404, even for the superuser."""
    client.force_login(superuser)
    assert client.get(reverse("outbox")).status_code == 404
    mail.send_mail("x", "y", "pso@localhost", ["a@example.go.th"])
    assert len(mail.outbox) == 1


def test_the_outbox_keeps_the_newest(kept):
    for number in range(5):
        send(to=f"person{number}@example.go.th")
    outbox.prune(keep_newest=3)
    assert [m.to for m in outbox.kept()] == [f"person{n}@example.go.th" for n in (4, 3, 2)]


def test_an_empty_outbox_says_so(client, kept, superuser):
    client.force_login(superuser)
    response = client.get(reverse("outbox"))
    assert response.status_code == 200 and 'id="outbox-empty"' in response.content.decode()


def test_the_time_of_a_message_is_thai_time(kept, settings):
    settings.EMAIL_USE_LOCALTIME = False  # Django's default: the Date header in UTC, "-0000"
    send()
    sent_at = outbox.kept()[0].sent_at
    assert sent_at.tzinfo is not None
    assert abs((timezone.now() - sent_at).total_seconds()) < 60
