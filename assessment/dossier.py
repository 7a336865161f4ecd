"""The certification dossier (domain.md §6): one HTML template rendered to
PDF by WeasyPrint, always in Thai.

Drafts are rendered on demand and watermarked; at submission and at each
decision a dossier is issued: rendered once, stored with its SHA-256, and
served as those stored bytes ever after.
"""

import hashlib
from pathlib import Path

from django.contrib.staticfiles import finders
from django.core.files.base import ContentFile
from django.template.loader import render_to_string
from django.utils import timezone, translation

from assessment import history, results
from assessment.models import (
    Assessment,
    Certificate,
    Decision,
    EvidenceFile,
    IssuedDossier,
    Project,
    ReviewCriterion,
)
from assessment.review import committee_total, current_review
from assessment.services import latest_round
from pso_site.charts import RadarSeries, radar_svg

FONT_FILES = {
    ("normal", 400): "fonts/sarabun/Sarabun_400Regular.ttf",
    ("normal", 700): "fonts/sarabun/Sarabun_700Bold.ttf",
    ("italic", 400): "fonts/sarabun/Sarabun_400Regular_Italic.ttf",
    ("italic", 700): "fonts/sarabun/Sarabun_700Bold_Italic.ttf",
}


def font_faces() -> list[dict]:
    """@font-face sources as file:// URLs found by the static finders: a font
    WeasyPrint cannot load is only a warning, so the path must be right."""
    faces = []
    for (style, weight), name in FONT_FILES.items():
        path = finders.find(name)
        if path is None:
            raise FileNotFoundError(f"Font {name} not found by the static finders")
        faces.append({"style": style, "weight": weight, "url": Path(path).resolve().as_uri()})
    return faces


def _grid(project: Project, assessment_round) -> dict:
    data = results.ProjectData.load(project)
    cells = {}
    if assessment_round is not None:
        cells = {
            (cell.mission_id, cell.indicator_id): cell
            for cell in Assessment.objects.filter(round=assessment_round).only(
                "mission_id", "indicator_id", "level", "justification"
            )
        }
    rows = [
        {
            "mission": mission,
            "cells": [cells.get((mission.pk, indicator.pk)) for indicator in data.indicators],
        }
        for mission in data.missions
    ]
    return {"indicators": data.indicators, "rows": rows}


def dossier_context(project: Project, *, draft: bool, issued_at=None) -> dict:
    from plans.models import ActivityEvidence
    from plans.selectors import plans_for_project
    from plans.views import project_timeline_svg

    data = results.ProjectData.load(project)
    rounds = list(project.rounds.order_by("number"))
    latest = latest_round(project)
    context = {
        "project": project,
        "draft": draft,
        "fonts": font_faces(),
        "generated_at": issued_at or timezone.now(),
        "data": data,
        "rounds": rounds,
        "round": latest,
        "budgets": project.budgets(),
        "grid": _grid(project, latest),
    }
    review = current_review(project)
    committee_levels = {}
    if review is not None:
        committee_levels = {
            row.criterion_id: row.level for row in ReviewCriterion.objects.filter(review=review)
        }
        context["review"] = review
        context["review_rows"] = list(
            ReviewCriterion.objects.filter(review=review)
            .select_related("criterion")
            .order_by("criterion__order")
        )
        context["committee_total"] = committee_total(review)
    if latest is not None and data.criteria:
        data.with_round(latest)
        score = data.score()
        rows = results.criterion_rows(data, score)
        for row in rows:
            row.committee_level = committee_levels.get(row.criterion.pk)
        series = [RadarSeries(f"รอบที่ {latest.number}", [r.level for r in rows])]
        if score.target_total is not None:
            series.append(RadarSeries("เป้าหมาย", [r.target for r in rows], dashed=True))
        if committee_levels and any(level is not None for level in committee_levels.values()):
            series.append(RadarSeries("คณะกรรมการ", [r.committee_level or 0 for r in rows]))
        context.update(
            {
                "score": score,
                "rows": rows,
                "readiness": results.readiness(data, score),
                "radar": radar_svg(labels=[r.criterion.name for r in rows], series=series, size=380),
                "mission_scores": [(m, score.mission_score[str(m.pk)]) for m in data.missions],
            }
        )
        if len(rounds) > 1:
            context["comparison"] = [
                {
                    "criterion": r.criterion,
                    "levels": [x.criterion_levels.get(r.criterion.code) for x in rounds],
                    "target": r.target,
                }
                for r in rows
            ]
    context["plans"] = list(plans_for_project(project))
    context["timeline"] = project_timeline_svg(project, language="th")
    context["decisions"] = list(
        project.decisions.select_related("decided_by", "review").order_by("decided_at")
    )
    certificate = Certificate.objects.filter(project=project).first()
    if certificate is not None:
        from assessment.views.certificates import verification_url
        from pso_site.qr import qr_svg

        context["certificate"] = certificate
        context["verify_url"] = verification_url(certificate)
        context["qr"] = qr_svg(context["verify_url"])
    context["evidence"] = list(
        EvidenceFile.objects.filter(cell__round__project=project).select_related(
            "cell__mission", "cell__indicator", "cell__round"
        )
    )
    context["activity_evidence"] = list(
        ActivityEvidence.objects.filter(update__activity__plan__project=project).select_related(
            "update__activity"
        )
    )
    context["history"] = history.project_history(project, limit=40)
    return context


def dossier_pdf(project: Project, *, draft: bool, issued_at=None) -> bytes:
    from pso_site.pdf import render_pdf

    with translation.override("th"):
        html = render_to_string(
            "dossier/dossier.html", dossier_context(project, draft=draft, issued_at=issued_at)
        )
        return render_pdf(html, base_url=str(Path(finders.find("css/app.css")).parent))


def is_draft(project: Project) -> bool:
    return project.status in Project.EDITABLE_STATUSES


def dossier_issue(
    *, project: Project, occasion: str, decision: Decision | None = None, issued_at=None
) -> IssuedDossier:
    """Render and store the dossier; its bytes never change afterwards."""
    issued_at = issued_at or timezone.now()
    pdf = dossier_pdf(project, draft=False, issued_at=issued_at)
    digest = hashlib.sha256(pdf).hexdigest()
    issued = IssuedDossier(
        project=project, occasion=occasion, decision=decision, sha256=digest, size=len(pdf)
    )
    issued.file.save(f"{digest}.pdf", ContentFile(pdf), save=False)
    issued.save()
    IssuedDossier.objects.filter(pk=issued.pk).update(issued_at=issued_at)
    issued.issued_at = issued_at
    return issued
