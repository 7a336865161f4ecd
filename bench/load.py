"""``make bench`` (second part): gunicorn and a task worker on loopback
against a generated PostgreSQL database, loaded by bench/locustfile.py with
20 and then 100 users (``BENCH_USERS``) for ``BENCH_DURATION`` each.
Prints the table of docs/performance.md."""

import csv
import json
import math
import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
SERVER = os.environ.get("BENCH_POSTGRES", "postgres://postgres@127.0.0.1:5432")
SIZES = os.environ.get("BENCH_SIZES", "200 2000").split()
DATABASE = os.environ.get("BENCH_LOAD_DATABASE", f"pso_bench_{max(SIZES, key=int)}")
USERS = [int(n) for n in os.environ.get("BENCH_USERS", "20 100").split()]
DURATION = os.environ.get("BENCH_DURATION", "2m")
WORKERS = os.environ.get("BENCH_GUNICORN_WORKERS", "4")
PORT = 8800
# Users started per second (default: a tenth of the run's users).
SPAWN_RATE = os.environ.get("BENCH_SPAWN_RATE", "")
# Requests of signing in (a second of PBKDF2 each, by design), told apart.
SIGN_IN = {"login page", "sign in", "home after sign-in", "two-step page", "two-step code"}
ARTIFACTS = ROOT / "test-artifacts"

ENV = {
    **os.environ,
    "DATABASE_URL": f"{SERVER}/{DATABASE}",
    "DJANGO_DEBUG": "0",
    "DJANGO_SECRET_KEY": "bench-only-not-a-secret-" + "x" * 40,
    "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
    "DJANGO_SECURE_COOKIES": "0",  # plain HTTP on loopback
    "EMAIL_URL": "dummy:",
    "DJANGO_TASKS": "database",
    # Each gunicorn worker keeps its connection, as docs/operations.md
    # advises for production (a new one per request costs a fork and a cold
    # catalogue cache in PostgreSQL).
    "DATABASE_CONN_MAX_AGE": os.environ.get("BENCH_CONN_MAX_AGE", "60"),
}


