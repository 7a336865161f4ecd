"""``make backup-drill``: back up, restore into an empty cluster, and check
that nothing was lost — the drill of docs/operations.md, on throwaway
clusters that touch nothing else.

1. A source cluster: the app's own role ``pso`` owns database ``pso``;
   migrations, the demo (with its evidence and dossiers under MEDIA_ROOT) and
   a few generated agencies (``generate_load_data``, small).
2. Every project's archive is exported (``manage.py export_project``).
3. The backup, with the commands docs/operations.md gives operators:
   ``pg_dump --format=custom`` of the database, then a tar of MEDIA_ROOT.
4. A second, empty cluster: role and database created, ``pg_restore`` of the
   dump, the tar unpacked into a new MEDIA_ROOT.
5. On the restored copy: ``manage.py migrate --check``, every project's
   archive exported again and compared with its first export; every table's
   row count, every sequence and every media file compared with the source.

A ZIP archive records, in each member's header, the time it was written, so
two exports minutes apart never match byte for byte: ZIPs are compared member
by member — the names, their order and every member's bytes (the project's
JSON document and each evidence file and dossier) — ignoring only those
header times. JSON archives are compared byte for byte. Prints one line per
project (OK or DIFF) and a summary, writes test-artifacts/backup-drill.json,
and exits non-zero on any difference.
"""

import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

import psycopg2
from restart import ARTIFACTS, BIN, ROOT, Cluster, production_env, stop_on_sigterm

GENERATED = os.environ.get(
    "BENCH_DRILL_GENERATE", "--agencies 4 --projects-per-agency 2 --missions 5 --indicators 4 --rounds 2"
).split()


def shown(command: list) -> list[str]:
    """Run it as an operator would, echoing it first."""
    command = [str(part) for part in command]
    print("$ " + " ".join(part if " " not in part else repr(part) for part in command), file=sys.stderr)
    return command


def manage(env: dict, *args: str, check: bool = True) -> subprocess.CompletedProcess:
    return subprocess.run(
        [BIN / "python", "manage.py", *args], cwd=ROOT, env=env, check=check, capture_output=True, text=True
    )


def project_ids(url: str) -> list[int]:
    with psycopg2.connect(url) as connection, connection.cursor() as cursor:
        cursor.execute("SELECT id FROM assessment_project ORDER BY id")
        ids = [row[0] for row in cursor.fetchall()]
    connection.close()
    return ids


def export_all(env: dict, ids: list[int], folder: Path) -> None:
    folder.mkdir()
    for project in ids:
        manage(env, "export_project", str(project), "--output", str(folder / f"project-{project}"))


def database_facts(url: str) -> dict:
    """Every table's row count and every sequence's last value."""
    with psycopg2.connect(url) as connection, connection.cursor() as cursor:
        cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename")
        tables = [row[0] for row in cursor.fetchall()]
        rows = {}
        for table in tables:
            cursor.execute(f'SELECT count(*) FROM "{table}"')  # noqa: S608 (names from the catalogue)
            rows[table] = cursor.fetchone()[0]
        cursor.execute("SELECT sequencename, last_value FROM pg_sequences WHERE schemaname = 'public'")
        sequences = dict(sorted(cursor.fetchall()))
    connection.close()
    return {"rows": rows, "sequences": sequences}


