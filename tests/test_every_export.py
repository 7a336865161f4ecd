"""Every export opens (issue 23): each XLSX and CSV download that a page
offers, to each kind of person who may read it, on projects whose
certificates are valid, expiring and revoked.

The downloads are not listed by hand: each person's pages are walked from
the lists and the projects, and every link to a ``.xlsx``/``.csv`` address
or with a ``download=`` parameter is fetched. A workbook must load with
openpyxl, with real dates in the Buddhist era and no formula; a CSV file
must be UTF-8 with a byte-order mark, rectangular, with ISO 8601 dates each
followed by its Buddhist-era column. Then, in English, each download's
header is compared with the one written down here.

So that a new export cannot slip past: every URL pattern ending in
``.xlsx`` or ``.csv`` must have been reached, every template that links to
a download must have been rendered, every function of the code that builds
an XLSX or CSV response must be one this file knows, and every download
found must have its expected header here."""

import ast
import csv
import datetime
import io
import re
from collections import defaultdict
from html.parser import HTMLParser
from itertools import chain
from pathlib import Path
from urllib.parse import parse_qsl, urljoin, urlsplit

import pytest
from django.conf import settings
from django.urls import Resolver404, URLResolver, get_resolver, resolve, reverse
from django.utils import timezone, translation
from openpyxl import load_workbook

from agencies.models import AccessEvent, Standard
from assessment import services
from certification import services as certification
from certification.models import Certificate
from plans.models import Activity, Plan, ProgressUpdate
from pso_site.lib.xlsx import BE_DATE, BE_DATETIME, CELL_MAX_CHARACTERS, XLSX
from tests.conftest import make_user, second_factor_device
from tests.pages import grow
from tests.policy import expected

pytestmark = pytest.mark.django_db

ROOT = Path(settings.BASE_DIR)
TEMPLATES = ROOT / "templates"
APPS = ("agencies", "assessment", "plans", "certification", "pso_site")

# The pages walked: a person's project pages and the institute's lists.
WALKED = ("assessment:", "plans:", "certification:")
# Files that are not exports (evidence, dossiers, certificates, the archive).
NOT_PAGES = {
    "assessment:evidence",
    "plans:activity_evidence",
    "certification:dossier",
    "certification:dossier_issued",
    "certification:certificate_pdf",
    "certification:archive",
}
EXPORT_SUFFIXES = (".xlsx", ".csv")

LIST_CSV = [
    "Agency",
    "Agency code",
    "Province",
    "Standard",
    "Fiscal year",
    "Submitted",
    "Submitted (B.E.)",
    "Self-assessed total",
    "Status",
    "Certificate",
    "Valid until",
    "Valid until (B.E.)",
    "Certificate today",
]
LIST_XLSX = [header for header in LIST_CSV if not header.endswith("(B.E.)")]
PLANS_CSV = [
    "Plan",
    "Criteria",
    "Activity",
    "Phase",
    "Start date",
    "Start date (B.E.)",
    "End date",
    "End date (B.E.)",
    "Responsible",
    "Budget (baht)",
    "Expected result",
    "Status",
    "Percent done",
    "Last update",
    "Last update (B.E.)",
]
PROGRESS_CSV = ["Plan", "Activity", "Date", "Date (B.E.)", "Status", "Percent done", "Note", "By"]
CRITERIA = ["Criterion", "Weight", "Level", "Points", "Target", "Gap"]
MISSIONS = ["Number", "Mission", "Category", "Points", "Score"]
ROUNDS = ["Criterion", "Round 1", "Round 2", "Target"]

