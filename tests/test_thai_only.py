"""Thai throughout: a person who reads the site in Thai meets no English word
— on the pages they reach, in the dossier the institute signs, in the
e-mails the site sends them, in the messages Django gives after a form.

The crawl signs in as the agency's head, a committee member, an auditor and
a standards administrator (and as nobody, for the sign-in, password and
public verification pages), starts from the home page and the pages of a
filled (draft), a submitted and a certified project, and follows the links
of the site (GET only; a few pages of each kind, so the crawl stays bounded).
The dossier is its HTML (the PDF is rendered from it), the e-mails are those
the site sends (``agencies.notify``), rendered in Thai; the password-reset
e-mail, written in Thai and then English in one template
(registration/password_reset_email.html), is not read here.

What counts as English: a word of two or more Latin letters in the visible
text (tags, scripts and styles stripped; of the attributes only what a
person sees or hears: title, placeholder, aria-label, alt, the value of an
input button). Not words: text marked as another language (``lang="en"``:
the language switch's "English", a quoted screen of an English-only
program) and code (``<code>``, ``<kbd>``, ``<samp>``, ``<pre>``: a command,
a key to type, a hash). Data stored in English by design — codes, English
names (``*_en``), usernames, the certificate's own subject, the access log's
recorded lines — is data, not a label (``data_in_english``). The rest must
be in ``ALLOWED_WORDS``, ``ADDRESSES``, ``ALLOWED_PATTERNS`` or
``FIXED_ALTS``, each entry with why.

Sizes: bytes read "ไบต์"; KB, MB and GB stay as they are, as Thai
officials read and write them (the upload limits already say "10 MB"), one
decimal: "512 ไบต์", "12.3 KB". Django's ``filesizeformat`` writes them so
in Thai (its own catalogue), on every page, in the history and the dossier.
"""

import re
from collections import Counter, defaultdict, deque
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core import mail
from django.test import Client
from django.urls import Resolver404, resolve, reverse
from django.utils import timezone, translation
from django.utils.html import strip_tags

from agencies import services as agency_services
from agencies.models import AccessEvent, Membership, Standard
from assessment import services
from certification import dossier, notifications
from certification import services as certification
from certification.models import Certificate, Decision
from pso_site.lib import signing
from tests.pages import grow

pytestmark = pytest.mark.django_db

# Words of the Latin alphabet that a Thai page may carry, each with why.
ALLOWED_WORDS = {
    # Certificate numbers (PSO-1101-2569-0001); "P.S.O." itself is single letters.
    "PSO",
    # File formats people download or upload, named as the files are.
    "PDF",
    "CSV",
    "PEM",
    # The institute's seal: the two picture formats the admin accepts.
    "PNG",
    "JPEG",
    # Units of size (bytes read ไบต์; see the module's docstring).
    "KB",
    "MB",
    # The hash every file and document is listed with (SHA-256).
    "SHA",
    # The example of an agency's code in the new agency form's help.
    "lampang-po",
}

# Django's admin gives some icons a fixed English alt text, which no catalogue
# translates: yes/no/unknown (admin_list._boolean_icon) and the search glass.
FIXED_ALTS = {"True", "False", "None", "Search"}