def targets() -> dict:
    """Who signs in and what they open, read from the generated database.
    The load test changes it a little: grid cells, a few decisions."""
    os.environ.update({k: v for k, v in ENV.items() if k.startswith(("DATABASE", "DJANGO"))})
    os.environ["DJANGO_SETTINGS_MODULE"] = "pso_site.settings"
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from assessment.grid import CELLS_PER_BLOCK
    from assessment.models import Project
    from bench.generator.loadgen import TOTP_KEY, generated_agencies
    from certification.models import Certificate, IssuedDossier

    generated = Project.objects.filter(agency__in=generated_agencies()).select_related("agency")
    editors = []
    for project in generated.filter(status=Project.Status.DRAFT).order_by("pk")[:300]:
        missions, indicators = project.missions.count(), project.indicators.count()
        latest = project.rounds.order_by("-number").first()
        editors.append(
            {
                "username": f"{project.agency.code}-editor",
                "grid": f"/projects/{project.pk}/rounds/{latest.number}/",
                "results": f"/projects/{project.pk}/results/",
                "blocks": math.ceil(missions / max(1, CELLS_PER_BLOCK // max(1, indicators))),
            }
        )
    viewers = [
        {
            "username": f"{project.agency.code}-viewer",
            "project": f"/projects/{project.pk}/",
            "results": f"/projects/{project.pk}/results/",
        }
        for project in generated.order_by("-pk")[:300]
    ]
    waiting = list(
        generated.filter(status__in=[Project.Status.SUBMITTED, Project.Status.UNDER_REVIEW])
        .order_by("pk")
        .values_list("pk", flat=True)[:400]
    )
    dossiers = [
        f"/projects/{project}/dossiers/{dossier}.pdf"
        for dossier, project in IssuedDossier.objects.filter(
            project__status=Project.Status.CERTIFIED, status=IssuedDossier.Status.READY
        ).values_list("pk", "project_id")[:200]
    ]
    numbers = Certificate.objects.values_list("number", flat=True)[:500]
    prefixes = sorted({number.rsplit("-", 1)[0] for number in numbers})
    return {
        "password": "load-test",
        "editors": editors,
        "viewers": viewers,
        "committee": [f"gen-committee-{n}" for n in range(1, 21)],
        "auditors": [f"gen-auditor-{n}" for n in range(1, 21)],
        "totp_key": TOTP_KEY,
        "reviews": waiting[:200],
        "reviewable": waiting[200:],
        "dossiers": dossiers,
        "certificate_prefixes": prefixes,
    }


def wait_for(url: str, seconds: int = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    raise SystemExit(f"{url} did not answer")


def aggregated(prefix: Path) -> dict:
    with open(f"{prefix}_stats.csv", encoding="utf-8") as stats:
        rows = list(csv.DictReader(stats))
    total = next(row for row in rows if row["Name"] == "Aggregated")
    by_name = {
        row["Name"]: (row["95%"], row["Request Count"], row["Failure Count"])
        for row in rows
        if row["Name"] != "Aggregated"
    }
    return {
        "requests": int(total["Request Count"]),
        "failures": int(total["Failure Count"]),
        "rps": round(float(total["Requests/s"]), 1),
        "p50": total["50%"],
        "p95": total["95%"],
        "p99": total["99%"],
        "by_name": by_name,
    }


def main():
    ARTIFACTS.mkdir(exist_ok=True)
    target_file = ARTIFACTS / "locust-targets.json"
    subprocess.run(
        [BIN / "python", "manage.py", "collectstatic", "--no-input", "-v", "0"], cwd=ROOT, env=ENV, check=True
    )
    web = subprocess.Popen(
        [
            BIN / "gunicorn",
            "pso_site.wsgi",
            "-b",
            f"127.0.0.1:{PORT}",
            "-w",
            WORKERS,
            "--access-logfile",
            "/dev/null",
        ],
        cwd=ROOT,
        env=ENV,
    )
    worker = subprocess.Popen(
        # Niced, as on a machine that also serves pages: dossiers wait, pages do not.
        ["nice", "-n", "10", BIN / "python", "manage.py", "task_worker", "--queue-name", "*"],
        cwd=ROOT,
        env=ENV,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    results = {}
    try:
        wait_for(f"http://127.0.0.1:{PORT}/health/live/")
        for users in USERS:
            # Read again before each run: the decisions of a run leave the queue.
            target_file.write_text(json.dumps(targets(), ensure_ascii=False))
            prefix = ARTIFACTS / f"locust-{users}"
            subprocess.run(
                [
                    BIN / "locust",
                    "-f",
                    "bench/locustfile.py",
                    "--headless",
                    "-u",
                    str(users),
                    "-r",
                    SPAWN_RATE or str(max(1, users // 10)),
                    "-t",
                    DURATION,
                    "--host",
                    f"http://127.0.0.1:{PORT}",
                    "--csv",
                    str(prefix),
                    "--only-summary",
                ],
                cwd=ROOT,
                env={**os.environ, "LOCUST_TARGETS": str(target_file)},
                check=False,
                stdout=subprocess.DEVNULL,
            )
            results[users] = aggregated(prefix)
    finally:
        web.terminate()
        worker.terminate()
        web.wait()
        worker.wait()
    print(
        f"| users | requests | failures | requests/s | p50 ms | p95 ms | p99 ms |  ({DATABASE}, {DURATION} each, gunicorn -w {WORKERS})"
    )
    print("|---|---|---|---|---|---|---|")
    for users, row in results.items():
        print(
            f"| {users} | {row['requests']} | {row['failures']} | {row['rps']} | {row['p50']} | {row['p95']} | {row['p99']} |"
        )
    # Capacity for sizing nodes (docs/deployment.md): the runs whose every
    # request type but signing in kept p95 within 300 ms, per core.
    cores = os.cpu_count() or 1
    print(
        f"\n| users | requests/s | per core ({cores} cores) | worst p95 of a page, ms (sign-in apart) | ≤ 300 ms |"
    )
    print("|---|---|---|---|---|")
    for users, row in results.items():
        pages = [int(p95) for name, (p95, _count, _fails) in row["by_name"].items() if name not in SIGN_IN]
        worst = max(pages, default=0)
        print(
            f"| {users} | {row['rps']} | {round(row['rps'] / cores, 1)} | {worst} | {'yes' if worst <= 300 else 'no'} |"
        )
    for users, row in results.items():
        print(
            f"\n{users} users, p95 ms by request: "
            + "; ".join(
                f"{name} {p95} ({count}, {fails} failed)"
                for name, (p95, count, fails) in sorted(row["by_name"].items())
            )
        )


if __name__ == "__main__":
    main()