# Each download, by (URL name, ?table=, ?download=): its header in English.
# A workbook: (row of the header on the first sheet, the header or its start).
EXPECTED_CSV = {
    ("certification:committee_queue", None, "csv"): LIST_CSV,
    ("certification:audit", None, "csv"): LIST_CSV,
    ("certification:dashboard", None, "csv"): LIST_CSV,
    ("assessment:results_csv", "criteria", None): CRITERIA,
    ("assessment:results_csv", "missions", None): MISSIONS,
    ("assessment:results_csv", "rounds", None): ROUNDS,
    ("plans:csv", "activities", None): PLANS_CSV,
    ("plans:csv", "progress", None): PROGRESS_CSV,
}
EXPECTED_XLSX = {
    ("certification:committee_queue", None, "xlsx"): (1, LIST_XLSX),
    ("certification:audit", None, "xlsx"): (1, LIST_XLSX),
    ("certification:dashboard", None, "xlsx"): (1, LIST_XLSX),
    ("assessment:results_workbook", None, None): (3, CRITERIA),
    ("plans:workbook", None, None): (1, [header for header in PLANS_CSV if not header.endswith("(B.E.)")]),
    ("assessment:workbook", None, None): (2, ["Number", "Mission"]),
}

# The functions that build an XLSX or CSV response, and where this file covers them.
EXPORTING_FUNCTIONS = {
    ("assessment/views/results.py", "results_workbook"): "walked",
    ("assessment/views/results.py", "results_csv"): "walked",
    ("assessment/views/workbook.py", "workbook_download"): "walked",
    ("plans/views.py", "plans_workbook"): "walked",
    ("plans/views.py", "plans_csv"): "walked",
    ("certification/views/review.py", "project_list"): "walked: the lists' download=",
    ("certification/workbooks.py", "list_download"): "walked: the lists' download=",
    ("agencies/admin.py", "export_csv"): "test_the_access_log_exports_a_csv_file_that_opens",
}
EXPORT_NAMES = {"csv_response", "table_csv_response", "workbook_response", "list_download", "XLSX", "CSV"}

ISO_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})( \d{2}:\d{2})?")
BE_TEXT = re.compile(r"(\d{1,2}) (\S+) (\d{4})( \d{2}:\d{2})?")
AMBIGUOUS_DATE = re.compile(r"\d{1,2}/\d{1,2}/\d{4}")


class Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.hrefs = []

    def handle_starttag(self, tag, attrs):
        href = dict(attrs).get("href")
        if tag == "a" and href and not href.startswith(("#", "mailto:", "http:", "https:", "//")):
            self.hrefs.append(href)


def links(html: str) -> list[str]:
    parser = Links()
    parser.feed(html)
    return parser.hrefs


def is_export(path: str, query: dict) -> bool:
    return path.endswith(EXPORT_SUFFIXES) or "download" in query


def export_key(view_name: str, query: dict) -> tuple:
    return (view_name, query.get("table"), query.get("download"))


def page_key(match, query: dict) -> tuple:
    """One visit per kind of page: the same page of another project, another
    object or another sort order adds no link of another kind."""
    kept = {name: value for name, value in match.kwargs.items() if name in ("number", "role")}
    return (match.view_name, tuple(sorted(kept.items())), frozenset(query) - {"sort", "page"})


# Projects with certificates ------------------------------------------------


def _grown(agency, editor, head, year: int):
    project = services.project_create(
        agency=agency, standard=Standard.objects.get(code="1101"), fiscal_year=year, user=editor
    )
    grow(project, editor, missions=3, indicators_per_criterion=1, rounds=2, plans=1, activities=2)
    certification.project_submit(project_id=project.pk, user=head)
    return project


