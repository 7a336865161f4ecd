"""``make bench-restart``: does the site live through a restart of its database?

A throwaway PostgreSQL cluster (its own directory and port, removed at the
end) gets the migrations and the demo; gunicorn serves it with persistent
connections (``DATABASE_CONN_MAX_AGE``, 60 s: the case where the connection
health checks matter) and a task worker runs beside it (started again 2 s
after it exits, as systemd would: see SupervisedWorker). A few clients, signed
in as agency people, keep reading database-backed pages while one of them
keeps saving step 1 (the vision) of the demo's draft project. Mid-run the
cluster is restarted with ``pg_ctl restart -m fast`` — the app is left alone.

Reported: requests, failed requests (5xx or no answer), the time from the
restart command to the first success and until every client succeeds again,
whether the task worker still takes tasks, and the data afterwards: every save
wholly there (project, its audit row and its history entry) or wholly absent,
the scores of every round and the certified project's archive unchanged.
Printed as a table and written to test-artifacts/restart.json
(docs/operations.md). bench/backup_drill.py uses the cluster helper below.
"""

import contextlib
import datetime
import http.cookiejar
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import psycopg2
from load import wait_for  # bench/load.py: the same wait for a server to answer
from psycopg2 import sql

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
ARTIFACTS = ROOT / "test-artifacts"
WARMUP = float(os.environ.get("BENCH_RESTART_WARMUP", "10"))
AFTER = float(os.environ.get("BENCH_RESTART_AFTER", "20"))
READERS = int(os.environ.get("BENCH_RESTART_READERS", "3"))
WORKERS = os.environ.get("BENCH_GUNICORN_WORKERS", "3")
CONN_MAX_AGE = os.environ.get("BENCH_CONN_MAX_AGE", "60")
# CHECKPOINT just before the restart, as docs/operations.md advises for a planned one.
CHECKPOINT_FIRST = os.environ.get("BENCH_RESTART_CHECKPOINT", "0") == "1"
# Leave the database down this many seconds (stop, wait, start) instead of a plain restart.
DOWN_SECONDS = float(os.environ.get("BENCH_DOWN_SECONDS", "0"))
PAUSE = 0.05  # between two requests of one client
GOAL_SECONDS = 5
PASSWORD = "bench-restart-not-a-secret"


# The throwaway cluster ---------------------------------------------------------


def free_port(preferred: int) -> int:
    """``preferred`` when nothing listens there, else any free port."""
    with socket.socket() as probe:
        # As servers bind: a port whose old connections linger in TIME_WAIT is free.
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(("127.0.0.1", preferred))
        except OSError:
            probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def postgres_bin() -> Path:
    """``PG_BIN``, or the newest PostgreSQL of the Debian packages."""
    if os.environ.get("PG_BIN"):
        return Path(os.environ["PG_BIN"])
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin"), key=lambda path: int(path.parent.name))
    if not found:
        raise SystemExit("No PostgreSQL binaries under /usr/lib/postgresql (apt-get install postgresql).")
    return found[-1]


