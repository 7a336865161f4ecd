"""Domain refusals share one base (``pso_site/lib/refusals.py``) and one
answer for those no view catches (``pso_site.middleware.RefusalMiddleware``)."""

import pytest
from django.contrib.messages import get_messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.sessions.backends.signed_cookies import SessionStore
from django.test import RequestFactory

from agencies.services import RoleRefused
from assessment.access import ProjectReadOnly
from assessment.services import RoundNotEditable, RuleViolation
from assessment.workbook_upload import WorkbookRefused
from certification.services import DecisionRefused, NotReady, RenewalRefused
from pso_site.lib.refusals import Refusal
from pso_site.middleware import RefusalMiddleware


def request_for(method: str, path: str):
    request = getattr(RequestFactory(), method)(path)
    request.session = SessionStore()
    request._messages = FallbackStorage(request)
    return request


def answer(request, refusal):
    return RefusalMiddleware(lambda request: None).process_exception(request, refusal)


def test_every_domain_refusal_is_a_refusal_with_its_messages():
    kinds = [
        RoleRefused("บทบาท"),
        RuleViolation(["ข้อหนึ่ง", "ข้อสอง"]),
        RoundNotEditable("รอบ"),
        WorkbookRefused(["แฟ้ม"]),
        NotReady(blocking=[]),
        DecisionRefused("เหตุผล"),
        RenewalRefused("ต่ออายุ"),
    ]
    assert all(isinstance(kind, Refusal) and kind.messages and kind.message for kind in kinds)
    assert RuleViolation(["ข้อหนึ่ง", "ข้อสอง"]).problems == ["ข้อหนึ่ง", "ข้อสอง"]


def test_a_refused_post_shows_its_messages_on_the_same_page():
    request = request_for("post", "/projects/7/step/3/?block=2")
    response = answer(request, RuleViolation(["ข้อหนึ่ง", "ข้อสอง"]))
    assert (response.status_code, response["Location"]) == (302, "/projects/7/step/3/?block=2")
    assert [str(m) for m in get_messages(request)] == ["ข้อหนึ่ง", "ข้อสอง"]


def test_a_refused_get_goes_home_rather_than_refusing_again():
    response = answer(request_for("get", "/projects/7/"), RoleRefused("บทบาท"))
    assert response["Location"] == "/"


@pytest.mark.django_db
def test_a_write_to_a_locked_project_lands_on_its_page(filled_project):
    request = request_for("post", f"/projects/{filled_project.pk}/step/1/")
    refusal = ProjectReadOnly(filled_project)
    response = answer(request, refusal)
    assert response["Location"] == f"/projects/{filled_project.pk}/"
    assert [str(m) for m in get_messages(request)] == [refusal.message]


def test_other_exceptions_are_not_its_business():
    assert answer(request_for("post", "/"), ValueError("x")) is None
