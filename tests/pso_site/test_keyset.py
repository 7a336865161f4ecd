"""Keyset pagination gives, page by page, exactly the rows OFFSET paging of
the same ordering gives: every sort of the institute's lists, forwards and
backwards, with ties and NULLs, on SQLite and PostgreSQL."""

import datetime

import pytest
from django.core import signing
from django.db import connection
from django.db.models import OrderBy
from django.utils import timezone

from assessment.models import Project
from bench.generator import loadgen
from certification.forms import DashboardFilterForm, ProjectFilterForm
from certification.models import Certificate
from certification.selectors import projects_with_submitted_total
from pso_site.lib import keyset

pytestmark = pytest.mark.django_db

PAGE = 7


@pytest.fixture
def tangled(catalogue):
    """Generated projects (drafts without a submission date or certificate,
    submitted, certified), then ties everywhere: one submission time shared
    by several projects, agencies with the same name and province, and
    submitted projects whose date is missing."""
    loadgen.generate(loadgen.Size(agencies=24, projects_per_agency=2, missions=3, indicators=10, rounds=1))
    agencies = list(loadgen.generated_agencies().order_by("pk"))
    for agency in agencies[::3]:
        agency.name_th, agency.province = "หน่วยงานชื่อซ้ำ", "ลำปาง"
        agency.save(update_fields=["name_th", "province"])
    submitted = list(Project.objects.exclude(status=Project.Status.DRAFT).order_by("pk"))
    moment = timezone.make_aware(datetime.datetime(2026, 1, 5, 9, 30))
    Project.objects.filter(pk__in=[p.pk for p in submitted[::4]]).update(submitted_at=moment)
    Project.objects.filter(pk__in=[p.pk for p in submitted[1::9]]).update(submitted_at=None)
    assert Certificate.objects.exists() and Project.objects.filter(certificate__isnull=True).exists()


def reversed_ordering(queryset):
    return queryset.order_by(
        *[
            OrderBy(
                t.expression,
                descending=not t.descending,
                nulls_first=(not t.nulls_first) or None,
                nulls_last=t.nulls_first or None,
            )
            for t in keyset.terms_of(queryset)
        ]
    )


def orderings():
    """(name, queryset) for every sort of the lists and the dashboard, and each reversed."""
    base = projects_with_submitted_total(Project.objects.all()).select_related("certificate")
    for form_class in (ProjectFilterForm, DashboardFilterForm):
        for sort in form_class.SORTS:
            kwargs = {} if form_class is DashboardFilterForm else {"statuses": Project.Status}
            queryset = form_class({"sort": sort}, **kwargs).filter(base)
            yield f"{form_class.__name__}:{sort}", queryset
            yield f"{form_class.__name__}:{sort} reversed", reversed_ordering(queryset)


def offset_pages(queryset) -> list[list[int]]:
    """The pages OFFSET paging gives with the ordering made explicit."""
    terms = keyset.terms_of(queryset)
    keyed = queryset.annotate(**{keyset.ALIAS.format(i): t.expression for i, t in enumerate(terms)})
    ordered = keyed.order_by(*keyset._order(terms))
    count = ordered.count()
    return [[p.pk for p in ordered[start : start + PAGE]] for start in range(0, count, PAGE)] or [[]]


@pytest.mark.parametrize("banded", [False, True], ids=["seek", "banded"])
def test_every_page_of_every_sort_is_the_offset_page_forwards_and_backwards(tangled, banded):
    walked = 0
    for name, queryset in orderings():
        expected = offset_pages(queryset)
        # Forwards from the first page by "next".
        page, got = keyset.paginate(queryset, "", page_size=PAGE, key=name, banded=banded), []
        while True:
            got.append([p.pk for p in page])
            assert page.number == len(got), name
            if not page.next_cursor:
                break
            page = keyset.paginate(queryset, page.next_cursor, page_size=PAGE, key=name, banded=banded)
        assert got == expected, name
        # Backwards from the last page by "previous".
        last = keyset.make_cursor(key=name, direction=keyset.LAST, number=len(expected))
        page, got = keyset.paginate(queryset, last, page_size=PAGE, key=name, banded=banded), []
        while True:
            got.insert(0, [p.pk for p in page])
            assert page.number == len(expected) - len(got) + 1, name
            if not page.previous_cursor:
                break
            page = keyset.paginate(queryset, page.previous_cursor, page_size=PAGE, key=name, banded=banded)
        assert got == expected, name
        walked += len(expected)
    assert walked > 16 * 8