@pytest.fixture
def landscape(catalogue, agency_a, editor_a, head_a, committee_member):
    """Agency A's projects: certified (valid), certified and ending within
    the reminders' reach (expiring), revoked, and one waiting for the
    committee; each with two rounds and plans, one with text that a
    workbook refuses or would run."""
    valid, expiring, revoked, waiting = (
        _grown(agency_a, editor_a, head_a, year) for year in range(2024, 2028)
    )
    for project in (valid, expiring, revoked):
        certification.project_decide(project_id=project.pk, user=committee_member, kind="certify")
    Certificate.objects.filter(project=expiring).update(
        valid_until=timezone.localdate() + datetime.timedelta(days=30)
    )
    certification.certificate_revoke(
        certificate_id=Certificate.objects.get(project=revoked).pk, user=committee_member, reason="ยกเลิก"
    )
    # Written before submission in real life; here straight into the rows.
    plan = Plan.objects.filter(project__in=[valid, expiring, revoked, waiting]).order_by("pk").first()
    activity = Activity.objects.filter(plan=plan).order_by("pk").first()
    Activity.objects.filter(pk=activity.pk).update(expected_result="ผลที่คาดหวัง " * 4000)
    ProgressUpdate.objects.filter(activity=activity).update(note="=1+1\x0bบันทึก\x01")
    Activity.objects.create(
        plan=plan, title="กิจกรรมที่ยังไม่เริ่ม", phase=Activity.Phase.LONG, start_date=datetime.date(2026, 1, 1)
    )
    return {"valid": valid, "expiring": expiring, "revoked": revoked, "waiting": waiting}


# Checking one file -----------------------------------------------------------


def buddhist_header(header: str) -> str:
    from django.utils.translation import gettext

    return gettext("%(column)s (B.E.)") % {"column": header}


def check_csv(response, url) -> list[str]:
    assert response["Content-Type"].startswith("text/csv"), url
    assert response.content.startswith(b"\xef\xbb\xbf"), f"{url}: no byte-order mark, Excel shows no Thai"
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"), newline="")))
    assert rows and rows[0] and all(rows[0]), f"{url}: no header"
    header, *body = rows
    for row in body:
        assert len(row) == len(header), f"{url}: a row of {len(row)} fields under {len(header)} headers"
        ambiguous = [field for field in row if AMBIGUOUS_DATE.fullmatch(field)]
        assert not ambiguous, f"{url}: {ambiguous} reads as another date in a Gregorian spreadsheet"
    pairs = [i for i in range(1, len(header)) if header[i] == buddhist_header(header[i - 1])]
    for i in pairs:
        for row in body:
            iso, be = row[i - 1], row[i]
            assert (iso == "") == (be == ""), (url, header[i - 1], iso, be)
            if iso:
                found, words = ISO_DATE.fullmatch(iso), BE_TEXT.fullmatch(be)
                assert found and words, (url, header[i - 1], iso, be)
                assert int(words[1]) == int(found[3]) and int(words[3]) == int(found[1]) + 543, (iso, be)
    return header


def check_xlsx(response, url):
    assert response["Content-Type"] == XLSX, url
    book = load_workbook(io.BytesIO(response.content))
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                where = f"{url} {sheet.title}!{cell.coordinate}"
                assert cell.data_type != "f", f"{where} is a formula"
                if cell.is_date:
                    assert cell.number_format in (BE_DATE, BE_DATETIME), f"{where}: {cell.number_format}"
                if isinstance(cell.value, str):
                    assert len(cell.value) <= CELL_MAX_CHARACTERS, f"{where}: longer than Excel keeps"
    return book


def check(response, url):
    assert response.status_code == 200, (url, response.status_code)
    if response["Content-Type"].startswith("text/csv"):
        return check_csv(response, url)
    return check_xlsx(response, url)


# Walking the pages -----------------------------------------------------------