class Cluster:
    """A PostgreSQL cluster in a temporary directory, on its own port, that
    touches nothing else. Run as user postgres when we are root (the server
    refuses root), as .ci/run does."""

    def __init__(self, name: str, port: int):
        self.bin = postgres_bin()
        self.port = free_port(port)
        self.dir = Path(tempfile.mkdtemp(prefix=f"pso-{name}-pg."))
        self.log = self.dir / "server.log"
        self.as_root = os.geteuid() == 0
        if self.as_root:
            shutil.chown(self.dir, "postgres")

    def tool(self, name: str, *args, check: bool = True, quiet: bool = True) -> subprocess.CompletedProcess:
        command = [str(self.bin / name), *map(str, args)]
        if self.as_root:
            command = ["runuser", "-u", "postgres", "--", *command]
        # Its own session: a Ctrl-C meant for this script must not stop the
        # server behind our back (the cleanup stops it, in order).
        return subprocess.run(
            command,
            check=check,
            stdout=subprocess.DEVNULL if quiet else None,
            stderr=subprocess.PIPE,
            text=True,
            start_new_session=True,
        )

    def create(self) -> "Cluster":
        self.tool(
            "initdb", "-D", self.dir, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8"
        )
        return self.start()

    def start(self) -> "Cluster":
        self.tool(
            "pg_ctl",
            "-D",
            self.dir,
            "-l",
            self.log,
            "-w",
            "-o",
            f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 -c log_timezone=UTC",
            "start",
        )
        return self

    def restart(self) -> None:
        # The options of the first start are reused (postmaster.opts).
        if DOWN_SECONDS > 0:  # a longer outage: stopped, left down, started again
            self.tool("pg_ctl", "-D", self.dir, "-m", "fast", "-w", "stop")
            time.sleep(DOWN_SECONDS)
            self.start()
            return
        self.tool("pg_ctl", "-D", self.dir, "-l", self.log, "-m", "fast", "-w", "restart")

    def restart_phases(self) -> dict:
        """From the server's log: seconds from the shutdown request of the
        last restart to the end of its checkpoint, to the server being down
        and to it accepting connections again."""
        lines = self.log.read_text(errors="replace").splitlines()
        start = max(i for i, line in enumerate(lines) if "received fast shutdown request" in line)

        def at(line: str) -> float:
            stamp = datetime.datetime.strptime(line[:23], "%Y-%m-%d %H:%M:%S.%f")
            return stamp.replace(tzinfo=datetime.UTC).timestamp()

        begun = at(lines[start])
        phases = {"shutdown_requested_at": begun}
        for line in lines[start:]:
            for name, words in (
                ("checkpoint_done_s", "checkpoint complete"),
                ("down_s", "database system is shut down"),
                ("accepting_s", "ready to accept connections"),
            ):
                if words in line:
                    phases[name] = round(at(line) - begun, 2)
            if "checkpoint complete" in line:
                written = re.search(r"wrote (\d+) buffers", line)
                total = re.search(r"total=([0-9.]+) s", line)
                phases["checkpoint"] = f"{written and written[1]} buffers in {total and total[1]} s"
        return phases

    def remove(self) -> None:
        if (self.dir / "postmaster.pid").exists():
            self.tool("pg_ctl", "-D", self.dir, "-m", "immediate", "-w", "stop", check=False)
        shutil.rmtree(self.dir, ignore_errors=True)

    def url(self, database: str, user: str = "postgres") -> str:
        return f"postgres://{user}@127.0.0.1:{self.port}/{database}"

    def execute(self, *statements) -> None:
        """Each statement alone, outside a transaction (CREATE DATABASE needs it)."""
        connection = psycopg2.connect(self.url("postgres"))
        connection.autocommit = True
        with connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)
        connection.close()

    def create_database(self, name: str, owner: str = "postgres") -> None:
        if owner != "postgres":
            self.execute(sql.SQL("CREATE ROLE {} LOGIN").format(sql.Identifier(owner)))
        self.execute(
            sql.SQL("CREATE DATABASE {} OWNER {} TEMPLATE template0 ENCODING 'UTF8'").format(
                sql.Identifier(name), sql.Identifier(owner)
            )
        )


def stop_on_sigterm() -> None:
    """A TERM (e.g. from make being stopped) unwinds like Ctrl-C, so every
    ``finally`` cleans up."""

    def handler(signum, frame):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, handler)


def production_env(database_url: str, media_root: Path, **extra) -> dict:
    """The environment of a production-like run (README), on loopback."""
    return {
        # Files go to the temporary MEDIA_ROOT, never to a bucket of the caller's environment.
        **{name: value for name, value in os.environ.items() if not name.startswith("S3_")},
        "DATABASE_URL": database_url,
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": "bench-only-not-a-secret-" + "x" * 40,
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_SECURE_COOKIES": "0",  # plain HTTP on loopback
        "EMAIL_URL": "dummy:",
        "DJANGO_TASKS": "database",
        "MEDIA_ROOT": str(media_root),
        "DEMO_PASSWORD": PASSWORD,
        **extra,
    }


def manage(env: dict, *args: str) -> None:
    subprocess.run(
        [BIN / "python", "manage.py", *args], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL
    )


def stop(process: subprocess.Popen | None) -> int | None:
    """Stop a process we started (TERM, then KILL after 10 s); its exit code."""
    if process is None:
        return None
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    return process.returncode


