"""The certification dossier (docs/domain.md §6): one HTML template rendered to
PDF by WeasyPrint, always in Thai.

Drafts are built on request, unsigned and marked as drafts on every page.
At submission, at each decision and at a revocation a dossier is *issued*
(and at certification and revocation the printable certificate too): the
record is created in the deciding transaction and the PDF is built by the
task worker after that transaction commits, from the committed record —
never under the project's lock. It is rendered as PDF/A-3b carrying the
project's record (``project.json``) and signed by the institute (PAdES,
pso_site.lib.signing); a failure of either never undoes the decision (the
document is marked failed and can be built again). Once built its bytes are
stored under their SHA-256 and never change: a later document names the
one it replaces (docs/dossier.md).
"""

import contextlib
import hashlib
import json
import logging
import re
from contextvars import ContextVar

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.files.base import ContentFile
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from assessment import history, results, scoring
from assessment.frame import ProjectState
from assessment.models import Assessment, ChangeEntry, EvidenceFile, Project
from certification import archive, drafts, printing, tasks
from certification.models import Certificate, Decision, DraftDossier, IssuedDossier
from certification.rendering import font_faces, html_to_archival_pdf, html_to_pdf, keep_mai_yamok
from certification.selectors import current_review, review_rows
from plans.models import ActivityEvidence
from plans.rules import plan_window
from plans.steps import plan_data
from plans.timeline import project_timeline_svg
from pso_site.lib import signing
from pso_site.lib.charts import RadarSeries, radar_svg
from pso_site.lib.dates import format_date
from pso_site.lib.pdf import EmbeddedFile, ProvidedResource
from pso_site.lib.qr import qr_svg

logger = logging.getLogger(__name__)


def _grid(state: ProjectState, assessment_round=None) -> dict:
    """The levels and justifications of a round (the latest unless given),
    by mission, in the order of the indicators."""
    assessment_round = assessment_round or state.latest_round
    cells = {}
    if assessment_round is not None:
        cells = {
            (cell.mission_id, cell.indicator_id): cell
            for cell in Assessment.objects.filter(round=assessment_round).only(
                "mission_id", "indicator_id", "level", "justification"
            )
        }
    indicators = state.data.indicators
    # A short code per indicator (criterion number . indicator number) heads
    # the matrix's narrow columns; the legend names each in full.
    position = {criterion.pk: number for number, criterion in enumerate(state.data.criteria, start=1)}
    counts: dict[int, int] = {}
    for indicator in indicators:
        counts[indicator.criterion_id] = counts.get(indicator.criterion_id, 0) + 1
        indicator.code = f"{position.get(indicator.criterion_id, 0)}.{counts[indicator.criterion_id]}"
    rows = [
        {
            "mission": mission,
            "cells": [(indicator, cells.get((mission.pk, indicator.pk))) for indicator in indicators],
        }
        for mission in state.data.missions
    ]
    return {"indicators": indicators, "rows": rows}


# The table of contents: the anchor each entry points to and its title.
CONTENTS = [
    ("step1", "ขั้นตอนที่ 1 วิสัยทัศน์"),
    ("step2", "ขั้นตอนที่ 2 พันธกิจและเป้าหมาย"),
    ("step3", "ขั้นตอนที่ 3 ภารกิจและการจัดลำดับความสำคัญ"),
    ("step4", "ขั้นตอนที่ 4 ตัวถ่วงน้ำหนัก"),
    ("step5", "ขั้นตอนที่ 5 ตัวชี้วัดและวิธีคิดคะแนน"),
    ("step6", "ขั้นตอนที่ 6 ผลการประเมินสถานภาพ"),
    ("results", "ผลคะแนนรายเกณฑ์"),
    ("step7", "ขั้นตอนที่ 7 แผนยกระดับ"),
    ("step8", "ขั้นตอนที่ 8 การดำเนินการยกระดับ"),
    ("step9", "ขั้นตอนที่ 9 การขอการรับรองและผลการพิจารณา"),
    ("certificate", "ใบรับรอง"),
    ("evidence", "รายการหลักฐาน"),
    ("history", "ประวัติการแก้ไข"),
]