def walk(client, start: list[str]):
    """The pages reachable from ``start`` (as the client's person), the
    downloads they offer, and the templates rendered."""
    queue, seen, exports, templates = list(start), set(), {}, set()
    seeded = set(start)
    while queue:
        url = queue.pop(0)
        parts = urlsplit(url)
        key = page_key(resolve(parts.path), dict(parse_qsl(parts.query)))
        if key in seen and url not in seeded:
            continue
        seen.add(key)
        seeded.discard(url)  # a seed is opened once too
        response = client.get(url)
        if response.status_code != 200 or not response["Content-Type"].startswith("text/html"):
            continue
        templates |= {template.name for template in response.templates if template.name}
        for link in links(response.content.decode()):
            href = urljoin(url, link)  # the lists' downloads are "?…&download=xlsx"
            target = urlsplit(href)
            query = dict(parse_qsl(target.query))
            try:
                found = resolve(target.path)
            except Resolver404:  # static files and the like
                continue
            if is_export(target.path, query):
                # Each filter once (certified, revoked …), whatever the order or page.
                filters = frozenset((k, v) for k, v in query.items() if k not in ("sort", "page"))
                variant = (export_key(found.view_name, query), filters)
                exports.setdefault(variant, href)
            elif found.view_name.startswith(WALKED) and found.view_name not in NOT_PAGES:
                queue.append(href)
    return exports, templates


def starting_pages(projects) -> list[str]:
    lists = [reverse(name) for name in ("certification:dashboard", "certification:committee_queue")]
    lists += [reverse("certification:audit")]
    filtered = [f"{url}?status={status}" for url in lists for status in ("certified", "revoked")]
    return [
        reverse("home"),
        *lists,
        *filtered,
        *(reverse("assessment:project", args=[p.pk]) for p in projects),
    ]


def test_every_download_opens_for_everyone_who_may_read_it(
    client, landscape, head_a, editor_a, viewer_a, committee_member, auditor, standards_admin
):
    people = {
        "head": head_a,
        "editor": editor_a,
        "viewer": viewer_a,
        "committee": committee_member,
        "auditor": auditor,
        "admin": standards_admin,
    }
    fetched = defaultdict(set)  # URL name → who fetched it
    first = {}  # download → (person, URL), to read again in English
    rendered = set()
    for persona, user in people.items():
        client.force_login(user)
        exports, templates = walk(client, starting_pages(landscape.values()))
        rendered |= templates
        for (key, _query), url in sorted(exports.items(), key=lambda item: item[1]):
            check(client.get(url), f"{url} as {persona}")
            fetched[key[0]].add(persona)
            first.setdefault(key, (user, url))

    # Everyone the policy lets read a download was offered it (a certified project's policy).
    for name, personas in sorted(fetched.items()):
        allowed = {persona for persona in people if expected(name, "certified")[persona] == 200}
        assert allowed <= personas, f"{name}: not offered to {sorted(allowed - personas)}"

    # Each download in English: its header as written down above.
    unknown = set(first) - set(EXPECTED_CSV) - set(EXPECTED_XLSX)
    assert not unknown, f"write down the header of these downloads: {sorted(unknown, key=str)}"
    missing = (set(EXPECTED_CSV) | set(EXPECTED_XLSX)) - set(first)
    assert not missing, f"no page offered these downloads: {sorted(missing, key=str)}"
    for key, (user, url) in first.items():
        client.force_login(user)
        response = client.get(url, HTTP_ACCEPT_LANGUAGE="en")
        with translation.override("en"):
            result = check(response, url)
        if key in EXPECTED_CSV:
            assert result == EXPECTED_CSV[key], url
        else:
            row, header = EXPECTED_XLSX[key]
            values = [cell.value for cell in result.worksheets[0][row]][: len(header)]
            assert values == header, url

    # Every address of a file to open in a spreadsheet was reached.
    assert export_routes() <= set(fetched), f"not reached: {export_routes() - set(fetched)}"
    # Every template that links to a download was rendered on the way.
    assert templates_offering_downloads() <= rendered, templates_offering_downloads() - rendered


def export_routes() -> set[str]:
    """The URL names whose address ends in .xlsx or .csv."""
    names = set()

    def walk_patterns(patterns, namespace):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                walk_patterns(pattern.url_patterns, pattern.namespace or namespace)
            elif pattern.name and str(pattern.pattern).endswith(EXPORT_SUFFIXES):
                names.add(f"{namespace}:{pattern.name}" if namespace else pattern.name)

    walk_patterns(get_resolver().url_patterns, None)
    return names


