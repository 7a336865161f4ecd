"""``make bench-first-page``: how long a newcomer waits for the first page.

Clones the repository's last commit into a temporary directory and runs
``make run`` there as the README says (SQLite, the demo, a task worker),
on a free ``PORT``: the seconds until the sign-in page answers, until
``seed_demo`` has finished, and until the task worker has built every
document of the demo. Then stops it and runs ``make run`` again in the same
clone (the environment and the database exist): the seconds until the first
page again. Packages install from this machine's warm pip cache, as they
would for a second clone.

Prints a small table and writes test-artifacts/bench-first-page.json.
"""

import json
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TIMEOUT = 900
GOAL_FRESH_S = 60
GOAL_AGAIN_S = 15
GOAL_SEED_S = 30


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status == 200
    except (urllib.error.URLError, OSError):
        return False


def documents_pending(database: Path) -> int | None:
    """Tasks of the worker not yet finished; None before the table exists."""
    try:
        connection = sqlite3.connect(f"file:{database}?mode=ro", uri=True, timeout=1)
        try:
            return connection.execute(
                "SELECT count(*) FROM django_tasks_database_dbtaskresult WHERE status IN ('READY', 'RUNNING')"
            ).fetchone()[0]
        finally:
            connection.close()
    except sqlite3.Error:
        return None


def run_once(clone: Path, *, wait_for_documents: bool) -> dict:
    port = free_port()
    env = {key: value for key, value in os.environ.items() if key not in ("DATABASE_URL", "MAKEFLAGS")}
    env["PORT"] = str(port)
    start = time.monotonic()
    marks: dict[str, float] = {}
    process = subprocess.Popen(
        ["make", "run"],
        cwd=clone,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )

    def read():
        for line in process.stdout:
            if "Demo data ready" in line and "seed_done" not in marks:
                marks["seed_done"] = time.monotonic() - start
            if "seed_demo" in line and "seed_start" not in marks:
                marks["seed_start"] = time.monotonic() - start

    threading.Thread(target=read, daemon=True).start()
    url = f"http://127.0.0.1:{port}/accounts/login/"
    try:
        while not answers(url):
            if process.poll() is not None:
                raise SystemExit(f"make run stopped (exit {process.returncode}) before the first page")
            if time.monotonic() - start > TIMEOUT:
                raise SystemExit("no first page within the time limit")
            time.sleep(0.25)
        result = {"first_page_s": round(time.monotonic() - start, 1)}
        if "seed_start" in marks and "seed_done" in marks:
            result["seed_demo_s"] = round(marks["seed_done"] - marks["seed_start"], 1)
        if wait_for_documents:
            database = clone / "db.sqlite3"
            while documents_pending(database) != 0:
                if time.monotonic() - start > TIMEOUT:
                    raise SystemExit("the demo's documents were not built within the time limit")
                time.sleep(1)
            result["documents_ready_s"] = round(time.monotonic() - start, 1)
        return result
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)


def main():
    with tempfile.TemporaryDirectory(prefix="pso-first-page-") as directory:
        clone = Path(directory) / "pso"
        subprocess.run(["git", "clone", "-q", str(ROOT), str(clone)], check=True)
        print(f"make run in a fresh clone of {ROOT} …", file=sys.stderr)
        fresh = run_once(clone, wait_for_documents=True)
        print("make run again (environment and database exist) …", file=sys.stderr)
        again = run_once(clone, wait_for_documents=False)
    result = {"fresh_clone": fresh, "again": again}
    artifacts = ROOT / "test-artifacts"
    artifacts.mkdir(exist_ok=True)
    (artifacts / "bench-first-page.json").write_text(json.dumps(result, indent=1))
    rows = [
        ("fresh clone: first page", fresh["first_page_s"], GOAL_FRESH_S),
        ("fresh clone: seed_demo", fresh.get("seed_demo_s"), GOAL_SEED_S),
        ("fresh clone: every demo document built", fresh.get("documents_ready_s"), None),
        ("again: first page", again["first_page_s"], GOAL_AGAIN_S),
    ]
    print("| make run | seconds | goal |\n|---|---|---|")
    for name, seconds, goal in rows:
        print(f"| {name} | {seconds if seconds is not None else '—'} | {f'≤ {goal}' if goal else '—'} |")


if __name__ == "__main__":
    main()