def dossier_context(project: Project, *, draft: bool, issued_at=None, issued=None) -> dict:
    """What the dossier's template shows, as things stood at ``issued_at``
    (now unless given)."""
    state = ProjectState(project, AnonymousUser())
    context = {
        "project": project,
        "draft": draft,
        "fonts": font_faces(),
        "generated_at": issued_at or timezone.now(),
        "data": state.data,
        "rounds": state.rounds,
        "round": state.latest_round,
        "grid": _grid(state),
        # Every round's reasoning, the baseline first: the latest is step 6 itself.
        "earlier_rounds": [
            {"round": earlier, "rows": _grid(state, earlier)["rows"]} for earlier in state.rounds[:-1]
        ],
        "issued": issued,
        "replaces": issued.replaces if issued is not None else None,
        "record_name": RECORD_NAME,
    }
    score = state.latest_score
    committee, review_context = _review_context(project, score)
    context.update(review_context)
    if score is not None:
        context.update(_score_context(state, score, committee))
    # As things stood on the day the dossier speaks for, not the day it is read.
    context.update(_record_context(project, state, as_of=timezone.localdate(context["generated_at"])))
    return context


def _review_context(project: Project, score) -> tuple[dict, dict]:
    """The committee's level per criterion code, and its current review for
    the template: the review, its rows (each with the level shown) and its
    total. Both are empty without a review."""
    from certification.services import committee_levels, committee_total

    review = current_review(project)
    if review is None:
        return {}, {}
    rows = review_rows(review)
    agency_levels = score.criterion_level if score else {}
    committee = committee_levels(rows, agency_levels)
    context = {"review": review, "review_rows": rows, "committee_total": committee_total(rows, agency_levels)}
    for row in rows:
        row.shown_level = committee.get(row.criterion.code)
    return committee, context


def _score_context(state: ProjectState, score, committee: dict) -> dict:
    """The latest round's results: per criterion (with the committee's level),
    the radar, per mission, explained, and the rounds compared."""
    data, latest = state.data, state.latest_round
    rows = results.criterion_rows(data, score)
    for row in rows:
        row.committee_level = committee.get(row.criterion.code)
    series = [RadarSeries(f"รอบที่ {latest.number}", [r.level for r in rows])]
    if score.target_total is not None:
        series.append(RadarSeries("เป้าหมาย", [r.target for r in rows], dashed=True))
    if committee:
        series.append(RadarSeries("คณะกรรมการ", [r.committee_level or 0 for r in rows]))
    context = {
        "score": score,
        "rows": rows,
        "readiness": results.readiness(data, score),
        "radar": radar_svg(labels=[r.criterion.name for r in rows], series=series, size=380),
        "mission_scores": [(m, score.mission_score[str(m.pk)]) for m in data.missions],
        "explained": results.score_explained(data.with_round(latest), score),
    }
    if len(state.rounds) > 1:
        context["comparison"] = [
            {
                "criterion": r.criterion,
                "levels": [x.criterion_levels.get(r.criterion.code) for x in state.rounds],
                "target": r.target,
            }
            for r in rows
        ]
    return context


