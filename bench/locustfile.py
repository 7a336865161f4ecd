"""Mixed traffic for ``make bench`` (run by bench/load.py against gunicorn
and PostgreSQL on loopback): editors saving grid cells, viewers reading
results, the committee browsing and deciding, auditors listing and
downloading dossiers. Targets come from ``LOCUST_TARGETS`` (a JSON file
bench/load.py writes from the generated database)."""

import hashlib
import hmac
import itertools
import json
import os
import random
import re
import struct
import time
from html.parser import HTMLParser

from locust import FastHttpUser, between, task

TARGETS = json.loads(open(os.environ["LOCUST_TARGETS"], encoding="utf-8").read())
PASSWORD = TARGETS["password"]
_editors = itertools.cycle(TARGETS["editors"])
_viewers = itertools.cycle(TARGETS["viewers"])
_reviewable = iter(TARGETS["reviewable"])
# Each person of the institute signs in once, a code each.
_committee = itertools.cycle(TARGETS["committee"])
_auditors = itertools.cycle(TARGETS["auditors"])


class FormFields(HTMLParser):
    """The fields a browser would post for the form with ``form_id``."""

    def __init__(self, form_id: str):
        super().__init__()
        self.form_id, self.inside, self.fields = form_id, False, {}
        self._select = self._textarea = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.inside = attrs.get("id") == self.form_id
        if not self.inside or "name" not in attrs and tag != "option":
            return
        if tag == "input" and (attrs.get("type") not in ("checkbox", "radio") or "checked" in attrs):
            self.fields[attrs["name"]] = attrs.get("value", "")
        elif tag == "select":
            self._select = attrs["name"]
            self.fields.setdefault(self._select, "")
        elif tag == "option" and self._select and "selected" in attrs:
            self.fields[self._select] = attrs.get("value", "")
        elif tag == "textarea":
            self._textarea = attrs["name"]
            self.fields[self._textarea] = ""

    def handle_data(self, data):
        if self._textarea:
            self.fields[self._textarea] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None


def form_fields(html: str, form_id: str) -> dict:
    parser = FormFields(form_id)
    parser.feed(html)
    return parser.fields