class SupervisedWorker(threading.Thread):
    """``manage.py task_worker`` as systemd runs it with ``Restart=always`` and
    ``RestartSec=2`` (docs/operations.md): started again 2 s after it exits.
    The worker leaves on a database error, so without such a supervisor a
    restart of the database can end it."""

    RESTART_AFTER = 2

    def __init__(self, env: dict, log):
        super().__init__(name="worker supervisor", daemon=True)
        self.env, self.log = env, log
        self.exits: list[int] = []
        self.starts: list[float] = []
        self.process: subprocess.Popen | None = None
        self.stopping = threading.Event()
        self.lock = threading.Lock()

    def run(self) -> None:
        while True:
            with self.lock:
                if self.stopping.is_set():
                    return
                self.process = subprocess.Popen(
                    [BIN / "python", "manage.py", "task_worker", "--queue-name", "*"],
                    cwd=ROOT,
                    env=self.env,
                    stdout=self.log,
                    stderr=subprocess.STDOUT,
                    start_new_session=True,
                )
                self.starts.append(time.monotonic())
            code = self.process.wait()
            if self.stopping.is_set():
                return
            self.exits.append(code)
            if self.stopping.wait(self.RESTART_AFTER):
                return

    def stop(self) -> None:
        with self.lock:
            self.stopping.set()
            stop(self.process)
        self.join(15)


# Clients -----------------------------------------------------------------------


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # a 302 is an answer to record, not to follow


@dataclass
class Request:
    client: str
    kind: str
    started: float
    ended: float
    status: int  # 0: no answer
    ok: bool  # the answer expected: 200 for a page, 302 for a sign-in or a save
    marker: str = ""

    @property
    def failed(self) -> bool:
        """A server error or no answer (anything else unexpected is counted apart)."""
        return self.status == 0 or self.status >= 500


class Client(threading.Thread):
    """One signed-in person: reads pages in a loop, or (``saves``) opens
    step 1 and saves a new vision each time."""

    def __init__(self, name: str, base: str, username: str, pages: list[str], saves: str = ""):
        super().__init__(name=name, daemon=True)
        self.base, self.username, self.pages, self.saves = base, username, pages, saves
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), NoRedirect
        )
        self.requests: list[Request] = []
        self.stopping = threading.Event()

    def call(self, kind: str, path: str, data: dict | None = None, expect: int = 200, marker: str = ""):
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        request = urllib.request.Request(self.base + path, data=body)
        if body is not None:
            request.add_header("Referer", self.base + path)
        started = time.monotonic()
        text, status = "", 0
        try:
            with self.opener.open(request, timeout=15) as response:
                status, text = response.status, response.read().decode("utf-8", "replace")
        except urllib.error.HTTPError as answer:
            status = answer.code
        except OSError:
            status = 0
        self.requests.append(
            Request(self.name, kind, started, time.monotonic(), status, status == expect, marker)
        )
        return status, text

    def sign_in(self) -> None:
        status, page = self.call("login page", "/accounts/login/")
        status, _ = self.call(
            "sign in",
            "/accounts/login/",
            {"username": self.username, "password": PASSWORD, "csrfmiddlewaretoken": csrf(page)},
            expect=302,
        )
        if status != 302:
            raise RuntimeError(f"{self.username} could not sign in ({status})")

    def run(self) -> None:
        number = 0
        while not self.stopping.is_set():
            if self.saves:
                number += 1
                self.save(number)
            else:
                for path in self.pages:
                    self.call("page", path)
                    time.sleep(PAUSE)
            time.sleep(PAUSE)

    def save(self, number: int) -> None:
        status, page = self.call("step 1 page", self.saves)
        snapshot = re.search(r'name="snapshot" value="([^"]+)"', page)
        if status != 200 or snapshot is None:
            return
        marker = f"{self.name} save {number:05d}"
        self.call(
            "step 1 save",
            self.saves,
            {"csrfmiddlewaretoken": csrf(page), "snapshot": snapshot[1], "vision": marker},
            expect=302,
            marker=marker,
        )


def csrf(html: str) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)


# What the database holds --------------------------------------------------------