# Addresses: links shown in full, e-mail addresses (read before the data, which
# they may hold: a username in a link).
ADDRESSES = [re.compile(r"https?://\S+"), re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")]

ALLOWED_PATTERNS = [
    # Hashes and fingerprints (hexadecimal), shown in full or shortened to 8 or more digits.
    re.compile(r"\b(?=[0-9a-fA-F]*[0-9])[0-9a-fA-F]{8,}\b"),
    # Products named as their makers name them: the spreadsheet, the PDF reader, the
    # authenticator apps the two-step sign-in pages suggest.
    re.compile(r"\b(?:Excel|Adobe Acrobat Reader|Google Authenticator|Microsoft Authenticator|FreeOTP)\b"),
    # File names people gave their uploads, the record in every issued document, extensions.
    re.compile(r"[\w.-]*\.(?:pdf|xlsx|csv|json|pem)\b"),
]

WORD = re.compile(r"[A-Za-z][A-Za-z_]*(?:['’-][A-Za-z]+)*")

VISIBLE_ATTRIBUTES = {"title", "placeholder", "aria-label", "alt"}
INPUT_BUTTONS = {"submit", "button", "reset"}
NOT_WORDS = {"script", "style", "code", "kbd", "samp", "pre"}
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class VisibleText(HTMLParser):
    """The words of a page as a person meets them."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.stack: list[tuple[str, bool]] = []

    @property
    def hidden(self) -> bool:
        return bool(self.stack) and self.stack[-1][1]

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        language = (attributes.get("lang") or "th").lower()
        hidden = self.hidden or tag in NOT_WORDS or not language.startswith("th")
        if not hidden:
            self.parts.extend(
                value
                for name, value in attrs
                if name in VISIBLE_ATTRIBUTES and value and not (name == "alt" and value in FIXED_ALTS)
            )
            if tag == "input" and (attributes.get("type") or "").lower() in INPUT_BUTTONS:
                self.parts.append(attributes.get("value") or "")
        if tag not in VOID:
            self.stack.append((tag, hidden))

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in VOID:
            self.stack.pop()

    def handle_endtag(self, tag):
        for index in range(len(self.stack) - 1, -1, -1):
            if self.stack[index][0] == tag:
                del self.stack[index:]
                return

    def handle_data(self, data):
        if not self.hidden:
            self.parts.append(data)


def visible_text(html: str) -> str:
    parser = VisibleText()
    parser.feed(html)
    parser.close()
    return " ".join(part for part in parser.parts if part.strip())


def data_in_english() -> re.Pattern:
    """What the database holds in English by design, as whole words: codes
    (of agencies, standards, criteria, categories), English names and
    guidance (``*_en``), people's usernames and names as they typed them,
    the institute's certificate's own subject, and the access log's lines as
    recorded (their subjects and addresses, and the action codes by which its
    rows name themselves in the admin)."""
    values = set()
    for model in apps.get_models():
        if model._meta.app_label not in ("agencies", "assessment", "plans", "certification"):
            continue
        names = [
            f.name
            for f in model._meta.concrete_fields
            if (f.name == "code" or f.name.endswith("_en"))
            and f.get_internal_type() in ("CharField", "SlugField", "TextField")
        ]
        for row in model.objects.values_list(*names) if names else ():
            values.update(value for value in row if value)
    for row in get_user_model().objects.values_list("username", "first_name", "last_name"):
        values.update(value for value in row if value)
    values.update(value for _label, value in signing.identity().subject)
    values.update(AccessEvent.Action.values)
    for row in AccessEvent.objects.values_list("subject", "path"):
        values.update(value for value in row if value)
    values = sorted((v for v in values if re.search("[A-Za-z]", v)), key=len, reverse=True)
    # Whole words of the Latin alphabet: Thai is written without spaces ("คุณHead_A").
    return re.compile(
        "|".join(rf"(?<![A-Za-z0-9_-]){re.escape(value)}(?![A-Za-z0-9_-])" for value in values) or "(?!)"
    )


class Findings:
    """English words found, each with where and around what. Texts are
    read at the end, against the data of the end (a crawl adds to the
    access log as it goes)."""

    def __init__(self):
        self.texts: list[tuple[str, str]] = []

    def check(self, where: str, text: str) -> None:
        self.texts.append((where, text))

    def words(self) -> dict[str, list[str]]:
        data = data_in_english()
        found = defaultdict(list)
        for where, text in self.texts:
            cleared = text
            for pattern in ADDRESSES:
                cleared = pattern.sub(" ", cleared)
            cleared = data.sub(" ", cleared)
            for pattern in ALLOWED_PATTERNS:
                cleared = pattern.sub(" ", cleared)
            for word in WORD.findall(cleared):
                if len(word) > 1 and word not in ALLOWED_WORDS:
                    at = re.search(rf"\b{re.escape(word)}\b", text)
                    at = at.start() if at else 0
                    found[word].append(f"{where}: …{text[max(0, at - 60) : at + 60]}…")
        return found

    def report(self) -> str:
        """Empty when all is Thai; else each word, how often, and its first place."""
        found = self.words()
        return "\n".join(
            f"{word!r} ({len(places)}×) {places[0]}"
            for word, places in sorted(found.items(), key=lambda item: -len(item[1]))
        )


# The crawl -------------------------------------------------------------------------

SKIPPED_PREFIXES = ("/static/", "/media/", "/i18n/", "/accounts/logout/", "/admin/logout/")
# A kind of page is its view and, where the URL says it, the step, round or
# guide it shows; the rest of a URL (which project, cell, activity) is not.
KIND_ARGUMENTS = ("number", "role")
PAGES_PER_KIND = 3
PAGES_PER_PERSON = 300


def thai_client() -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="th")
    client.cookies["django_language"] = "th"
    return client


def internal(base: str, href: str) -> str | None:
    """The path (and query) of a link to this site, or None."""
    if not href or href.startswith(("#", "mailto:", "javascript:", "data:", "tel:")):
        return None
    parts = urlsplit(urljoin(base, href))
    if parts.netloc not in ("", "testserver") or parts.scheme not in ("", "http", "https"):
        return None
    if parts.path.startswith(SKIPPED_PREFIXES) or "download=" in parts.query:
        return None
    return parts.path + (f"?{parts.query}" if parts.query else "")


class Links(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.hrefs: list[str] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        # A download is a file (a workbook, a PDF), not a page.
        if tag == "a" and attributes.get("href") and "download" not in attributes:
            self.hrefs.append(attributes["href"])


def crawl(client: Client, starts: list[str], findings: Findings, who: str) -> set[str]:
    """Open the start pages and the pages they link to, a few of each kind."""
    queue = deque(starts)
    seen = set(starts)
    kinds: Counter = Counter()
    opened: set[str] = set()
    while queue and len(opened) < PAGES_PER_PERSON:
        url = queue.popleft()
        try:
            match = resolve(urlsplit(url).path)
            kind = (match.view_name, *(match.kwargs.get(name) for name in KIND_ARGUMENTS))
        except Resolver404:
            kind = url
        if url not in starts and kinds[kind] >= PAGES_PER_KIND:
            continue
        kinds[kind] += 1
        response = client.get(url)
        if response.status_code in (301, 302, 303):
            target = internal(url, response["Location"])
            if target and target not in seen:
                seen.add(target)
                queue.append(target)
            continue
        if response.status_code != 200 or not response.get("Content-Type", "").startswith("text/html"):
            continue
        opened.add(url)
        html = response.content.decode()
        findings.check(f"{who} {url}", visible_text(html))
        links = Links()
        links.feed(html)
        for href in links.hrefs:
            target = internal(url, href)
            if target and target not in seen:
                seen.add(target)
                queue.append(target)
    return opened


# The projects ----------------------------------------------------------------------


@pytest.fixture
def three_projects(certified, agency_a, editor_a, head_a, django_capture_on_commit_callbacks):
    """A certified project, a submitted one and a filled draft, with evidence."""
    standard = Standard.objects.get(code="1101")

    def filled(year):
        project = services.project_create(agency=agency_a, standard=standard, fiscal_year=year, user=editor_a)
        return grow(
            project, editor_a, missions=3, indicators_per_criterion=1, rounds=1, plans=1, activities=2
        )

    submitted = filled(2026)
    with django_capture_on_commit_callbacks(execute=True):
        certification.project_submit(project_id=submitted.pk, user=head_a)
    draft = filled(2027)
    return {"certified": certified, "submitted": submitted, "draft": draft}


def test_the_pages_a_thai_reader_reaches_are_in_thai(
    three_projects, head_a, committee_member, auditor, standards_admin
):
    findings = Findings()
    project_pages = [reverse("assessment:project", args=[p.pk]) for p in three_projects.values()]
    opened = {}
    for who, user in (
        ("head", head_a),
        ("committee", committee_member),
        ("auditor", auditor),
        ("standards administrator", standards_admin),
    ):
        client = thai_client()
        client.force_login(user)
        opened[who] = crawl(client, [reverse("home"), *project_pages], findings, who)
    certificate = Certificate.objects.get(project=three_projects["certified"])
    anonymous = [
        reverse("login"),
        reverse("password_reset"),
        reverse("password_reset_done"),
        reverse("password_reset_complete"),
        reverse("password_reset_confirm", args=["MQ", "set-password"]),
        reverse("verify_lookup"),
        reverse("verify_document"),
        reverse("verify", args=[certificate.token]),
    ]
    opened["anonymous"] = crawl(thai_client(), anonymous, findings, "anonymous")
    everywhere = set().union(*opened.values())
    # The crawl reached what it is meant to read (a broken sign-in would read nothing).
    assert {who: len(urls) >= 20 for who, urls in opened.items() if who != "anonymous"} == dict.fromkeys(
        ("head", "committee", "auditor", "standards administrator"), True
    )
    history = reverse("assessment:history", args=[three_projects["submitted"].pk])
    assert {history, reverse("password_change"), reverse("admin:index"), *anonymous} <= everywhere
    report = findings.report()
    assert not report, f"English on Thai pages ({len(everywhere)} read):\n" + report


def test_the_dossier_is_in_thai(three_projects):
    findings = Findings()
    for state, project in three_projects.items():
        html = dossier.dossier_html(project, draft=state == "draft")
        findings.check(f"dossier of the {state} project", visible_text(html))
    report = findings.report()
    assert not report, "English in the dossier:\n" + report


def test_the_e_mails_are_in_thai(
    three_projects, head_a, editor_a, committee_member, django_capture_on_commit_callbacks
):
    from agencies.tasks import mail_two_step_changed
    from agencies.twofactor import CHANGES

    for person in (head_a, editor_a, committee_member):
        person.email = f"{person.username}@example.org"
        person.save(update_fields=["email"])
    project = three_projects["certified"]
    certificate = Certificate.objects.get(project=project)
    mail.outbox = []
    with translation.override("th"), django_capture_on_commit_callbacks(execute=True):
        agency_services.invitation_create(
            agency=project.agency, username="new.person@example.org", role=Membership.Role.EDITOR, by=head_a
        )
    notifications.project_submitted(three_projects["submitted"])
    for decision in project.decisions.all():
        notifications.project_decided(project, decision)
    for kind in (Decision.Kind.REQUEST_CHANGES, Decision.Kind.NOT_CERTIFY):
        notifications.project_decided(project, Decision(project=project, kind=kind, reason="ไม่ครบถ้วน"))
    notifications.certificate_expiring(certificate, 30)
    notifications.certificate_expiring(certificate, -1)
    for change in CHANGES:
        mail_two_step_changed.call(head_a.pk, change, timezone.now().isoformat(), "192.0.2.1")
    findings = Findings()
    for message in mail.outbox:
        findings.check(f"e-mail {message.subject!r}", message.subject + " " + message.body)
        for content, _type in message.alternatives:
            findings.check(f"e-mail {message.subject!r} (HTML)", visible_text(content))
    assert len(mail.outbox) >= 10
    report = findings.report()
    assert not report, "English in the e-mails:\n" + report


# What Django says after a form is sent -----------------------------------------------

THAI = re.compile("[\u0e00-\u0e7f]")


def test_the_messages_of_django_that_the_site_translates_read_thai():
    from django.utils.translation import gettext

    from pso_site.lib.django_messages import MESSAGES

    with translation.override("th"):
        english = [
            str(message)
            for message in MESSAGES
            # A message of placeholders only ("%(truncated_text)s…") has nothing to translate.
            if re.search("[A-Za-z]{2}", re.sub(r"%\(\w+\)[sdr]|\{\w*\}", "", str(message)))
            and not THAI.search(gettext(message) if isinstance(message, str) else str(message))
        ]
    assert english == []


def test_the_admin_says_what_it_did_in_thai(standards_admin, agency_a):
    client = thai_client()
    client.force_login(standards_admin)
    added = client.post(
        reverse("admin:agencies_cohort_add"),
        {"name": "ลำปาง 2568", "signed_on": "2025-01-15", "agencies": [agency_a.pk], "_continue": "1"},
        follow=True,
    )
    cohort = added.context["original"]
    deleted = client.post(
        reverse("admin:agencies_cohort_delete", args=[cohort.pk]), {"post": "yes"}, follow=True
    )
    said = [strip_tags(message) for response in (added, deleted) for message in response.context["messages"]]
    assert said == [
        "เพิ่มรุ่น “ลำปาง 2568” เรียบร้อยแล้ว คุณสามารถแก้ไขได้อีกครั้งด้านล่าง",
        "ลบรุ่น “ลำปาง 2568” เรียบร้อยแล้ว",
    ]


def test_a_username_django_refuses_is_refused_in_thai():
    from django.contrib.auth.validators import UnicodeUsernameValidator
    from django.core.exceptions import ValidationError

    with translation.override("th"), pytest.raises(ValidationError) as refused:
        UnicodeUsernameValidator()("ชื่อ มีช่องว่าง")
    assert refused.value.messages == ["ชื่อผู้ใช้ไม่ถูกต้อง ใช้ได้เฉพาะตัวอักษร ตัวเลข และ @ . + - _"]


def test_sizes_read_in_thai_units(three_projects, head_a):
    """Evidence of 8 bytes (tests/pages.py) reads "8 ไบต์" in the history and
    the dossier, and its kind by its extension."""
    project = three_projects["submitted"]
    client = thai_client()
    client.force_login(head_a)
    history = visible_text(client.get(reverse("assessment:history", args=[project.pk])).content.decode())
    history = re.sub(r"[ \t\n]+", " ", history)
    assert "ขนาด : — → 8\xa0ไบต์" in history
    assert "ชนิดไฟล์ : — → PDF" in history
    html = dossier.dossier_html(project, draft=False)
    assert '<td class="num nowrap">8\xa0ไบต์</td>' in html


def test_the_check_of_a_signed_document_is_in_thai(three_projects):
    """The verification page after a check names the signer's certificate
    with Thai labels (the subject's values are the certificate's)."""
    import io

    from certification.models import IssuedDossier

    issued = IssuedDossier.objects.filter(project=three_projects["certified"], status="ready").first()
    upload = io.BytesIO(issued.file.read())
    upload.name = "dossier.pdf"
    response = thai_client().post(reverse("verify_document"), {"document": upload}, REMOTE_ADDR="192.0.2.10")
    text = visible_text(response.content.decode())
    assert "ชื่อสามัญ: " in text and "องค์กร: " in text
    findings = Findings()
    findings.check("the check of a signed dossier", text)
    report = findings.report()
    assert not report, "English on the verification page:\n" + report