def media_files(root: Path) -> dict:
    return {
        str(path.relative_to(root)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


def document(path: Path) -> dict:
    """The archive's JSON document, from a ZIP or a plain JSON file."""
    if zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as archive:
            name = next(n for n in archive.namelist() if n.endswith(".json"))
            return json.loads(archive.read(name))
    return json.loads(path.read_bytes())


def compare(before: Path, after: Path) -> tuple[bool, str]:
    """(same, how it was compared or what differs)."""
    if before.read_bytes() == after.read_bytes():
        return True, "identical bytes"
    old, new = document(before), document(after)
    keys = sorted(key for key in old.keys() | new.keys() if old.get(key) != new.get(key))
    if keys:
        return False, "the documents differ in " + ", ".join(keys)
    if not (zipfile.is_zipfile(before) and zipfile.is_zipfile(after)):
        return False, "one is a ZIP, the other JSON"
    with zipfile.ZipFile(before) as first, zipfile.ZipFile(after) as second:
        names = [member.filename for member in first.infolist()]
        if names != [member.filename for member in second.infolist()]:
            return False, "the archives hold different members"
        for name in names:
            if first.read(name) != second.read(name):
                return False, f"{name} differs"
    return True, f"ZIP: {len(names)} members identical, only header times differ"


def main() -> int:
    stop_on_sigterm()
    ARTIFACTS.mkdir(exist_ok=True)
    scratch = Path(tempfile.mkdtemp(prefix="pso-drill."))
    source = target = None
    try:
        # 1. The installation to back up.
        source = Cluster("drill-source", int(os.environ.get("BENCH_PG_PORT", "55434"))).create()
        source.create_database("pso", owner="pso")
        source_env = production_env(source.url("pso", user="pso"), scratch / "media")
        print(
            f"Source cluster {source.dir}, port {source.port}: migrate, generated data, demo …",
            file=sys.stderr,
        )
        manage(source_env, "migrate", "--no-input", "-v", "0")
        manage(source_env, "load_catalogue")
        manage({**source_env, "DJANGO_BENCH_TOOLS": "1"}, "generate_load_data", *GENERATED, "-v", "0")
        manage(source_env, "seed_demo")
        ids = project_ids(source.url("pso"))
        export_all(source_env, ids, scratch / "before")

        # 2. The backup, as docs/operations.md tells it: the database first,
        #    then the files (a file is never changed once stored; one added
        #    meanwhile is only an extra).
        backup = scratch / "backup"
        backup.mkdir()
        started = time.monotonic()
        subprocess.run(
            shown(
                [
                    source.bin / "pg_dump",
                    "--format=custom",
                    f"--file={backup / 'pso.dump'}",
                    source_env["DATABASE_URL"],
                ]
            ),
            check=True,
        )
        dump_took = time.monotonic() - started
        started = time.monotonic()
        subprocess.run(
            shown(
                [
                    "tar",
                    "--create",
                    "--gzip",
                    f"--file={backup / 'media.tar.gz'}",
                    f"--directory={scratch / 'media'}",
                    ".",
                ]
            ),
            check=True,
        )
        tar_took = time.monotonic() - started
        source_facts = database_facts(source.url("pso"))
        source_media = media_files(scratch / "media")
        # The source is gone from here on: the restore uses nothing but the backup.
        source.remove()
        source = None

        # 3. The restore into an empty cluster.
        target = Cluster("drill-restore", int(os.environ.get("BENCH_PG_PORT_RESTORE", "55435"))).create()
        target.create_database("pso", owner="pso")
        restored_env = production_env(target.url("pso", user="pso"), scratch / "media-restored")
        started = time.monotonic()
        subprocess.run(
            shown(
                [
                    target.bin / "pg_restore",
                    "--exit-on-error",
                    "--no-owner",
                    f"--dbname={restored_env['DATABASE_URL']}",
                    backup / "pso.dump",
                ]
            ),
            check=True,
        )
        restore_took = time.monotonic() - started
        (scratch / "media-restored").mkdir()
        subprocess.run(
            shown(
                [
                    "tar",
                    "--extract",
                    "--gzip",
                    f"--file={backup / 'media.tar.gz'}",
                    f"--directory={scratch / 'media-restored'}",
                ]
            ),
            check=True,
        )

        # 4. Checks on the restored copy.
        migrate_check = manage(restored_env, "migrate", "--check", check=False)
        restored_ids = project_ids(target.url("pso"))
        export_all(restored_env, restored_ids, scratch / "after")
        restored_facts = database_facts(target.url("pso"))
        restored_media = media_files(scratch / "media-restored")

        projects = {}
        for project in sorted(set(ids) | set(restored_ids)):
            before, after = (
                scratch / "before" / f"project-{project}",
                scratch / "after" / f"project-{project}",
            )
            if not before.exists() or not after.exists():
                projects[project] = (False, "missing on one side")
                continue
            projects[project] = compare(before, after)
        rows_same = source_facts["rows"] == restored_facts["rows"]
        sequences_same = source_facts["sequences"] == restored_facts["sequences"]
        media_same = source_media == restored_media
        all_same = all(same for same, _how in projects.values())
        result = {
            "measured_at": time.strftime("%Y-%m-%d %H:%M:%S %z"),
            "projects": len(projects),
            "archives": {str(k): {"same": same, "how": how} for k, (same, how) in projects.items()},
            "archive_bytes": sum(path.stat().st_size for path in (scratch / "before").iterdir()),
            "migrate_check_exit": migrate_check.returncode,
            "migrate_check_output": (migrate_check.stdout + migrate_check.stderr).strip()[-2000:],
            "tables": len(source_facts["rows"]),
            "rows": sum(source_facts["rows"].values()),
            "rows_same": rows_same,
            "rows_differing": {
                table: [count, restored_facts["rows"].get(table)]
                for table, count in source_facts["rows"].items()
                if restored_facts["rows"].get(table) != count
            },
            "sequences": len(source_facts["sequences"]),
            "sequences_same": sequences_same,
            "media_files": len(source_media),
            "media_same": media_same,
            "dump_bytes": (backup / "pso.dump").stat().st_size,
            "media_tar_bytes": (backup / "media.tar.gz").stat().st_size,
            "pg_dump_s": round(dump_took, 2),
            "tar_s": round(tar_took, 2),
            "pg_restore_s": round(restore_took, 2),
        }
        (ARTIFACTS / "backup-drill.json").write_text(json.dumps(result, indent=1, ensure_ascii=False) + "\n")
        for project, (same, how) in projects.items():
            print(f"project {project:>4}: {'OK  ' if same else 'DIFF'}  {how}")
        report(result)
        ok = all_same and rows_same and sequences_same and media_same and migrate_check.returncode == 0
        print("Drill passed." if ok else "Drill FAILED: see above.")
        return 0 if ok else 1
    finally:
        for cluster in (source, target):
            if cluster is not None:
                cluster.remove()
        shutil.rmtree(scratch, ignore_errors=True)


def report(result: dict) -> None:
    def yes(value: bool) -> str:
        return "same" if value else "DIFFERENT"

    rows = [
        ("project archives, before and after", f"{sum(a['same'] for a in result['archives'].values())} of {result['projects']} the same"),
        ("manage.py migrate --check", "no migration missing" if result["migrate_check_exit"] == 0 else f"FAILED: {result['migrate_check_output']}"),
        ("row counts", f"{yes(result['rows_same'])} ({result['tables']} tables, {result['rows']:,} rows)"),
        ("sequences", f"{yes(result['sequences_same'])} ({result['sequences']})"),
        ("media files (SHA-256)", f"{yes(result['media_same'])} ({result['media_files']} files)"),
        ("pg_dump -Fc", f"{result['pg_dump_s']} s, {result['dump_bytes']:,} bytes"),
        ("tar of MEDIA_ROOT", f"{result['tar_s']} s, {result['media_tar_bytes']:,} bytes"),
        ("pg_restore", f"{result['pg_restore_s']} s"),
    ]  # fmt: skip
    print("| backup drill | |")
    print("|---|---|")
    for name, value in rows:
        print(f"| {name} | {value} |")


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        sys.exit(130)