def _record_context(project: Project, state: ProjectState, *, as_of) -> dict:
    """Steps 7–9 and what follows them on ``as_of``: the plans and their
    timeline, the decisions, the certificate, the contents, the evidence and
    the history."""
    context = {"plans": plan_data(state).plans}
    context["timeline"] = project_timeline_svg(
        plan_data(state).activities, language="th", window=plan_window(project), today=as_of
    )
    context["decisions"] = list(
        project.decisions.select_related("decided_by", "review").order_by("decided_at")
    )
    certificate = Certificate.objects.filter(project=project).first()
    if certificate is not None:
        context["certificate"] = certificate
        context["certificate_status"] = Certificate.Status(certificate.status_on(as_of)).label
        context["verify_url"] = certificate.verification_url()
        context["qr"] = qr_svg(context["verify_url"])
    # Page numbers come from the renderer (target-counter); a draft built in
    # parts fills them in itself (certification.drafts).
    context["toc"] = [
        (anchor, title, None)
        for anchor, title in CONTENTS
        if anchor != "certificate" or certificate is not None
    ]
    context["evidence"] = list(
        EvidenceFile.objects.filter(cell__round__project=project)
        .select_related("cell__mission", "cell__indicator__criterion", "cell__round")
        .order_by("cell__round__number", "pk")
    )
    context["activity_evidence"] = list(
        ActivityEvidence.objects.filter(update__activity__plan__project=project)
        .select_related("update__activity")
        .order_by("pk")
    )
    context["history"] = history.project_history(project, limit=40)
    return context


def draft_date(project: Project):
    """A draft is dated by the project's latest change, so the same project
    gives the same HTML (and hash)."""
    latest = ChangeEntry.objects.filter(project=project).order_by("-at").values_list("at", flat=True).first()
    return latest or project.updated_at


def dossier_html(project: Project, *, draft: bool, issued_at=None, issued=None, extra=None) -> str:
    """The dossier's HTML as one document, always in Thai; ``extra`` adds to
    its context (the evidence an issued dossier carries inside)."""
    if issued_at is None and draft:
        issued_at = draft_date(project)
    with translation.override("th"):
        context = dossier_context(project, draft=draft, issued_at=issued_at, issued=issued)
        html = render_to_string("certification/dossier.html", {**context, **(extra or {})})
    return keep_mai_yamok(html)


def dossier_pdf(project: Project, *, draft: bool, issued_at=None) -> bytes:
    """The dossier as one rendering (``manage.py build_dossier``); the
    product's drafts are built in parts (``draft_build``)."""
    return html_to_pdf(dossier_html(project, draft=draft, issued_at=issued_at))


def draft_for(project: Project) -> tuple[DraftDossier | None, dict, str]:
    """The draft built for the project as it stands now (None if there is
    none), its parts (certification.drafts) and their hash. Reads only."""
    with translation.override("th"):
        context = dossier_context(project, draft=True, issued_at=draft_date(project))
        parts = drafts.draft_parts(context)
    digest = drafts.parts_hash(parts)
    return DraftDossier.objects.filter(project=project, content_hash=digest).first(), parts, digest


def draft_request(*, project: Project) -> DraftDossier:
    """Start (or reuse) the build of the draft for the project as it stands
    now; the task worker builds it."""
    draft, parts, digest = draft_for(project)
    if draft is None:
        draft, _created = DraftDossier.objects.get_or_create(
            project=project, content_hash=digest, defaults={"parts": parts}
        )
        transaction.on_commit(lambda: tasks.build_draft_dossier.enqueue(draft.pk))
    elif draft.status == IssuedDossier.Status.FAILED:
        DraftDossier.objects.filter(pk=draft.pk).update(status=IssuedDossier.Status.PENDING, error="")
        transaction.on_commit(lambda: tasks.build_draft_dossier.enqueue(draft.pk))
    # Drafts of earlier states are of no more use (their parts go when the
    # next build is done: it reuses those that did not change).
    for old in DraftDossier.objects.filter(project=project).exclude(pk=draft.pk):
        old.file.delete(save=False)
        old.delete()
    return draft


