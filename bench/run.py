"""``make bench``: measure the product on generated PostgreSQL databases of
two sizes (``BENCH_SIZES``, agencies; two projects each of 25 missions × 15
indicators × 3 rounds) and print the tables of docs/performance.md.

A database ``pso_bench_<agencies>`` is generated once and reused by later
runs (delete it to start again). Results are also written as JSON under
test-artifacts/.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import psycopg2
from psycopg2 import sql

ROOT = Path(__file__).resolve().parents[1]
PYTHON = sys.executable
SERVER = os.environ.get("BENCH_POSTGRES", "postgres://postgres@127.0.0.1:5432")
# Each page within this multiple of the bare view (issue 24), median against median.
RATIO_GOAL = 20
SIZES = [int(size) for size in os.environ.get("BENCH_SIZES", "200 2000").split()]


def admin_connection():
    connection = psycopg2.connect(f"{SERVER}/postgres")
    connection.autocommit = True
    return connection


def generated_agencies(name: str) -> int | None:
    """How many generated agencies the database holds; None if it is missing
    or not a finished generation."""
    try:
        connection = psycopg2.connect(f"{SERVER}/{name}")
    except psycopg2.OperationalError:
        return None
    with connection, connection.cursor() as cursor:
        try:
            cursor.execute("SELECT count(*) FROM agencies_agency WHERE code LIKE 'gen-%'")
            agencies = cursor.fetchone()[0]
            cursor.execute(
                "SELECT count(*) FROM assessment_project p JOIN agencies_agency a ON a.id = p.agency_id WHERE a.code NOT LIKE 'gen-%'"
            )
            demo = cursor.fetchone()[0]
        except psycopg2.Error:
            return None
    connection.close()
    return agencies if demo else None


def manage(name: str, *args: str) -> None:
    env = {**os.environ, "DATABASE_URL": f"{SERVER}/{name}", "DJANGO_DEBUG": "1", "DJANGO_BENCH_TOOLS": "1"}
    subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, env=env, check=True, stdout=sys.stderr)


def prepare(agencies: int) -> str:
    name = f"pso_bench_{agencies}"
    if generated_agencies(name) == agencies:
        print(f"Reusing {name}.", file=sys.stderr)
        return name
    connection = admin_connection()
    with connection.cursor() as cursor:
        cursor.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name)))
        cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    connection.close()
    manage(name, "migrate", "--no-input", "-v", "0")
    manage(name, "load_catalogue")
    manage(name, "generate_load_data", "--agencies", str(agencies), "--projects-per-agency", "2")
    manage(name, "seed_demo")  # the demo agency: the dossier is measured on it
    connection = psycopg2.connect(f"{SERVER}/{name}")
    connection.autocommit = True
    with connection.cursor() as cursor:
        # As autovacuum leaves a settled database: the visibility map set
        # (index-only scans read no table rows) and the statistics current.
        cursor.execute("VACUUM ANALYZE")
    connection.close()
    return name


def measure(name: str) -> dict:
    env = {**os.environ, "DATABASE_URL": f"{SERVER}/{name}", "DJANGO_DEBUG": "1"}
    result = subprocess.run(
        [PYTHON, "bench/measure.py"], cwd=ROOT, env=env, check=True, stdout=subprocess.PIPE, text=True
    )
    return json.loads(result.stdout)


def table(results: dict[int, dict]) -> str:
    sizes = list(results)
    lines = [
        "| page | "
        + " | ".join(f"{size:,} agencies: p50 ms · p95 ms · queries · × bare" for size in sizes)
        + f" | goal: ≤ {RATIO_GOAL}× bare |",
        "|---|" + "---|" * (len(sizes) + 1),
    ]
    for page in results[sizes[0]]["pages"]:
        cells = []
        for size in sizes:
            row = results[size]["pages"][page]
            cells.append(f"{row['p50_ms']} · {row['p95_ms']} · {row['queries']} · {row['x_bare']}×")
        worst = max(results[size]["pages"][page]["x_bare"] for size in sizes)
        cells.append("met" if worst <= RATIO_GOAL else f"**not met** ({worst}×)")
        lines.append(f"| {page} | " + " | ".join(cells) + " |")
    lines.append("")
    for size in sizes:
        data = results[size]
        lines.append(
            f"- {size:,} agencies: {data['projects']:,} projects, {data['cells']:,} cells; "
            f"grid save (one cell → recompute → redirect) p50 {data['grid_save']['p50_ms']} ms, "
            f"max {data['grid_save']['max_ms']} ms."
        )
        if data.get("dossier"):
            dossier = data["dossier"]
            lines.append(
                f"- demo dossier: product {dossier['product_s']} s, WeasyPrint alone "
                f"{dossier['raw_weasyprint_s']} s, overhead {dossier['overhead_pct']} %."
            )
        for query, plan in data["plans"].items():
            lines.append(f"- plan · {query}: " + "; ".join(plan))
    return "\n".join(lines)


def main():
    results = {}
    for agencies in SIZES:
        name = prepare(agencies)
        print(f"Measuring {name} …", file=sys.stderr)
        results[agencies] = measure(name)
        os.environ["BENCH_DOSSIER"] = "0"  # the dossier does not depend on the size: once is enough
    artifacts = ROOT / "test-artifacts"
    artifacts.mkdir(exist_ok=True)
    (artifacts / "bench.json").write_text(json.dumps(results, ensure_ascii=False, indent=1))
    print(table(results))


if __name__ == "__main__":
    main()