URL_TAG = re.compile(r"""\{%\s*url\s+['"]([\w:]+)['"]""")


def templates_offering_downloads() -> set[str]:
    routes = export_routes()
    offering = set()
    for path in TEMPLATES.rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        if "download=" in text or routes & set(URL_TAG.findall(text)):
            offering.add(path.relative_to(TEMPLATES).as_posix())
    return offering


def exporting_functions() -> set[tuple[str, str]]:
    """The functions of the code that name a way to answer with XLSX or CSV."""
    found = set()
    for path in chain.from_iterable((ROOT / app).rglob("*.py") for app in APPS):
        relative = path.relative_to(ROOT).as_posix()
        if relative == "pso_site/lib/xlsx.py" or "/migrations/" in relative:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                names = {n.id for n in ast.walk(node) if isinstance(n, ast.Name)}
                names |= {n.attr for n in ast.walk(node) if isinstance(n, ast.Attribute)}
                if names & EXPORT_NAMES:
                    found.add((relative, node.name))
    return found


def test_every_function_that_answers_a_spreadsheet_is_covered_here():
    assert exporting_functions() == set(EXPORTING_FUNCTIONS), (
        "a new XLSX or CSV export: link it from a page (the walk finds it) and add it to "
        "EXPORTING_FUNCTIONS, or cover it with a test of its own here"
    )


def test_the_access_log_exports_a_csv_file_that_opens(client, landscape, head_a):
    """The Django admin's access log: its CSV action, as the site's superuser."""
    client.force_login(head_a)
    client.get(reverse("plans:csv", args=[landscape["valid"].pk]))  # an export, logged
    root = make_user("root", is_superuser=True, is_staff=True)
    second_factor_device(root)
    client.force_login(root)
    events = list(AccessEvent.objects.values_list("pk", flat=True))
    assert events
    response = client.post(
        reverse("admin:agencies_accessevent_changelist"),
        {"action": "export_csv", "_selected_action": events},
    )
    header = check(response, "access log")
    assert len(header) == 6


# The writer itself -----------------------------------------------------------


def test_a_lazy_translation_is_written_as_its_text_in_the_language_of_the_download():
    from django.utils.translation import gettext_lazy

    from pso_site.lib.xlsx import new_workbook, put

    _book, sheet = new_workbook()
    with translation.override("th"):
        cell = put(sheet, 1, 1, gettext_lazy("Status"))
    assert cell.value == "สถานะ" and cell.data_type == "s"
    assert put(sheet, 1, 2, Path("a/b")).value == "a/b"  # any other type: its text
    assert put(sheet, 1, 3, "ก\x0bข\x00").value == "กข"  # what a workbook refuses is left out


def test_csv_dates_are_iso_with_the_buddhist_era_beside_them():
    from pso_site.lib.xlsx import DateColumn, csv_response

    at = timezone.make_aware(datetime.datetime(2026, 12, 7, 7, 5), datetime.UTC)  # 14:05 in Bangkok
    with translation.override("en"):
        response = csv_response(
            ["Name", DateColumn("Day"), DateColumn("When"), "Gap", "Count"],
            [["=cmd", datetime.date(2026, 12, 7), at, -1, -3], ["", None, None, None, 0]],
            "x.csv",
        )
    header, first, empty = csv.reader(io.StringIO(response.content.decode("utf-8-sig")))
    assert header == ["Name", "Day", "Day (B.E.)", "When", "When (B.E.)", "Gap", "Count"]
    assert first == [
        "'=cmd",
        "2026-12-07",
        "7 ธ.ค. 2569",
        "2026-12-07 14:05",
        "7 ธ.ค. 2569 14:05",
        "-1",
        "-3",
    ]
    assert empty == ["", "", "", "", "", "", "0"]