def draft_build(*, draft_id: int) -> DraftDossier:
    draft = DraftDossier.objects.filter(pk=draft_id).first()
    if draft is None or draft.is_ready:
        return draft
    try:
        if draft.parts:
            pdf = drafts.draft_build_pdf(project_id=draft.project_id, parts=draft.parts).pdf
        else:  # requested before drafts were built in parts
            pdf = html_to_pdf(draft.html)
    except Exception as error:  # any rendering failure is recorded, never raised to the worker
        logger.exception("Draft dossier %s could not be built", draft_id)
        DraftDossier.objects.filter(pk=draft_id).update(
            status=IssuedDossier.Status.FAILED, error=f"{type(error).__name__}: {error}"[:2000]
        )
        draft.refresh_from_db()
        return draft
    draft.file.save(f"{draft.content_hash}.pdf", ContentFile(pdf), save=False)
    draft.status = IssuedDossier.Status.READY
    draft.built_at = timezone.now()
    draft.save(update_fields=["file", "status", "built_at"])
    return draft


def is_draft(project: Project) -> bool:
    return project.status in Project.EDITABLE_STATUSES


def issued_figures(project: Project) -> dict:
    """The figures of the project as they stand now, from the levels its
    latest round stored (computed by the scoring engine when it was saved)."""
    state = ProjectState(project, AnonymousUser())
    latest = state.latest_round
    if latest is None:
        return {}
    levels = latest.criterion_levels
    weights = {c.code: c.weight for c in state.data.criteria}
    targets = [c.target_level for c in state.data.criteria]
    target_total = None
    if state.data.criteria and None not in targets:
        target_total = str(
            results.display(
                scoring.total_from_levels(
                    criteria=[
                        scoring.CriterionInput(key=c.code, weight=c.weight or 0) for c in state.data.criteria
                    ],
                    levels={c.code: c.target_level for c in state.data.criteria},
                )
            )
        )
    return {
        "round": latest.number,
        "total": str(latest.total_score),
        "target_total": target_total,
        "criteria": [
            {
                "code": c.code,
                "name_th": c.name_th,
                "name_en": c.name_en,
                "weight": None if weights[c.code] is None else str(weights[c.code]),
                "level": levels.get(c.code),
                "target": c.target_level,
            }
            for c in state.data.criteria
        ],
    }


# Documents issued while a batch is written (the demo): their builds are
# collected here, for the caller to queue once it is done, instead of each
# being queued when its transaction commits.
_collected_builds: ContextVar[list[int] | None] = ContextVar("collected_builds", default=None)


@contextlib.contextmanager
def builds_collected():
    """Collect the ids of the documents issued inside, unbuilt."""
    token = _collected_builds.set([])
    try:
        yield _collected_builds.get()
    finally:
        _collected_builds.reset(token)


def dossier_issue(
    *,
    project: Project,
    occasion: str,
    decision: Decision | None = None,
    issued_at=None,
    kind: str = IssuedDossier.Kind.DOSSIER,
    replaces: IssuedDossier | None = None,
) -> IssuedDossier:
    """Record a document issued now; it is built once the caller's
    transaction commits (see the module's docstring)."""
    issued = IssuedDossier.objects.create(
        project=project,
        kind=kind,
        occasion=occasion,
        decision=decision,
        replaces=replaces,
        issued_at=issued_at or timezone.now(),
        figures=issued_figures(project),
    )
    collected = _collected_builds.get()
    if collected is not None:
        collected.append(issued.pk)
    else:
        transaction.on_commit(lambda: tasks.build_issued_dossier.enqueue(issued.pk))
    return issued


def latest_issued(project: Project, kind: str) -> IssuedDossier | None:
    """The project's latest document of this kind (a new one replaces it)."""
    return IssuedDossier.objects.filter(project=project, kind=kind).order_by("-issued_at", "-pk").first()


RECORD_NAME = "project.json"
ISSUER = "สถาบันรับรองมาตรฐาน P.S.O."


