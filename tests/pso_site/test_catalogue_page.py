"""The standards catalogue page: every standard of the institute's catalogue
in the order of its code, with its readiness thresholds and its criteria in
their order, as the standards administrator last left them; for anyone
signed in, in the language they read."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from agencies.models import Criterion, Standard

pytestmark = pytest.mark.django_db

URL = reverse("catalogue")


def section(page: str, code: str) -> str:
    return page.split(f'id="standard-{code}"')[1].split("</section>")[0]


def test_every_standard_is_listed_in_code_order_with_its_criteria_in_order(client, catalogue, outsider):
    client.force_login(outsider)
    response = client.get(URL)
    page = response.content.decode()
    assert response.status_code == 200
    codes = list(Standard.objects.order_by("code").values_list("code", flat=True))
    positions = [page.index(f'id="standard-{code}"') for code in codes]
    assert positions == sorted(positions) and len(codes) > 1
    information = section(page, "1101")
    assert "P.S.O. 1101" in information and "ระบบข้อมูล" in information
    assert "คะแนนรวมอย่างน้อย 70.00 และทุกเกณฑ์อยู่ที่ระดับ 2.00 ขึ้นไป" in information
    criteria = list(
        Criterion.objects.filter(standard__code="1101").order_by("order").values_list("name_th", flat=True)
    )
    assert information.count("<li>") == len(criteria) == 9
    assert [information.index(f"<li>{name}") for name in criteria] == sorted(
        information.index(f"<li>{name}") for name in criteria
    )


def test_the_page_shows_the_catalogue_as_it_is_now(client, catalogue, committee_member):
    Standard.objects.filter(code="1101").update(min_total_score=75)
    Criterion.objects.filter(standard__code="1101", order=1).update(name_th="เกณฑ์ที่เปลี่ยนชื่อแล้ว")
    client.force_login(committee_member)
    information = section(client.get(URL).content.decode(), "1101")
    assert "คะแนนรวมอย่างน้อย 75.00" in information
    assert "เกณฑ์ที่เปลี่ยนชื่อแล้ว" in information


def test_an_english_reader_gets_the_english_names(client, catalogue, editor_a):
    standard = Standard.objects.get(code="1101")
    client.force_login(editor_a)
    client.cookies["django_language"] = "en"
    page = client.get(URL).content.decode()
    assert 'lang="en"' in page and "Standards catalogue" in page
    assert standard.name_en and standard.name_en in section(page, "1101")


def test_the_number_of_queries_does_not_grow_with_the_catalogue(client, catalogue, editor_a):
    client.force_login(editor_a)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(URL).status_code == 200
        return len(captured)

    before = queries()
    for number in range(5):
        standard = Standard.objects.create(
            code=f"99{number:02d}", part="management", name_th=f"มาตรฐานทดลอง {number}",
            min_total_score=70, min_criterion_level=2,
        )  # fmt: skip
        Criterion.objects.bulk_create(
            Criterion(standard=standard, code=f"c{index}", name_th=f"เกณฑ์ {index}", order=index)
            for index in range(6)
        )
    assert queries() == before
    assert "มาตรฐานทดลอง 4" in client.get(URL).content.decode()


def test_someone_signed_out_is_sent_to_sign_in(client, catalogue):
    response = client.get(URL)
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_the_page_takes_no_post(client, catalogue, editor_a):
    client.force_login(editor_a)
    assert client.post(URL).status_code == 405
