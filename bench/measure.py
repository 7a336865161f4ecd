"""Measure one generated database (``bench/run.py`` calls this once per
size): each main page's server time and queries against a bare view on the
same stack, the list queries' plans, a grid save, and the demo dossier
against raw WeasyPrint. Prints one JSON object.

Run in-process with Django's test client: "server time" is the time from
request to response through the whole middleware stack, templates and
database, without the network and the WSGI server.
"""

import json
import os
import re
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import quote

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pso_site.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, override_settings  # noqa: E402
from django.urls import reverse  # noqa: E402

from assessment.models import Assessment, Project  # noqa: E402
from bench.generator.loadgen import generated_agencies, real_projects  # noqa: E402
from certification import access  # noqa: E402
from certification.forms import STATUSES_FOR_INSTITUTE, ProjectFilterForm, search_condition  # noqa: E402
from certification.models import Certificate  # noqa: E402
from certification.selectors import projects_with_submitted_total  # noqa: E402
from certification.views.review import PAGE_SIZE  # noqa: E402
from pso_site.lib import keyset  # noqa: E402

REPEAT = int(os.environ.get("BENCH_REPEAT", "15"))


def timed(client, url, repeat=REPEAT):
    for _ in range(2):
        client.get(url)
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - start) * 1000)
    assert response.status_code == 200, (url, response.status_code)
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    times.sort()
    return {
        "p50_ms": round(statistics.median(times), 2),
        "p95_ms": round(times[max(0, int(len(times) * 0.95) - 1)], 2),
        "queries": len(queries),
        "kb": round(len(response.content) / 1024, 1),
    }