def django_setup(env: dict) -> None:
    os.environ.update(
        {k: v for k, v in env.items() if k.startswith(("DATABASE", "DJANGO", "MEDIA", "EMAIL"))}
    )
    os.environ["DJANGO_SETTINGS_MODULE"] = "pso_site.settings"
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def demo_projects() -> tuple[int, int]:
    """The demo's certified project of B.E. 2544 and its draft renewal."""
    from assessment.models import Project

    projects = Project.objects.filter(agency__code="lampang-po").order_by("fiscal_year")
    certified = projects.get(status=Project.Status.CERTIFIED)
    draft = projects.get(status=Project.Status.DRAFT)
    return certified.pk, draft.pk


def state(certified_id: int) -> dict:
    """What must not change: every round's stored and recomputed scores, and
    the certified project's whole archive document."""
    from assessment.models import AssessmentRound, Project
    from assessment.results import round_score
    from assessment.scoring import to_display
    from certification.archive import archive_export

    rounds = {}
    for assessment_round in AssessmentRound.objects.select_related("project").order_by(
        "project_id", "number"
    ):
        score = round_score(assessment_round)
        rounds[f"project {assessment_round.project_id} round {assessment_round.number}"] = {
            "stored_total": str(assessment_round.total_score),
            "stored_levels": assessment_round.criterion_levels,
            "computed_total": str(to_display(score.total)),
        }
    document = archive_export(Project.objects.get(pk=certified_id)).document
    return {"rounds": rounds, "certified_archive": json.dumps(document, ensure_ascii=False, sort_keys=True)}


def saves_check(draft_id: int, saves: list[Request]) -> dict:
    """Each save is all there — the project's new vision, its audit row
    (django-simple-history) and its readable change entry — or not there at
    all; every save answered 302 is there; the vision now is the last one
    stored."""
    from assessment.models import ChangeEntry, Project

    history = list(
        Project.history.filter(id=draft_id).order_by("history_date").values_list("vision", flat=True)
    )
    entries = [
        change["after"]
        for changes in ChangeEntry.objects.filter(project_id=draft_id, model_label="assessment.project")
        .order_by("at", "id")
        .values_list("changes", flat=True)
        for change in changes
        if change.get("field") == "vision"
    ]
    problems, present = [], 0
    for save in saves:
        rows, entry = history.count(save.marker), entries.count(save.marker)
        if rows != entry or rows > 1:
            problems.append(f"{save.marker}: {rows} audit rows, {entry} change entries")
        elif rows == 0 and save.ok:
            problems.append(f"{save.marker}: answered 302 but is not stored")
        present += rows == 1
    vision = Project.objects.get(pk=draft_id).vision
    if vision != history[-1]:
        problems.append(f"the vision now ({vision!r}) is not the last audit row ({history[-1]!r})")
    return {
        "saves": len(saves),
        "answered_302": sum(save.ok for save in saves),
        "present": present,
        "absent": len(saves) - present,
        "problems": problems,
    }


def worker_probe(project_id: int, seconds: float = 30) -> float | None:
    """Queue a cheap task (an e-mail to the dummy backend) and wait for the
    worker to run it: seconds it took, None if it did not."""
    from django.db import connections

    from certification.tasks import mail_project_submitted

    connections.close_all()  # this process's connection did not live through the restart
    started = time.monotonic()
    result = mail_project_submitted.enqueue(project_id)
    while time.monotonic() - started < seconds:
        result.refresh()
        if result.status == "SUCCESSFUL":
            return round(time.monotonic() - started, 2)
        if result.status == "FAILED":
            return None
        time.sleep(0.2)
    return None


# The run ---------------------------------------------------------------------


def recovery(requests: list[Request], restart_at: float) -> dict:
    """Seconds from the restart command until the first success after it,
    and until every client has succeeded again after its last failure."""
    after = [r for r in requests if r.started >= restart_at]
    failed = [r for r in requests if r.failed]
    first = min((r.ended for r in after if r.ok), default=None)
    if failed:
        first = min((r.ended for r in after if r.ok and r.started >= failed[0].ended), default=None)
    every = []
    for client in sorted({r.client for r in requests}):
        mine = [r for r in after if r.client == client]
        last_failure = max((r.ended for r in mine if r.failed), default=restart_at)
        back = min((r.ended for r in mine if r.ok and r.started >= last_failure), default=None)
        every.append(back)
    return {
        "first_success_s": None if first is None else round(first - restart_at, 2),
        "all_clients_s": None if None in every or not every else round(max(every) - restart_at, 2),
        "failures_from_s": round(failed[0].started - restart_at, 2) + 0.0 if failed else None,
        "failures_until_s": round(max(r.ended for r in failed) - restart_at, 2) if failed else None,
    }


