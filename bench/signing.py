"""``make bench-signing`` (part of ``make bench``): what signing adds to an
issued dossier.

The demo (without the cohort) is seeded into a throwaway SQLite database with
a throwaway demo signing identity; then the Lampang project's decision
dossier is built as the task worker builds it — the PDF/A-3b rendering with
the project's record inside (``issued_render``), then the institute's
signature (``issued_sign``) — ``BENCH_REPEAT`` times (default 5). Reported:
the median of each, and signing as a share of rendering; the goal is under
10 % (issue 16, docs/performance.md). Written to test-artifacts/signing.json.
"""

import io
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

from throwaway import django_in

ROOT = Path(__file__).resolve().parent.parent
GOAL_PCT = 10.0


def main() -> int:
    workdir = Path(tempfile.mkdtemp(prefix="pso-bench-signing-"))
    django_in(workdir)
    from django.core.management import call_command

    from certification import dossier
    from certification.models import IssuedDossier

    call_command("migrate", verbosity=0)
    call_command("seed_demo", "--without-cohort", verbosity=0, stdout=io.StringIO())
    issued = IssuedDossier.objects.select_related("project__agency", "project__standard").get(
        kind=IssuedDossier.Kind.DOSSIER, occasion=IssuedDossier.Occasion.DECISION, project__fiscal_year=2001
    )
    repeat = int(os.environ.get("BENCH_REPEAT", "5"))
    rendering, signing = [], []
    for _ in range(repeat):
        start = time.perf_counter()
        pdf = dossier.issued_render(issued)
        rendering.append(time.perf_counter() - start)
        start = time.perf_counter()
        signed = dossier.issued_sign(issued, pdf)
        signing.append(time.perf_counter() - start)
    render_s, sign_s = statistics.median(rendering), statistics.median(signing)
    result = {
        "repeat": repeat,
        "render_s": round(render_s, 3),
        "sign_s": round(sign_s, 3),
        "sign_pct_of_render": round(sign_s / render_s * 100, 1),
        "pdf_bytes": len(pdf),
        "signed_bytes": len(signed),
        "goal_pct": GOAL_PCT,
    }
    artifacts = ROOT / "test-artifacts"
    artifacts.mkdir(exist_ok=True)
    (artifacts / "signing.json").write_text(json.dumps(result, indent=1) + "\n")
    print(
        f"Demo dossier ({repeat} builds): rendering {result['render_s']} s, signing {result['sign_s']} s "
        f"= {result['sign_pct_of_render']} % of rendering (goal: under {GOAL_PCT:g} %); "
        f"{result['pdf_bytes']:,} → {result['signed_bytes']:,} bytes."
    )
    return 0 if result["sign_pct_of_render"] < GOAL_PCT else 1


if __name__ == "__main__":
    sys.exit(main())
