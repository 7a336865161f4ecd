"""The whole demo, in the order a real agency would have lived it:
the catalogue, the Lampang cohort and people, the institute's (demo)
signatory, the Lampang Provincial Office's P.S.O. 1101 project of B.E.
2544 — assessed, planned, re-assessed, submitted, reviewed and certified
(9 ตุลาคม 2544 – 8 ตุลาคม 2547, so expired today) — and its renewal for the
current cycle, in progress.

Every change goes through the same services as the pages."""

import datetime
import hashlib
import io

from django.contrib.auth import get_user_model

from agencies.catalogue import catalogue_load, read_catalogue
from agencies.demo import demo_agencies_seed, demo_users_seed
from assessment.concurrency import snapshot_token
from assessment.demo import demo_lampang_project_seed, reference
from assessment.models import Project
from assessment.progress import progress_refresh
from certification import services as certification
from certification.demo import demo_institute_seed
from certification.models import Decision
from certification.selectors import current_review, review_rows
from plans.demo import demo_lampang_plan_seed

SUBMITTED_ON = datetime.datetime(2001, 10, 1, 10, 0, tzinfo=datetime.UTC)
DECIDED_ON = datetime.datetime(2001, 10, 9, 10, 0, tzinfo=datetime.UTC)
REVIEW_COMMENT = "ตรวจเอกสารและหลักฐานแล้ว สอดคล้องกับผลการประเมินตนเอง"
OVERALL_COMMENT = "หน่วยงานมีระบบข้อมูลครบถ้วนตามเกณฑ์ ควรดำเนินแผนระยะกลางและระยะยาวต่อเนื่อง"


def historic_certification(project: Project) -> Project:
    """Submit, review and certify the B.E. 2544 project, back-dated."""
    if project.status != Project.Status.DRAFT:
        return project
    users = get_user_model().objects
    head = users.get(username="lampang_head")
    committee = users.get(username="committee")
    certification.project_submit(project_id=project.pk, user=head, submitted_at=SUBMITTED_ON)
    review = current_review(project)
    levels = [
        certification.ReviewLevel(criterion_id=row.criterion_id, level=None, comment=REVIEW_COMMENT, step=6)
        for row in review_rows(review)
    ]
    certification.project_decide(
        project_id=project.pk,
        user=committee,
        kind=Decision.Kind.CERTIFY,
        reason="ผ่านการรับรองมาตรฐาน P.S.O. 1101 ระบบข้อมูล",
        valid_from=datetime.date.fromisoformat(reference()["step9_certificate"]["valid_from"]),
        decided_at=DECIDED_ON,
        token=snapshot_token(certification.review_section(review).snapshot(project)),
        overall_comment=OVERALL_COMMENT,
        levels=levels,
    )
    project.refresh_from_db()
    return project


def renewal_seed(project: Project) -> Project:
    editor = get_user_model().objects.get(username="lampang_editor")
    renewal, _created = certification.project_renew(project_id=project.pk, user=editor)
    return renewal


def demo_photograph(caption_colour: tuple[int, int, int]) -> bytes:
    """A small photograph-like JPEG (a sky, a building, a lawn), made here."""
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (480, 320), (170, 205, 235))
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 230, 480, 320), fill=(110, 160, 90))
    draw.rectangle((120, 110, 360, 240), fill=caption_colour)
    draw.polygon([(100, 115), (240, 50), (380, 115)], fill=(150, 60, 50))
    for x in range(145, 340, 45):
        draw.rectangle((x, 140, x + 25, 175), fill=(240, 240, 220))
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=80)
    return out.getvalue()


def demo_document_pdf(title: str, lines: list[str]) -> bytes:
    """A one-page PDF note in Thai, rendered as the site renders its PDFs."""
    from django.utils.html import escape

    from certification.rendering import html_to_pdf

    body = "".join(f"<p>{escape(line)}</p>" for line in lines)
    return html_to_pdf(
        '<html lang="th"><head><style>@page { size: A5; margin: 15mm } body { font-family: Sarabun }</style>'
        f"</head><body><h1>{escape(title)}</h1>{body}</body></html>"
    )


DEMO_EVIDENCE = [
    # (file name, how it is made, MIME type, cell: (mission order, indicator order))
    ("ภาพถ่ายห้องเก็บเอกสารข้อมูลจังหวัด.jpg", lambda: demo_photograph((230, 225, 200)), "image/jpeg", (0, 0)),
    ("ภาพถ่ายการประชุมทบทวนข้อมูล.jpg", lambda: demo_photograph((210, 200, 230)), "image/jpeg", (1, 1)),
    (
        "บันทึกการประชุมคณะทำงานระบบข้อมูล.pdf",
        lambda: demo_document_pdf(
            "บันทึกการประชุมคณะทำงานระบบข้อมูล",
            ["ครั้งที่ 3/2544 ณ ห้องประชุมศาลากลางจังหวัดลำปาง", "ทบทวนความครบถ้วนและความถูกต้องของข้อมูลจังหวัด"],
        ),
        "application/pdf",
        (0, 2),
    ),
]


def demo_evidence_seed(project: Project, *, user) -> None:
    """A few evidence files (photographs and a PDF) on cells of the latest
    round, so that the issued dossiers carry them inside."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from assessment import services as assessment
    from assessment.models import EvidenceFile

    latest = project.rounds.order_by("-number").first()
    if latest is None or EvidenceFile.objects.filter(cell__round=latest).exists():
        return
    missions = list(project.missions.order_by("order", "pk"))
    indicators = list(project.indicators.order_by("criterion__order", "order", "pk"))
    for name, make, kind, (mission, indicator) in DEMO_EVIDENCE:
        cell = latest.cells.get(mission=missions[mission], indicator=indicators[indicator])
        content = make()
        assessment.evidence_attach(
            project_id=project.pk,
            round_number=latest.number,
            cell_id=cell.pk,
            user=user,
            upload=SimpleUploadedFile(name, content, content_type=kind),
            sha256=hashlib.sha256(content).hexdigest(),
            content_type=kind,
        )


def demo_seed(*, password: str) -> dict:
    catalogue_load(data=read_catalogue())
    agencies = demo_agencies_seed()
    users = demo_users_seed(password=password, agencies=agencies)
    demo_institute_seed()
    editor = get_user_model().objects.get(username="lampang_editor")
    lampang = demo_lampang_project_seed(user=editor)
    demo_lampang_plan_seed(lampang, user=editor)
    demo_evidence_seed(lampang, user=editor)
    lampang = historic_certification(lampang)
    renewal = renewal_seed(lampang)
    progress_refresh(Project.objects.filter(agency__in=agencies.values()))
    return {"users": users, "historic": lampang, "renewal": renewal}