def main() -> int:
    stop_on_sigterm()
    ARTIFACTS.mkdir(exist_ok=True)
    cluster = web = worker = None
    clients: list[Client] = []
    scratch = Path(tempfile.mkdtemp(prefix="pso-restart."))
    logs = contextlib.ExitStack()
    try:
        cluster = Cluster("restart", int(os.environ.get("BENCH_PG_PORT", "55433"))).create()
        cluster.create_database("pso")
        port = free_port(8801)
        env = production_env(
            cluster.url("pso"),
            scratch / "media",
            DATABASE_CONN_MAX_AGE=CONN_MAX_AGE,
            SITE_URL=f"http://127.0.0.1:{port}",
        )
        print(
            f"Cluster {cluster.dir} on port {cluster.port}; migrating and seeding the demo …", file=sys.stderr
        )
        manage(env, "migrate", "--no-input", "-v", "0")
        manage(env, "seed_demo")
        manage(env, "collectstatic", "--no-input", "-v", "0")
        django_setup(env)
        certified_id, draft_id = demo_projects()
        before = state(certified_id)

        # Their output (Django logs each failed request with its traceback) goes to files.
        web = subprocess.Popen(
            [BIN / "gunicorn", "pso_site.wsgi", "-b", f"127.0.0.1:{port}", "-w", WORKERS]
            + ["--access-logfile", "/dev/null"],
            cwd=ROOT,
            env=env,
            stdout=logs.enter_context(open(scratch / "gunicorn.log", "w")),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        worker = SupervisedWorker(env, logs.enter_context(open(scratch / "worker.log", "w")))
        worker.start()
        base = f"http://127.0.0.1:{port}"
        wait_for(f"{base}/health/live/")
        worker_before = worker_probe(certified_id)

        pages = [f"/projects/{draft_id}/", f"/projects/{draft_id}/results/", "/"]
        readers = ["lampang_head", "lampang_viewer", "lampang_editor"]
        clients = [Client(f"reader-{n + 1}", base, readers[n % 3], pages) for n in range(READERS)]
        clients.append(Client("editor", base, "lampang_editor", [], saves=f"/projects/{draft_id}/step/1/"))
        for client in clients:
            client.sign_in()
            client.start()
        print(f"{len(clients)} clients for {WARMUP:.0f} s, then pg_ctl restart -m fast …", file=sys.stderr)
        time.sleep(WARMUP)
        if CHECKPOINT_FIRST:
            cluster.execute("CHECKPOINT")
        restart_at, restart_wall = time.monotonic(), time.time()
        cluster.restart()
        restart_took = time.monotonic() - restart_at
        time.sleep(AFTER)
        for client in clients:
            client.stopping.set()
        for client in clients:
            client.join(30)
        worker_after = worker_probe(certified_id)

        requests = sorted((r for client in clients for r in client.requests), key=lambda r: r.started)
        requests = [r for r in requests if r.kind not in ("login page", "sign in")]
        saves = [r for r in requests if r.kind == "step 1 save"]
        integrity = saves_check(draft_id, saves)
        after = state(certified_id)
        unchanged = before == after
        if not unchanged:
            integrity["problems"].append("scores or the certified project's archive changed")
        computed = all(row["stored_total"] == row["computed_total"] for row in after["rounds"].values())
        if not computed:
            integrity["problems"].append("a round's stored total differs from its recomputed total")
        timing = recovery(requests, restart_at)
        phases = cluster.restart_phases()
        # Requests that failed although they started once the server accepted
        # connections again: a kept connection that nothing checked would do that.
        accepting = phases.pop("shutdown_requested_at") + phases.get("accepting_s", 0) - restart_wall
        timing["failed_after_accepting"] = sum(
            r.failed and r.started - restart_at > accepting for r in requests
        )
        timing["accepting_s"] = round(accepting, 2)
        failed = [r for r in requests if r.failed]
        unexpected = [r for r in requests if not r.ok and not r.failed]
        result = {
            "measured_at": time.strftime("%Y-%m-%d %H:%M:%S %z"),
            "gunicorn_workers": int(WORKERS),
            "conn_max_age": int(CONN_MAX_AGE),
            "checkpoint_first": CHECKPOINT_FIRST,
            "clients": len(clients),
            "warmup_s": WARMUP,
            "after_s": AFTER,
            "requests": len(requests),
            "failed": len(failed),
            "failed_by_status": {
                str(status): sum(r.status == status for r in failed)
                for status in sorted({r.status for r in failed})
            },
            "unexpected": {
                f"{r.kind} {r.status}": sum((u.kind, u.status) == (r.kind, r.status) for u in unexpected)
                for r in unexpected
            },
            "failed_by_kind": {
                kind: sum(r.kind == kind for r in failed) for kind in sorted({r.kind for r in failed})
            },
            "pg_ctl_restart_s": round(restart_took, 2),
            "server_log": phases,
            **timing,
            "saves": integrity,
            "rounds_checked": len(after["rounds"]),
            "scores_and_certified_archive_unchanged": unchanged,
            "worker_task_before_s": worker_before,
            "worker_exits": worker.exits,
            "worker_started_again_s": [round(at - restart_at, 2) for at in worker.starts if at > restart_at],
            "worker_exit_reasons": sorted(
                set(re.findall(r"^\S*?(\w*Error: .*)$", (scratch / "worker.log").read_text(), re.M))
            ),
            "worker_task_after_s": worker_after,
        }
        (ARTIFACTS / "restart.json").write_text(json.dumps(result, indent=1, ensure_ascii=False) + "\n")
        report(result)
        # The goal counts the app's own recovery: after a deliberate outage
        # (BENCH_DOWN_SECONDS), from the moment the database accepts again.
        outage = (result.get("accepting_s") or 0) if DOWN_SECONDS > 0 else 0
        recovered = result["all_clients_s"] is not None and result["all_clients_s"] - outage <= GOAL_SECONDS
        return 0 if recovered and not integrity["problems"] and worker_after is not None else 1
    finally:
        for client in clients:
            client.stopping.set()
        stop(web)
        if worker is not None:
            worker.stop()
        logs.close()
        if cluster is not None:
            cluster.remove()
        shutil.rmtree(scratch, ignore_errors=True)


def report(result: dict) -> None:
    def seconds(value):
        return "never" if value is None else f"{value} s"

    saves = result["saves"]
    rows = [
        ("requests", result["requests"]),
        ("failed (5xx or no answer)", f"{result['failed']} {result['failed_by_status'] or ''}".strip()),
        ("other unexpected answers", result["unexpected"] or "none"),
        ("pg_ctl restart -m fast took", seconds(result["pg_ctl_restart_s"])),
        ("  server log (s after the shutdown request)", ", ".join(f"{k} {v}" for k, v in result["server_log"].items())),
        ("failures between", f"{result['failures_from_s']} s and {result['failures_until_s']} s"),
        ("restart → PostgreSQL accepts connections", seconds(result["accepting_s"])),
        ("  failed requests started after that", result["failed_after_accepting"]),
        ("restart → first success", seconds(result["first_success_s"])),
        ("restart → every client succeeds", seconds(result["all_clients_s"])),
        ("step 1 saves: answered 302 / stored / not stored", f"{saves['answered_302']} / {saves['present']} / {saves['absent']} of {saves['saves']}"),
        ("integrity problems", "; ".join(saves["problems"]) or "none"),
        ("round scores, certified archive", "unchanged" if result["scores_and_certified_archive_unchanged"] else "CHANGED"),
        ("task worker exits (exit codes)", f"{len(result['worker_exits'])} {result['worker_exits'] or ''}".strip()),
        ("  because", "; ".join(result["worker_exit_reasons"]) or "—"),
        ("  started again by the supervisor at", ", ".join(f"{at} s" for at in result["worker_started_again_s"]) or "—"),
        ("task queued after restart ran in", seconds(result["worker_task_after_s"])),
    ]  # fmt: skip
    print(
        f"| database restart (gunicorn -w {result['gunicorn_workers']}, CONN_MAX_AGE {result['conn_max_age']}, "
        f"{result['clients']} clients{', CHECKPOINT first' if result['checkpoint_first'] else ''}) | |"
    )
    print("|---|---|")
    for name, value in rows:
        print(f"| {name} | {value} |")


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        sys.exit(130)