def signed_in(username):
    """A client signed in as a person does, both steps for the institute's
    people: their authenticator (one made for the bench, if they have none)
    is the session's second factor."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from agencies import twofactor

    user = get_user_model().objects.get(username=username)
    client = Client()
    client.force_login(user)
    if twofactor.required(user):
        device, _created = TOTPDevice.objects.get_or_create(user=user, defaults={"name": "bench"})
        twofactor.session_given(client.session, device)
    return client


def deep_pages(committee, auditor):
    """The two lists at depth, for each sort: page 1, the middle page, and
    the last page reached by "next" and by the "last page" link, with
    cursors made as the pages make them (keyset paging: a deep page should
    cost what the first does)."""
    member = get_user_model().objects.get(username="gen-committee-1")
    lists = [
        (
            "committee queue",
            committee,
            reverse("certification:committee_queue"),
            access.projects_for_committee_member(member).filter(status__in=access.REVIEWABLE),
        ),
        ("auditors' list", auditor, reverse("certification:audit"), access.projects_for_institute()),
    ]
    rows = []
    for name, client, url, base in lists:
        for sort in ProjectFilterForm.SORTS:
            projects = ProjectFilterForm({"sort": sort}, statuses=STATUSES_FOR_INSTITUTE).filter(
                projects_with_submitted_total(base).select_related("certificate")
            )
            pages = max(1, -(-projects.count() // PAGE_SIZE))

            def at(number, projects=projects, sort=sort):
                return quote(keyset.cursor_for_page(projects, number, page_size=PAGE_SIZE, key=sort))

            rows.append((f"{name} · {sort} · page 1", client, f"{url}?sort={sort}"))
            if pages > 3:
                middle = pages // 2
                rows.append(
                    (f"{name} · {sort} · page {middle}", client, f"{url}?sort={sort}&cursor={at(middle)}")
                )
            if pages > 1:
                last = quote(keyset.make_cursor(key=sort, direction=keyset.LAST, number=pages))
                rows.append(
                    (
                        f"{name} · {sort} · page {pages} by next",
                        client,
                        f"{url}?sort={sort}&cursor={at(pages)}",
                    )
                )
                rows.append(
                    (
                        f"{name} · {sort} · page {pages} by last link",
                        client,
                        f"{url}?sort={sort}&cursor={last}",
                    )
                )
    return rows


def pages():
    editable = (
        Project.objects.filter(agency__in=generated_agencies(), status=Project.Status.DRAFT)
        .select_related("agency")
        .first()
    )
    submitted = Project.objects.filter(
        agency__in=generated_agencies(), status__in=access.REVIEWABLE, reviews__isnull=False
    ).first()
    certificate = (
        Certificate.objects.filter(project__agency__in=generated_agencies()).select_related("project").first()
    )
    editor = signed_in(f"{editable.agency.code}-editor")
    committee = signed_in("gen-committee-1")
    auditor = signed_in("gen-auditor-1")
    anonymous = Client()
    latest = editable.rounds.order_by("-number").first().number
    prefix = certificate.number.rsplit("-", 1)[0]
    return (
        editable,
        [
            ("bare view (editor signed in)", editor, "/bench/ok/"),
            ("home · editor", editor, reverse("home")),
            ("project overview", editor, reverse("assessment:project", args=[editable.pk])),
            ("step 3 missions", editor, reverse("assessment:step", args=[editable.pk, 3])),
            ("step 5 indicators", editor, reverse("assessment:step", args=[editable.pk, 5])),
            ("step 6 grid (first block)", editor, reverse("assessment:round", args=[editable.pk, latest])),
            ("results", editor, reverse("assessment:results", args=[editable.pk])),
            ("step 7 plans", editor, reverse("plans:step", args=[editable.pk, 7])),
            ("step 9 readiness", editor, reverse("certification:step9", args=[editable.pk])),
            ("history", editor, reverse("assessment:history", args=[editable.pk])),
            ("home · committee", committee, reverse("home")),
            ("committee queue", committee, reverse("certification:committee_queue")),
            (
                "committee queue · sort by agency",
                committee,
                reverse("certification:committee_queue") + "?sort=agency",
            ),
            ("review page", committee, reverse("certification:review", args=[submitted.pk])),
            ("home · auditor", auditor, reverse("home")),
            ("auditors' list", auditor, reverse("certification:audit")),
            (
                "auditors' list · search agency",
                auditor,
                reverse("certification:audit") + "?q=%E0%B8%97%E0%B8%B5%E0%B9%88+77",
            ),
            (
                "auditors' list · certificate prefix",
                auditor,
                reverse("certification:audit") + f"?q={prefix}&sort=certificate",
            ),
            (
                "auditors' list · province",
                auditor,
                reverse("certification:audit")
                + "?province=%E0%B8%A5%E0%B8%B3%E0%B8%9B%E0%B8%B2%E0%B8%87&sort=agency",
            ),
            ("certificate", auditor, reverse("certification:certificate", args=[certificate.project_id])),
            ("public verification", anonymous, reverse("verify", args=[certificate.token])),
            *(deep_pages(committee, auditor) if os.environ.get("BENCH_DEPTH", "1") == "1" else []),
        ],
        prefix,
    )


def plans(prefix):
    """Which index each list query uses (PostgreSQL's EXPLAIN)."""
    base = Project.objects.exclude(status=Project.Status.DRAFT).select_related("agency", "certificate")
    queries = {
        "search agency name": base.filter(search_condition("ที่ 77")).order_by("-submitted_at")[:20],
        "certificate prefix": base.filter(search_condition(prefix)).order_by("certificate__number")[:20],
        "province": base.filter(agency__province="ลำปาง").order_by("agency__name_th")[:20],
        "default order": base.order_by(*ProjectFilterForm.SORTS["submitted"])[:20],
    }
    return {
        name: [line.strip() for line in queryset.explain().splitlines() if "Scan" in line]
        for name, queryset in queries.items()
    }


def grid_save(project, repeat=10):
    """One changed cell: the save, the score computed again, the redirect."""
    client = signed_in(f"{project.agency.code}-editor")
    number = project.rounds.order_by("-number").first().number
    url = reverse("assessment:round", args=[project.pk, number])
    cell = Assessment.objects.filter(round__project=project, round__number=number).order_by("pk").first()
    times = []
    for attempt in range(repeat + 1):
        page = client.get(url)
        data = {
            "snapshot": re.search(r'name="snapshot" value="([^"]+)"', page.content.decode()).group(1),
            "block": 1,
            f"level-{cell.pk}": str(attempt % 4),
            f"just-{cell.pk}": f"แก้ครั้งที่ {attempt}",
        }
        start = time.perf_counter()
        response = client.post(url, data)
        elapsed = (time.perf_counter() - start) * 1000
        assert response.status_code == 302, response.status_code
        if attempt:
            times.append(elapsed)
    return {"p50_ms": round(statistics.median(times), 2), "max_ms": round(max(times), 2)}


def dossier(repeat=3):
    """The demo dossier as the product builds it (HTML from the record, then
    the PDF with the product's URL fetcher and text layer) against
    WeasyPrint alone rendering the same HTML."""
    from weasyprint import HTML

    from certification.dossier import dossier_html
    from certification.rendering import html_to_pdf

    demo = real_projects().order_by("pk").first()
    if demo is None:
        return None
    base_url = str(Path(settings.BASE_DIR) / "static" / "css")
    product, raw = [], []
    for _ in range(repeat):
        start = time.perf_counter()
        html = dossier_html(demo, draft=True)
        html_to_pdf(html)
        product.append(time.perf_counter() - start)
        start = time.perf_counter()
        HTML(string=html, base_url=base_url).write_pdf()
        raw.append(time.perf_counter() - start)
    product_s, raw_s = statistics.median(product), statistics.median(raw)
    return {
        "product_s": round(product_s, 2),
        "raw_weasyprint_s": round(raw_s, 2),
        "overhead_pct": round((product_s / raw_s - 1) * 100, 1),
    }


def main():
    with override_settings(ROOT_URLCONF="bench.urls", ALLOWED_HOSTS=["testserver"], DEBUG=False):
        editable, page_list, prefix = pages()
        results = {}
        for name, client, url in page_list:
            results[name] = timed(client, url)
        bare = results["bare view (editor signed in)"]["p50_ms"]
        for row in results.values():
            row["x_bare"] = round(row["p50_ms"] / bare, 1)
        output = {
            "database": connection.vendor,
            "projects": Project.objects.count(),
            "cells": Assessment.objects.count(),
            "pages": results,
            "plans": plans(prefix) if connection.vendor == "postgresql" else {},
            "grid_save": grid_save(editable),
            "dossier": dossier() if os.environ.get("BENCH_DOSSIER", "1") == "1" else None,
        }
    print(json.dumps(output, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
