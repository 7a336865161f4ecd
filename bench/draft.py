"""``make bench-draft`` (part of ``make bench``): a draft dossier that keeps
up with the editing (issue 24, item 5).

The demo (without the cohort) is seeded into a throwaway SQLite database, as
``bench/signing.py`` does. Its Lampang P.S.O. 1101 dossier (the project
``bench/measure.py`` times) is built as a draft, each measurement in a child
process of its own (so its peak resident memory is its own), after a warm-up
(templates loaded, WeasyPrint's fonts found), in this order:

1. WeasyPrint alone on the whole dossier's HTML;
2. the whole dossier as one rendering (drafts before issue 24: HTML, then
   the PDF with the text layer);
3. the draft in parts from an empty cache;
4. the draft after one cell's justification is changed;
5. the draft after one mission's name is changed;
6. the draft again, nothing changed.

Each draft is timed from the project's state to the joined PDF: the parts'
HTML (``draft_for``, done when the draft is requested) and the build
(``draft_build_pdf``, done by the task worker). The goal: a draft after a
small change in at most 3 s. A markdown table is printed and the figures
are written to test-artifacts/bench-draft.json.
"""

import io
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from throwaway import django_in

ROOT = Path(__file__).resolve().parent.parent
GOAL_S = 3.0
STEPS = [
    ("weasyprint", "WeasyPrint alone, whole HTML"),
    ("whole", "whole dossier, one rendering (before)"),
    ("draft-empty", "draft in parts, empty cache"),
    ("draft-cell", "draft after one cell's justification"),
    ("draft-mission", "draft after one mission's name"),
    ("draft-unchanged", "draft again, nothing changed"),
]


def demo_project():
    from bench.generator.loadgen import real_projects

    return real_projects().order_by("pk").first()


def max_rss_mb() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)  # KiB on Linux


def edit(step: str, project) -> str:
    """The change a person makes before asking for the draft, through the
    models (the history is written as the services write it)."""
    from assessment.models import Assessment, Mission

    if step == "draft-cell":
        cell = (
            Assessment.objects.filter(
                round__project=project, round=project.rounds.order_by("-number").first()
            )
            .order_by("mission__order", "indicator__pk")
            .first()
        )
        cell.justification += " (ปรับปรุงเหตุผล)"
        cell.save(update_fields=["justification"])
        return f"cell {cell.pk}"
    if step == "draft-mission":
        mission = Mission.objects.filter(project=project).order_by("order").first()
        mission.name += " (ปรับชื่อ)"
        mission.save(update_fields=["name"])
        return f"mission {mission.pk}"
    return ""


def child(step: str, workdir: Path) -> dict:
    django_in(workdir)
    from django.conf import settings
    from weasyprint import HTML

    from certification import dossier, drafts
    from certification.models import DraftPart
    from certification.rendering import html_to_pdf

    project = demo_project()
    html_to_pdf("<p>x</p>")  # WeasyPrint's fonts found once, as in a running worker
    html = dossier.dossier_html(project, draft=True)  # templates loaded
    dossier.draft_for(project)
    if step == "draft-empty":
        DraftPart.objects.filter(project=project).delete()
    what = edit(step, project)
    before_mb = max_rss_mb()
    result = {"edit": what}
    start = time.perf_counter()
    if step == "weasyprint":
        pdf = HTML(string=html, base_url=str(Path(settings.BASE_DIR) / "static" / "css")).write_pdf()
    elif step == "whole":
        pdf = html_to_pdf(dossier.dossier_html(project, draft=True))
    else:
        _draft, parts, _digest = dossier.draft_for(project)
        built = drafts.draft_build_pdf(project_id=project.pk, parts=parts)
        pdf = built.pdf
        result.update({"rendered": built.rendered, "parts": len(parts["sections"]) + 2})
    result["seconds"] = round(time.perf_counter() - start, 2)
    result["max_rss_mb"] = max_rss_mb()
    result["max_rss_before_mb"] = before_mb
    result["bytes"] = len(pdf)
    from pso_site.lib.pdf import pdf_layout

    result["pages"] = pdf_layout(pdf)[0]
    (workdir / f"{step}.pdf").write_bytes(pdf)
    return result


def main() -> int:
    workdir = Path(tempfile.mkdtemp(prefix="pso-bench-draft-"))
    django_in(workdir)
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("seed_demo", "--without-cohort", verbosity=0, stdout=io.StringIO())
    project = demo_project()
    results = {}
    for step, _label in STEPS:
        out = subprocess.run(
            [sys.executable, __file__, "--step", step, str(workdir)],
            capture_output=True,
            text=True,
            check=True,
        )
        results[step] = json.loads(out.stdout.strip().splitlines()[-1])
    after_edit = max(results["draft-cell"]["seconds"], results["draft-mission"]["seconds"])
    output = {
        "project": f"{project.agency.name_th} · {project.standard.label} · {project.fiscal_year_be}",
        "goal_s": GOAL_S,
        "goal_met": after_edit <= GOAL_S,
        "steps": results,
        "pdfs": str(workdir),
    }
    artifacts = ROOT / "test-artifacts"
    artifacts.mkdir(exist_ok=True)
    (artifacts / "bench-draft.json").write_text(json.dumps(output, ensure_ascii=False, indent=1) + "\n")
    print(f"Draft dossier of the demo ({output['project']}); PDFs in {workdir}\n")
    print("| build | time s | peak RSS MB (before the build) | pages | parts rendered |")
    print("|---|---|---|---|---|")
    for step, label in STEPS:
        row = results[step]
        rendered = ", ".join(row["rendered"]) if "rendered" in row else "—"
        if "rendered" in row and not row["rendered"]:
            rendered = "none"
        print(
            f"| {label} | {row['seconds']} | {row['max_rss_mb']} ({row['max_rss_before_mb']}) "
            f"| {row['pages']} | {rendered} |"
        )
    print(f"\nAfter a small change: {after_edit} s (goal: at most {GOAL_S:g} s).")
    return 0 if output["goal_met"] else 1


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "--step":
        print(json.dumps(child(sys.argv[2], Path(sys.argv[3])), ensure_ascii=False))
        sys.exit(0)
    sys.exit(main())