def issued_html(issued: IssuedDossier, *, embedded: frozenset[str] = frozenset(), left_out=()) -> str:
    """The issued document's HTML; a dossier links the evidence files whose
    SHA-256 is in ``embedded`` as attachments, and names those ``left_out``."""
    if issued.kind == IssuedDossier.Kind.CERTIFICATE:
        return printing.certificate_html(issued.project.certificate, issued=issued)
    evidence = {
        "embedded": embedded,
        "left_out": {item.sha256 for item in left_out},
        "evidence_budget": settings.DOSSIER_EVIDENCE_BUDGET,
    }
    return dossier_html(
        issued.project, draft=False, issued_at=issued.issued_at, issued=issued, extra=evidence
    )


EVIDENCE_SCHEME = "pso-evidence"
SHA256_HEX = re.compile(r"[0-9a-f]{64}")


def evidence_to_embed(project: Project) -> tuple[list, list]:
    """The project's evidence files (each file once, by its SHA-256) within
    ``DOSSIER_EVIDENCE_BUDGET``, smallest first; and those left out, the
    largest, when they do not all fit."""
    files = {}
    for item in [
        *EvidenceFile.objects.filter(cell__round__project=project).order_by("pk"),
        *ActivityEvidence.objects.filter(update__activity__plan__project=project).order_by("pk"),
    ]:
        # A digest that is not ours (an imported row) names nothing in the markup.
        if SHA256_HEX.fullmatch(item.sha256):
            files.setdefault(item.sha256, item)
    embedded, left_out, used = [], [], 0
    for item in sorted(files.values(), key=lambda item: (item.size, item.sha256)):
        if used + item.size <= settings.DOSSIER_EVIDENCE_BUDGET:
            embedded.append(item)
            used += item.size
        else:
            left_out.append(item)
    return embedded, left_out


def evidence_resources(files: list) -> dict[str, ProvidedResource]:
    """The files' bytes for the renderer, each under ``pso-evidence:<sha256>``
    with its own name and a description (set in the file's specification)."""
    resources = {}
    for item in files:
        try:
            with item.file.open("rb") as handle:
                content = handle.read(item.size + 1)
        except (OSError, ValueError):  # missing from the storage (an imported row): not embedded
            continue
        if hashlib.sha256(content).hexdigest() != item.sha256:
            logger.error("Evidence %s does not match its SHA-256: not embedded", item.sha256)
            continue
        resources[f"{EVIDENCE_SCHEME}:{item.sha256}"] = ProvidedResource(
            content=content,
            media_type=item.content_type or "application/octet-stream",
            file_name=item.original_name,
            description=f"หลักฐาน SHA-256 {item.sha256}",
        )
    return resources


def issued_render(issued: IssuedDossier) -> bytes:
    """The document as PDF/A-3b with the project's record inside, unsigned."""
    record = archive.record_document(issued.project, issued=issued)
    content = (json.dumps(record, ensure_ascii=False, indent=1) + "\n").encode("utf-8")
    files = [
        EmbeddedFile(
            name=RECORD_NAME,
            content=content,
            description="บันทึกข้อมูลโครงการ P.S.O. (แฟ้มโครงการ รุ่นที่ 2) นำเข้าได้ด้วยคำสั่ง import_project",
        )
    ]
    if issued.kind == IssuedDossier.Kind.CERTIFICATE:
        return html_to_archival_pdf(issued_html(issued), files, created=issued.issued_at)
    embedded, left_out = evidence_to_embed(issued.project)
    resources = evidence_resources(embedded)
    digests = frozenset(name.split(":", 1)[1] for name in resources)
    html = issued_html(issued, embedded=digests, left_out=left_out)
    return html_to_archival_pdf(html, files, created=issued.issued_at, provided=resources)