def test_the_order_is_the_one_postgresql_gave_before(tangled):
    """NULLs are placed where PostgreSQL puts them by default, so on
    PostgreSQL the lists keep their order; SQLite now agrees with it."""
    for name, queryset in orderings():
        pages = [pk for page in offset_pages(queryset) for pk in page]
        if connection.vendor == "postgresql":
            assert pages == [p.pk for p in queryset], name
        assert sorted(pages) == sorted(p.pk for p in queryset), name


def test_a_jump_to_a_page_by_cursor_is_that_page(tangled):
    queryset = ProjectFilterForm({"sort": "certificate"}, statuses=Project.Status).filter(
        Project.objects.all()
    )
    expected = offset_pages(queryset)
    for number in range(2, len(expected) + 1):
        cursor = keyset.cursor_for_page(queryset, number, page_size=PAGE, key="certificate")
        page = keyset.paginate(queryset, cursor, page_size=PAGE, key="certificate")
        assert [p.pk for p in page] == expected[number - 1]
        assert page.number == number


@pytest.mark.parametrize(
    "cursor",
    [
        "garbage",
        "",
        "e30:1tVbQ:bad",
        signing.dumps({"k": "submitted", "d": "n", "n": 2, "v": [None, 1]}, salt="another"),
        "%00%ff",
        "a" * 5000,
    ],
)
def test_a_cursor_that_is_not_ours_gives_the_first_page(tangled, cursor):
    queryset = ProjectFilterForm({}, statuses=Project.Status).filter(Project.objects.all())
    page = keyset.paginate(queryset, cursor, page_size=PAGE, key="submitted")
    assert [p.pk for p in page] == offset_pages(queryset)[0]
    assert page.number == 1 and not page.has_previous
    assert page.stale == bool(cursor)


def test_a_cursor_of_another_sort_or_shape_gives_the_first_page(tangled):
    queryset = ProjectFilterForm({"sort": "agency"}, statuses=Project.Status).filter(Project.objects.all())
    first = offset_pages(queryset)[0]
    for cursor in (
        keyset.make_cursor(key="province", direction=keyset.NEXT, number=2, values=["ลำปาง", "x", 1]),
        keyset.make_cursor(key="agency", direction=keyset.NEXT, number=2, values=["x", 1]),
        keyset.make_cursor(key="agency", direction="sideways", number=2, values=["x", 2026, 1]),
        keyset.make_cursor(key="agency", direction=keyset.NEXT, number="2", values=["x", 2026, 1]),
        keyset.make_cursor(key="agency", direction=keyset.NEXT, number=2, values=[{"dt": "yesterday"}, 1, 1]),
        keyset.make_cursor(key="agency", direction=keyset.NEXT, number=2, values=[{"zz": "1"}, 1, 1]),
    ):
        page = keyset.paginate(queryset, cursor, page_size=PAGE, key="agency")
        assert page.stale and [p.pk for p in page] == first


def test_a_stale_cursor_still_answers(tangled):
    """A cursor made before the data changed (its row gone, its page now
    past the end) answers with what is after it, never an error."""
    queryset = ProjectFilterForm({"sort": "oldest"}, statuses=Project.Status).filter(Project.objects.all())
    far = timezone.make_aware(datetime.datetime(2999, 1, 1))
    cursor = keyset.make_cursor(key="oldest", direction=keyset.NEXT, number=99, values=[far, 10**9])
    page = keyset.paginate(queryset, cursor, page_size=PAGE, key="oldest")
    nulls = list(queryset.filter(submitted_at__isnull=True).order_by("pk").values_list("pk", flat=True))
    assert [p.pk for p in page] == nulls[:PAGE]
    assert page.number <= page.num_pages
    early = timezone.make_aware(datetime.datetime(1999, 1, 1))
    back = keyset.make_cursor(key="oldest", direction=keyset.PREVIOUS, number=5, values=[early, 0])
    page = keyset.paginate(queryset, back, page_size=PAGE, key="oldest")
    assert page.number == 1 and not page.has_previous and page.has_next
    assert [p.pk for p in page] == offset_pages(queryset)[0]