class Person(FastHttpUser):
    abstract = True
    wait_time = between(1, 4)
    username = ""

    def on_start(self):
        page = self.client.get("/accounts/login/", name="login page")
        with self.client.post(
            "/accounts/login/",
            {"username": self.username, "password": PASSWORD, "csrfmiddlewaretoken": csrf(page.text)},
            name="sign in",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code != 302:
                response.failure(f"{self.username} could not sign in")
                return
        # The institute's people are sent to the second step by every page
        # until they give it.
        home = self.client.get("/", name="home after sign-in", allow_redirects=False)
        second_step = home.headers.get("Location", "") if home.status_code == 302 else ""
        if "/accounts/two-step/" in second_step:
            self.second_factor(second_step)

    def second_factor(self, url: str):
        """The institute's people give a code from their authenticator (the
        generated key, ``TARGETS["totp_key"]``). A code is good once: a
        second sign-in to the same account within its 30 seconds gives the
        next one, as the app accepts one step of drift."""
        page = self.client.get(url, name="two-step page")
        for step in (0, 1):
            with self.client.post(
                url,
                {"code": totp(TARGETS["totp_key"], step), "csrfmiddlewaretoken": csrf(page.text)},
                name="two-step code",
                allow_redirects=False,
                catch_response=True,
            ) as response:
                if response.status_code == 302:
                    return
                if step:
                    response.failure(f"{self.username}: code refused")
                else:
                    response.success()


def totp(hex_key: str, ahead: int = 0) -> str:
    """RFC 6238: six digits, SHA-1, 30-second steps (django-otp's defaults)."""
    counter = int(time.time()) // 30 + ahead
    digest = hmac.new(bytes.fromhex(hex_key), struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    return f"{(int.from_bytes(digest[offset : offset + 4], 'big') & 0x7FFFFFFF) % 1_000_000:06d}"


def next_link(html: str) -> str | None:
    """The list's "next page" link (keyset cursors), if there is one."""
    found = re.search(r'<a[^>]*rel="next"[^>]*href="([^"]*cursor=[^"]*)"', html)
    return found.group(1).replace("&amp;", "&") if found else None


def csrf(html: str) -> str:
    """The CSRF token of the page's form (the cookie holds the same secret)."""
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)


class _Lists:
    def follow_next(self, html: str, path: str, name: str):
        """A person reads a few pages on, by the "next" link."""
        for _page in range(random.randint(0, 3)):
            link = next_link(html)
            if link is None:
                return
            html = self.client.get(path + link if link.startswith("?") else link, name=name).text


class Editor(Person):
    """Fills the grid of a draft project: reads a block, changes a cell."""

    weight = 4

    def on_start(self):
        self.target = next(_editors)
        self.username = self.target["username"]
        super().on_start()

    @task(3)
    def save_a_cell(self):
        url = self.target["grid"]
        page = self.client.get(f"{url}?block={random.randint(1, self.target['blocks'])}", name="grid block")
        cells = re.findall(r'name="level-(\d+)"', page.text)
        if not cells:
            return
        cell = random.choice(cells)
        data = {
            "csrfmiddlewaretoken": csrf(page.text),
            "snapshot": re.search(r'name="snapshot" value="([^"]+)"', page.text).group(1),
            "block": re.search(r'name="block" value="(\d+)"', page.text).group(1),
            f"level-{cell}": str(random.randint(0, 3)),
            f"just-{cell}": f"ทดสอบภาระ {random.randint(1, 10**6)}",
        }
        with self.client.post(
            url, data, name="grid save", allow_redirects=False, catch_response=True
        ) as response:
            # 302 saved; 200 with a conflict message when another editor of
            # the same project changed the same cell: both are correct answers.
            if response.status_code not in (200, 302):
                response.failure(f"grid save answered {response.status_code}")

    @task(1)
    def results(self):
        self.client.get(self.target["results"], name="results")


class Viewer(Person):
    """Reads a project: overview, results, history."""

    weight = 3

    def on_start(self):
        self.target = next(_viewers)
        self.username = self.target["username"]
        super().on_start()

    @task(3)
    def results(self):
        self.client.get(self.target["results"], name="results")

    @task(2)
    def overview(self):
        self.client.get(self.target["project"], name="project overview")

    @task(1)
    def history(self):
        self.client.get(self.target["project"] + "history/", name="history")


class Committee(_Lists, Person):
    """Browses the queue, searches it, opens reviews and now and then decides."""

    weight = 1

    def on_start(self):
        self.username = next(_committee)
        super().on_start()

    @task(4)
    def queue(self):
        sort = random.choice(["submitted", "agency", "province"])
        page = self.client.get(f"/committee/?sort={sort}", name="committee queue")
        self.follow_next(page.text, "/committee/", "committee queue, next page")

    @task(2)
    def search(self):
        self.client.get(f"/committee/?q=ที่ {random.randint(1, 999)}", name="committee queue search")

    @task(3)
    def review(self):
        self.client.get(f"/committee/projects/{random.choice(TARGETS['reviews'])}/", name="review page")

    @task(1)
    def decide(self):
        project = next(_reviewable, None)
        if project is None:
            return
        url = f"/committee/projects/{project}/"
        page = self.client.get(url, name="review page")
        data = form_fields(page.text, "review-form")
        data.update(
            {
                "action": "decide",
                "kind": "request_changes",
                "reason": "ทดสอบภาระ: โปรดทบทวนตัวชี้วัด",
                "confirm": "on",
            }
        )
        with self.client.post(
            url, data, name="decide", allow_redirects=False, catch_response=True
        ) as response:
            if response.status_code != 302:
                response.failure(f"decision answered {response.status_code}")


class Auditor(_Lists, Person):
    """Lists certified projects, searches certificates, downloads dossiers."""

    weight = 1

    def on_start(self):
        self.username = next(_auditors)
        super().on_start()

    @task(3)
    def audit_list(self):
        page = self.client.get("/audit/?status=certified", name="auditors' list")
        self.follow_next(page.text, "/audit/", "auditors' list, next page")

    @task(2)
    def certificate_search(self):
        self.client.get(
            f"/audit/?q={random.choice(TARGETS['certificate_prefixes'])}", name="auditors' list search"
        )

    @task(2)
    def download(self):
        self.client.get(random.choice(TARGETS["dossiers"]), name="dossier download")