def issued_metadata(issued: IssuedDossier) -> signing.Metadata:
    """Title, agency, standard, certificate number and issue date, in the
    XMP's standard properties: dc:title, dc:creator, dc:description and
    xmp:CreateDate (no extension schema needed for PDF/A; pyHanko writes
    pdf:Keywords as ``pdf:keywords``, which PDF/A does not define, so no
    keywords)."""
    project = issued.project
    certificate = Certificate.objects.filter(project=project).first()
    issued_on = timezone.localdate(issued.issued_at)
    what = "ใบรับรอง" if issued.kind == IssuedDossier.Kind.CERTIFICATE else "แฟ้มเอกสารขอการรับรอง"
    title = f"{what} {project.standard.label} · {project.agency.name_th}"
    facts = [
        f"หน่วยงาน: {project.agency.name_th} ({project.agency.code})",
        f"มาตรฐาน: {project.standard.label} {project.standard.name_th}",
        f"ปีงบประมาณ: {project.fiscal_year_be}",
        f"เลขที่ใบรับรอง: {certificate.number if certificate else '—'}",
        f"ออกเมื่อ: {format_date(issued_on, language='th')} ({issued_on.isoformat()})",
        f"โอกาส: {issued.get_occasion_display()}",
    ]
    return signing.Metadata(
        title=title,
        author=ISSUER,
        subject="; ".join(facts),
        created=issued.issued_at,
    )


def issued_sign(issued: IssuedDossier, pdf: bytes, identity: signing.Identity | None = None) -> bytes:
    with translation.override("th"):
        metadata = issued_metadata(issued)
    reason = f"ออกโดยสถาบัน: {issued.get_kind_display()} · {issued.get_occasion_display()}"
    return signing.sign_pdf(
        pdf, metadata=metadata, reason=reason, location=settings.SIGNING_LOCATION, signing=identity
    )


def dossier_build(*, issued_id: int) -> IssuedDossier:
    """Render, sign and store an issued document that is pending or failed.
    A failure of either step is recorded on the document, never raised to
    the caller: the decision stands and the document can be built again."""
    issued = IssuedDossier.objects.select_related("project__agency", "project__standard").get(pk=issued_id)
    if issued.is_ready:
        return issued
    if issued.imported_at is not None:
        # Issued elsewhere: the institute's key never signs what it did not issue here.
        IssuedDossier.objects.filter(pk=issued_id).update(
            status=IssuedDossier.Status.FAILED, error="imported: not built or signed here"
        )
        issued.refresh_from_db()
        return issued
    stage = "rendering"
    try:
        pdf = issued_render(issued)
        stage = "signing"
        # One identity signs and is recorded, even if the key file changes meanwhile.
        identity = signing.identity()
        pdf = issued_sign(issued, pdf, identity)
    except Exception as error:  # any failure must leave the decision standing
        logger.exception("Issued document %s could not be built (%s)", issued_id, stage)
        IssuedDossier.objects.filter(pk=issued_id).update(
            status=IssuedDossier.Status.FAILED, error=f"{stage}: {type(error).__name__}: {error}"[:2000]
        )
        issued.refresh_from_db()
        return issued
    digest = hashlib.sha256(pdf).hexdigest()
    issued.sha256 = digest
    issued.size = len(pdf)
    issued.signer = identity.fingerprint
    issued.file.save(f"{digest}.pdf", ContentFile(pdf), save=False)
    issued.status = IssuedDossier.Status.READY
    issued.built_at = timezone.now()
    issued.error = ""
    try:
        issued.save(update_fields=["file", "sha256", "size", "signer", "status", "built_at", "error"])
    except Exception:
        issued.file.delete(save=False)  # no orphan file when the record cannot say it exists
        raise
    return issued


def dossier_retry(*, issued_id: int) -> IssuedDossier:
    """Build a failed dossier again (by the task worker)."""
    updated = IssuedDossier.objects.filter(
        pk=issued_id, status=IssuedDossier.Status.FAILED, imported_at__isnull=True
    ).update(status=IssuedDossier.Status.PENDING, error="")
    if updated:
        transaction.on_commit(lambda: tasks.build_issued_dossier.enqueue(issued_id))
    return IssuedDossier.objects.get(pk=issued_id)
