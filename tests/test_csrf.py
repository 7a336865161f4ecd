"""Every form is protected against cross-site requests: a POST without the
CSRF token is refused (403) and changes nothing; the page's own token works."""

import pytest
from django.test import Client
from django.urls import reverse

from tests.utils import page_form_data

pytestmark = pytest.mark.django_db


def test_a_post_without_the_csrf_token_is_refused(filled_project, editor_a):
    client = Client(enforce_csrf_checks=True)
    client.force_login(editor_a)
    url = reverse("assessment:step", args=[filled_project.pk, 1])
    page = client.get(url)
    data = page_form_data(page, "form")
    data["vision"] = "เปลี่ยนโดยเว็บไซต์อื่น"
    assert client.post(url, data).status_code == 403
    filled_project.refresh_from_db()
    assert filled_project.vision != "เปลี่ยนโดยเว็บไซต์อื่น"
    data["csrfmiddlewaretoken"] = page.context["csrf_token"]
    assert client.post(url, data).status_code == 302
    filled_project.refresh_from_db()
    assert filled_project.vision == "เปลี่ยนโดยเว็บไซต์อื่น"


def test_logout_and_submission_need_the_csrf_token(ready_project, head_a):
    client = Client(enforce_csrf_checks=True)
    client.force_login(head_a)
    assert (
        client.post(reverse("certification:submit", args=[ready_project.pk]), {"confirm": "yes"}).status_code
        == 403
    )
    assert client.post(reverse("logout")).status_code == 403
    ready_project.refresh_from_db()
    assert ready_project.status == "draft"
