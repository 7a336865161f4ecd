"""Several machines on one PostgreSQL: two app processes on different ports
(gunicorn, as in production) and a task worker started beside the second.
A conflict saved on one node is refused on the other; a task queued on one is
run by the worker of the other. PostgreSQL only (the production layout)."""

import http.cookiejar
import os
import re
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.db import connection

from assessment.models import Project
from certification.models import DraftDossier

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.pdf]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Browser:
    """Cookies, CSRF and forms over plain HTTP against one node."""

    def __init__(self, base: str):
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar), NoRedirect())

    def get(self, path: str) -> tuple[int, str]:
        return self._open(urllib.request.Request(self.base + path))

    def post(self, path: str, data: dict) -> tuple[int, str]:
        csrf = next(cookie.value for cookie in self.jar if cookie.name == "csrftoken")
        body = urllib.parse.urlencode({**data, "csrfmiddlewaretoken": csrf}).encode()
        return self._open(urllib.request.Request(self.base + path, data=body, method="POST"))

    def _open(self, request) -> tuple[int, str]:
        try:
            with self.opener.open(request, timeout=30) as response:
                return response.status, response.read().decode(errors="replace")
        except urllib.error.HTTPError as error:  # 3xx and 4xx land here
            return error.code, error.read().decode(errors="replace")

    def sign_in(self, username: str) -> None:
        # The suite stores passwords with a fast hasher the nodes do not know.
        user = get_user_model().objects.get(username=username)
        hasher = PBKDF2PasswordHasher()
        user.password = hasher.encode("pw-" + username, hasher.salt(), iterations=1000)
        user.save(update_fields=["password"])
        self.get("/accounts/login/")
        status, _body = self.post("/accounts/login/", {"username": username, "password": "pw-" + username})
        assert status == 302, f"{username} could not sign in on {self.base}"


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


@pytest.fixture
def nodes(tmp_path, settings):
    if connection.vendor != "postgresql":
        pytest.skip("the several-machine layout is PostgreSQL's")
    database = connection.settings_dict
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{database['USER']}@{database['HOST'] or '127.0.0.1'}:{database['PORT'] or 5432}/{database['NAME']}",
        "DJANGO_SETTINGS_MODULE": "pso_site.settings",  # not the suite's settings
        "DJANGO_DEBUG": "1",
        "DJANGO_TASKS": "database",
        "MEDIA_ROOT": str(tmp_path / "shared-media"),  # the shared folder (an NFS mount in production)
        "EMAIL_URL": "dummy:",
    }
    settings.MEDIA_ROOT = env["MEDIA_ROOT"]
    processes, bases = [], []
    for _node in range(2):
        port = free_port()
        processes.append(
            subprocess.Popen(
                [BIN / "gunicorn", "pso_site.wsgi", "-b", f"127.0.0.1:{port}", "-w", "1"],
                cwd=ROOT,
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
        )
        bases.append(f"http://127.0.0.1:{port}")
    for base in bases:
        deadline = time.monotonic() + 30
        while True:
            try:
                urllib.request.urlopen(base + "/health/live/", timeout=2)
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.3)
    yield bases, env
    for process in processes:
        process.terminate()
        process.wait(timeout=10)


def token(html: str) -> str:
    return re.search(r'name="snapshot" value="([^"]*)"', html).group(1)


def test_a_conflict_saved_on_one_node_is_refused_on_the_other(nodes, project, editor_a, head_a):
    (first, second), _env = nodes
    a, b = Browser(first), Browser(second)
    a.sign_in("editor_a")
    b.sign_in("head_a")
    step1 = f"/projects/{project.pk}/step/1/"
    _status, page_a = a.get(step1)
    _status, page_b = b.get(step1)
    assert b.post(step1, {"vision": "วิสัยทัศน์จากเครื่องที่สอง", "snapshot": token(page_b)})[0] == 302
    status, refused = a.post(step1, {"vision": "วิสัยทัศน์จากเครื่องแรก", "snapshot": token(page_a)})
    assert status == 200 and 'id="conflict"' in refused
    assert "วิสัยทัศน์จากเครื่องแรก" in refused  # what was typed is kept
    assert Project.objects.get(pk=project.pk).vision == "วิสัยทัศน์จากเครื่องที่สอง"


def test_a_task_queued_on_one_node_is_run_by_a_worker_beside_the_other(nodes, filled_project, editor_a):
    (first, _second), env = nodes
    a = Browser(first)
    a.sign_in("editor_a")
    assert a.post(f"/projects/{filled_project.pk}/dossier/prepare/", {})[0] == 302
    draft = DraftDossier.objects.get(project=filled_project)
    assert draft.status == "pending"  # queued, not built in the request
    subprocess.run(
        [
            BIN / "python",
            "manage.py",
            "db_worker",
            "--queue-name",
            "*",
            "--batch",
            "--no-startup-delay",
            "--no-reload",
        ],
        cwd=ROOT,
        env=env,
        check=True,
        timeout=180,
        capture_output=True,
    )
    draft.refresh_from_db()
    assert draft.status == "ready"
    code, pdf = a.get(f"/projects/{filled_project.pk}/dossier.pdf")
    assert code == 200 and pdf.startswith("%PDF")
