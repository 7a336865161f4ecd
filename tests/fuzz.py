"""Hostile form submissions for tests/test_fuzz_forms.py: the values
(empty, huge, Thai, right-to-left, emoji, control characters, lone
surrogates, NaN, infinities, out-of-range numbers and dates), POST bodies
encoded as a browser encodes them (a key may come twice; a lone surrogate
goes out as the bytes a broken client would send), a page's form read as a
browser reads it, and the checks every answer must pass.

Loaded as a pytest plugin (``-p tests.fuzz``, as ``make fuzz`` does), it
also prints how many submissions were made and how many of them got a
server error, summed over the xdist workers."""

import os
import re
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, Phase, settings
from hypothesis import strategies as st

# --- Budget and counts -------------------------------------------------------------

# `make fuzz` sets this to run thousands of examples per form; CI runs a few.
EXAMPLES = int(os.environ.get("PSO_FUZZ_EXAMPLES") or 0)
COUNTS: Counter = Counter()


def budget(ci_examples: int):
    """Hypothesis settings for one form: ``ci_examples`` in the normal
    suite, the same ones on every run (a failure there is a finding, never
    luck); ``make fuzz`` draws new ones each time. No shrinking: it would
    take minutes per failure, and the failure message already shows the
    request as what differs from the untouched form."""
    return settings(
        max_examples=EXAMPLES or ci_examples,
        derandomize=not EXAMPLES,
        phases=(Phase.explicit, Phase.generate),
        report_multiple_bugs=False,
        deadline=None,
        suppress_health_check=[
            HealthCheck.function_scoped_fixture,
            HealthCheck.too_slow,
            HealthCheck.data_too_large,
            HealthCheck.large_base_example,
        ],
    )


def pytest_sessionfinish(session):
    """On an xdist worker: hand this worker's counts to the controller."""
    output = getattr(session.config, "workeroutput", None)
    if output is not None:
        output["pso_fuzz_counts"] = dict(COUNTS)


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node, error):
    COUNTS.update(getattr(node, "workeroutput", {}).get("pso_fuzz_counts", {}))


def pytest_terminal_summary(terminalreporter):
    if not COUNTS:
        return
    terminalreporter.section("fuzzed forms")
    for name, count in sorted(COUNTS.items()):
        if name.startswith("form:"):
            terminalreporter.write_line(f"{name[5:]:<28} {count:>7} submissions")
    terminalreporter.write_line(
        f"TOTAL {COUNTS['submissions']} submissions, {COUNTS['server_errors']} server errors"
    )


# --- Values ------------------------------------------------------------------------

# Just over the lengths the models and forms allow (150, 200, 255, 300, 4000, 8000).
LONG = tuple(character * length for character, length in (("x", 151), ("ก", 201), ("x", 256), ("ก", 301)))
LONG += ("x" * 1000, "ก" * 4000, "x" * 4001, "ข" * 8001)
HUGE = (
    "x" * 100_000,
    "ก" * 100_000,
    "9" * 100_000,
    "ภารกิจ\n" * 15_000,
)
TEXTS = (
    "",
    " ",
    "\t",
    "\n",
    "\r\n",
    "สำนักงานจังหวัดลำปาง",
    "ประสานราชการ ๒๕๖๙",
    "ก่ารุ่ง่่่่่่่",  # stacked tone marks
    "مرحبا بالعالم",
    "שלום עולם",
    "\u202eคำสั่งกลับด้าน",
    "\u200f\u200e\u200b",
    "🎉",
    "👩‍👩‍👧‍👦🇹🇭",
    "\x00",
    "a\x00b",
    "\x07",
    "\x1b[31m",
    "\x7f",
    "\x85",
    "\u2028",
    "\ufeff",
    "\ufffd",
    "\ud800",
    "x\udfffy",
    "<script>alert(1)</script>",
    "\"'><b>x</b>",
    "{{ 7*7 }}{% debug %}",
    "%s%n%x",
    "' OR 1=1 --",
    "None",
    "../../etc/passwd",
)
NUMBERS = (
    "0",
    "-0",
    "-0.0",
    "-1",
    "1",
    "2",
    "3",
    "4",
    "7",
    "10",
    "30",
    "60",
    "100",
    "100.00",
    "100.001",
    "0.001",
    "0.005",
    "1e309",
    "-1e309",
    "1e-309",
    "1E2",
    "NaN",
    "nan",
    "-NaN",
    "sNaN",
    "inf",
    "-inf",
    "Infinity",
    "9" * 30,
    "-" + "9" * 30,
    "1" + "0" * 5000,
    "0x10",
    "1_000",
    "๑๒",
    "١٢",
    "²",
    "1,5",
    "1.5.5",
    " 7 ",
    "+2",
    ".5",
    "5.",
    "3.14159",
    "2147483648",
    "9223372036854775808",
)
DATES = (
    "1/1/2569",
    "1/9/2568",
    "31/2/2569",
    "29/2/2567",
    "0/0/0",
    "32/13/2569",
    "1/1/99999",
    "2569-13-01",
    "0001-01-01",
    "9999-12-31",
    "1/1/25",
    "1 มกราคม 2569",
    "1 ม.ค. 2569",
    "1/1/1899",
    "1/1/2701",
    "2026-02-30",
    "๑/๑/๒๕๖๙",
    "1/1/" + "9" * 40,
)
SPECIAL = TEXTS + NUMBERS + DATES + LONG + HUGE

# Any character, lone surrogates included.
ANY_CHARACTER = st.characters(codec=None, exclude_categories=())


# The values most worth trying in a control of each kind.
BY_KIND = {
    "number": NUMBERS,
    "text": TEXTS + LONG + HUGE + DATES,
    "textarea": TEXTS + LONG + HUGE,
    "select": NUMBERS + ("", "\x00", "ก" * 100_000),
    "radio": NUMBERS + ("", "\x00"),
    "checkbox": ("on", "1", "0", "off", "false", "", "\x00"),
    "hidden": NUMBERS + TEXTS,
}


def values(extra=(), kind: str | None = None) -> st.SearchStrategy[str]:
    """One hostile value (``kind``: of the control it goes in, whose likely
    troublemakers come more often; ``extra``: values of this form worth
    trying, such as ids of other objects)."""
    branches = [
        st.sampled_from(SPECIAL + tuple(extra)),
        st.text(ANY_CHARACTER, max_size=40),
        st.integers(min_value=-(2**70), max_value=2**70).map(str),
        st.decimals(allow_nan=True, allow_infinity=True).map(str),
        st.floats().map(repr),
    ]
    if kind in BY_KIND:
        branches = [st.sampled_from(BY_KIND[kind] + tuple(extra))] * 3 + branches
    return st.one_of(*branches)


# --- Forms as a browser reads and sends them -----------------------------------------

TEXT_KINDS = {"text", "search", "email", "url", "tel", "textarea", "number"}


@dataclass
class Control:
    name: str
    kind: str  # the input's type, "textarea" or "select"
    value: str | None  # what a browser sends untouched; None: nothing (unticked)
    options: list[str] = field(default_factory=list)
    multiple: bool = False
    options_selected: list[str] = field(default_factory=list)


@dataclass
class PageForm:
    attrs: dict
    controls: list[Control] = field(default_factory=list)
    buttons: list[tuple[str, str]] = field(default_factory=list)
    files: list[str] = field(default_factory=list)
    token: str | None = None  # the edit token to send with it

    def pairs(self) -> list[tuple[str, str]]:
        """What the browser sends when the person changes nothing."""
        return [pair for control in self.controls for pair in sent_untouched(control)]

    def control(self, name: str) -> Control | None:
        return next((c for c in self.controls if c.name == name), None)


class _FormReader(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[PageForm] = []
        self.form: PageForm | None = None
        self.select: Control | None = None
        self.option: dict | None = None
        self.textarea: Control | None = None
        self.in_template = 0  # a <template>'s controls are not sent

    def handle_starttag(self, tag, attrs):
        a = {key: ("" if value is None else value) for key, value in attrs}
        if tag == "template":
            self.in_template += 1
        if tag == "form":
            self.form = PageForm(attrs=a)
            self.forms.append(self.form)
            return
        if self.form is None or self.in_template:
            return
        name = a.get("name")
        if name == "csrfmiddlewaretoken":  # the test client does not check it
            return
        if tag == "input" and name and "disabled" not in a:
            kind = a.get("type", "text").lower()
            if kind in ("submit", "image", "button", "reset"):
                self.form.buttons.append((name, a.get("value", "")))
            elif kind == "file":
                self.form.files.append(name)
            elif kind in ("checkbox", "radio"):
                value = a.get("value", "on")
                group = self.form.control(name) if kind == "radio" else None
                if group is None:
                    group = Control(name=name, kind=kind, value=None)
                    self.form.controls.append(group)
                group.options.append(value)
                if "checked" in a:
                    group.value = value
            else:
                self.form.controls.append(Control(name=name, kind=kind, value=a.get("value", "")))
        elif tag == "button" and name and a.get("type", "submit") == "submit":
            self.form.buttons.append((name, a.get("value", "")))
        elif tag == "textarea" and name:
            self.textarea = Control(name=name, kind="textarea", value="")
        elif tag == "select" and name:
            self.select = Control(name=name, kind="select", value=None, multiple="multiple" in a)
        elif tag == "option" and self.select is not None:
            self.option = {"value": a.get("value"), "text": "", "selected": "selected" in a}

    def handle_data(self, data):
        if self.textarea is not None:
            self.textarea.value += data
        if self.option is not None:
            self.option["text"] += data

    def _close_option(self):
        if self.option is not None and self.select is not None:
            value = self.option["value"] if self.option["value"] is not None else self.option["text"].strip()
            self.select.options.append(value)
            if self.option["selected"]:
                self.select.options_selected.append(value)
        self.option = None

    def handle_endtag(self, tag):
        if tag == "template":
            self.in_template -= 1
        elif self.in_template:
            return
        if tag == "form":
            self.form = None
        elif tag == "textarea" and self.textarea is not None:
            # The HTML parser drops one newline right after <textarea>.
            self.textarea.value = self.textarea.value.removeprefix("\n")
            if self.form is not None:
                self.form.controls.append(self.textarea)
            self.textarea = None
        elif tag == "option":
            self._close_option()
        elif tag == "select" and self.select is not None:
            self._close_option()
            select = self.select
            if select.options_selected:
                select.value = select.options_selected[-1]
            elif select.options and not select.multiple:
                select.value = select.options[0]
                select.options_selected = [select.value]
            if self.form is not None:
                self.form.controls.append(select)
            self.select = None


def page_form(html: str, *, containing: str) -> PageForm:
    """The form of the page that holds a control named ``containing``."""
    reader = _FormReader()
    reader.feed(html)
    for form in reader.forms:
        if any(c.name == containing for c in form.controls) or containing in form.files:
            return form
    raise AssertionError(f"no form with {containing!r} on the page")


# --- Fuzzing a form ----------------------------------------------------------------

MUTATIONS = ("fuzz", "fuzz", "option", "missing", "twice")


def sent_untouched(control: Control) -> list[tuple[str, str]]:
    if control.kind == "select" and control.multiple:
        return [(control.name, value) for value in control.options_selected]
    return [] if control.value is None else [(control.name, control.value)]


@st.composite
def fuzzed(draw, form: PageForm, *, extra_values=(), skip=(), extra_names=()):
    """The pairs a browser would send for ``form``, with a few controls
    given hostile values, left out or sent twice, and perhaps keys the form
    does not have. A short list of edits, so that a failure shrinks to the
    few that matter."""
    controls = [control for control in form.controls if control.name not in skip]
    pools = {kind: values(extra_values, kind) for kind in BY_KIND}
    edits: dict[int, list[tuple[str, str]]] = {}
    for index in (
        draw(st.lists(st.integers(0, len(controls) - 1), max_size=len(controls))) if controls else []
    ):
        control = controls[index]
        untouched = sent_untouched(control)
        mutation = draw(st.sampled_from(MUTATIONS))
        pool = pools.get(control.kind, values(extra_values))
        if mutation == "option" and control.options:
            edits[index] = [(control.name, draw(st.sampled_from(control.options)))]
        elif mutation == "missing":
            edits[index] = []
        elif mutation == "twice":
            first = draw(st.sampled_from([value for _name, value in untouched] or [""]) | pool)
            edits[index] = [(control.name, first), (control.name, draw(pool))]
        else:
            edits[index] = [(control.name, draw(pool))]
    pairs = []
    for index, control in enumerate(controls):
        pairs += edits.get(index, sent_untouched(control))
    for name in draw(st.lists(st.sampled_from(tuple(extra_names) or ("x",)), max_size=2)):
        pairs.append((name, draw(values(extra_values, "hidden"))))
    return pairs


def tokens(valid: str, others=()) -> st.SearchStrategy[list[str]]:
    """The edit token(s) sent with a form: mostly the page's own, else
    missing, empty, forged, cut, another page's, or sent twice."""
    return st.one_of(
        st.just([valid]),
        st.just([valid]),
        st.just([valid]),
        st.sampled_from(
            [
                [],
                [""],
                [valid[:-3]],
                [valid + "x"],
                [valid.upper()],
                ["not-a-token"],
                [valid, "forged"],
                ["forged", valid],
                *[[other] for other in others],
            ]
        ),
        values().map(lambda value: [value]),
    )


# --- Sending -----------------------------------------------------------------------

BOUNDARY = "PsoFuzzBoundary7MA4YWxkTrZu0gW"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _bytes(text: str) -> bytes:
    # What a client sends for a lone surrogate: its (invalid) UTF-8 bytes.
    return text.encode("utf-8", "surrogatepass")


def urlencoded(pairs) -> bytes:
    return "&".join(f"{quote(_bytes(k), safe='')}={quote(_bytes(v), safe='')}" for k, v in pairs).encode()


def _quoted_filename(name: str) -> bytes:
    # As browsers write it (the HTML standard's multipart/form-data encoding).
    return _bytes(name.replace('"', "%22").replace("\r", "%0D").replace("\n", "%0A"))


def multipart(pairs, files=()) -> bytes:
    """``files``: (field name, file name, content, content type)."""
    parts = []
    for name, value in pairs:
        parts.append(
            b'Content-Disposition: form-data; name="' + _quoted_filename(name) + b'"\r\n\r\n' + _bytes(value)
        )
    for name, filename, content, content_type in files:
        parts.append(
            b'Content-Disposition: form-data; name="'
            + _quoted_filename(name)
            + b'"; filename="'
            + _quoted_filename(filename)
            + b'"\r\nContent-Type: '
            + content_type.encode("ascii")
            + b"\r\n\r\n"
            + content
        )
    boundary = BOUNDARY.encode()
    body = b"".join(b"--" + boundary + b"\r\n" + part + b"\r\n" for part in parts)
    return body + b"--" + boundary + b"--\r\n"


def shown(value: str, limit: int = 300) -> str:
    """A value for a failure message: long ones abbreviated, but exact."""
    if len(value) <= limit:
        return repr(value)
    counts = Counter(value)
    if len(counts) == 1:
        return f"{value[0]!r} * {len(value)}"
    return f"{value[:60]!r} + … ({len(value)} characters)"


def reproducer(url: str, pairs, files=(), base=None) -> str:
    """The request, exactly; with ``base`` (what a browser sends for the
    untouched page) only what differs from it."""
    lines = [f"POST {url}"]
    if base is None:
        lines += [f"  {name} = {shown(value)}" for name, value in pairs]
    else:
        lines.append("  the page's form as a browser sends it, except:")
        sent, page = _by_name(pairs), _by_name(base)
        for name in dict.fromkeys([*sent, *page]):
            if sent.get(name) == page.get(name):
                continue
            if name not in sent:
                lines.append(f"  - {name} left out (the page sends {', '.join(map(shown, page[name]))})")
            else:
                lines.append(f"  + {name} = {', '.join(map(shown, sent[name]))}")
    lines += [
        f"  {name} = file {shown(filename)} ({len(content)} bytes)" for name, filename, content, _t in files
    ]
    return "\n".join(lines)


def _by_name(pairs) -> dict[str, list[str]]:
    grouped: dict[str, list[str]] = {}
    for name, value in pairs:
        grouped.setdefault(name, []).append(value)
    return grouped


def submit(client, url: str, pairs, *, form: str, files=(), encoding: str = "multipart", base=None):
    """POST the pairs (and files) and count the submission. A server error
    fails the test with the request that caused it."""
    if files or encoding == "multipart":
        body, content_type = multipart(pairs, files), f"multipart/form-data; boundary={BOUNDARY}"
    else:
        body, content_type = urlencoded(pairs), "application/x-www-form-urlencoded"
    COUNTS["submissions"] += 1
    COUNTS["form:" + form] += 1
    try:
        response = client.post(url, data=body, content_type=content_type)
    except Exception as error:
        COUNTS["server_errors"] += 1
        raise AssertionError(
            f"server error ({error!r}) for\n{reproducer(url, pairs, files, base)}"
        ) from error
    if response.status_code >= 500:
        COUNTS["server_errors"] += 1
        raise AssertionError(f"{response.status_code} for\n{reproducer(url, pairs, files, base)}")
    return response


# --- What every answer must show ---------------------------------------------------

# How the templates show a refusal: crispy's field errors, the alerts of
# refused saves and messages, Django's error lists, the conflict boxes.
ERROR_MARKERS = (
    "invalid-feedback",
    "alert-danger",
    "text-danger",
    'class="errorlist',
    'id="conflict"',
    'id="grid-conflicts"',
    "is-invalid",
)


def shows_error(html: str) -> bool:
    return any(marker in html for marker in ERROR_MARKERS)


CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff]")


def plain(value: str) -> bool:
    """A value a person could have typed, that the page should show back
    exactly: printable, of reasonable length, no surrounding spaces."""
    return (
        0 < len(value) <= 200
        and value == value.strip()
        and not CONTROL_CHARACTERS.search(value)
        and "\ufffd" not in value
    )


def lost_input(html: str, form: PageForm, pairs, *, numbers: bool = True) -> list[str]:
    """The text fields sent with a plain value that the page does not show
    back (the last value of a key sent twice is the one Django reads)."""
    from django.utils.html import escape

    kinds = TEXT_KINDS if numbers else TEXT_KINDS - {"number"}
    kind_of = {control.name: control.kind for control in form.controls}
    last = dict(pairs)
    return [
        f"{name} = {value!r}"
        for name, value in last.items()
        if kind_of.get(name) in kinds and plain(value) and escape(value) not in html
    ]


def check_answer(
    response,
    form: PageForm,
    pairs,
    url: str,
    *,
    kept: bool = True,
    show_again: bool = False,
    files=(),
    not_kept=(),
    base=None,
):
    """A page shown again after a POST says what is wrong, and (``kept``)
    shows what was typed. ``show_again``: the person asked for the form
    back (add rows, split evenly): no error is due, and numbers may have
    been rewritten. ``not_kept``: fields the answer need not show."""
    if response.status_code != 200:
        return
    html = response.content.decode()
    if not show_again:
        assert shows_error(html), f"200 without an error message for\n{reproducer(url, pairs, files, base)}"
    if kept:
        lost = lost_input(
            html, form, [pair for pair in pairs if pair[0] not in not_kept], numbers=not show_again
        )
        assert not lost, f"typed input not shown again: {lost} for\n{reproducer(url, pairs, files, base)}"


@contextmanager
def rolled_back():
    """Changes made in the block, undone when it ends (a savepoint inside
    the test's transaction)."""
    from django.db import transaction

    with transaction.atomic():
        yield
        transaction.set_rollback(True)


# What went wrong in the running test, once per kind (``make fuzz`` only).
FAILURES: dict[str, str] = {}


def _project_frame(traceback, *, tests: bool):
    """The innermost frame of the app's code (or of the tests)."""
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    found = None
    while traceback is not None:
        path = traceback.tb_frame.f_code.co_filename
        inside = path.startswith(root) and "/.venv/" not in path
        if inside and (path.startswith(os.path.join(root, "tests")) == tests):
            found = f"{os.path.relpath(path, root)}:{traceback.tb_lineno}"
        traceback = traceback.tb_next
    return found


def signature(error: BaseException) -> str:
    """What makes two failures the same failure: for a server error, the
    exception and where the app raised it; else the check that failed."""
    cause = error.__cause__
    if cause is not None:
        where = _project_frame(cause.__traceback__, tests=False) or _project_frame(
            cause.__traceback__, tests=True
        )
        return f"server error {type(cause).__name__} at {where}"
    kind = str(error).split(" for\n", 1)[0]
    kind = re.sub(r"(?<=-)\d+", "N", kind.split(" = ", 1)[0])
    return f"{kind} ({_project_frame(error.__traceback__, tests=True)})"


@contextmanager
def example():
    """One example: its changes undone when it ends, so that every example
    starts from the fixtures. In ``make fuzz`` a failure is recorded (the
    first of each kind, with its request) and the run goes on, so that the
    count covers every submission; ``run`` fails the test at the end."""
    from hypothesis.errors import HypothesisException

    try:
        with rolled_back():
            yield
    except Exception as error:
        if not EXAMPLES or isinstance(error, HypothesisException):
            raise
        FAILURES.setdefault(signature(error), str(error))


def run(submissions):
    """Run a test's examples; in ``make fuzz``, fail with every kind of
    failure seen."""
    FAILURES.clear()
    submissions()
    if FAILURES:
        report = "\n\n".join(f"== {kind}\n{detail[:6000]}" for kind, detail in FAILURES.items())
        pytest.fail(f"{len(FAILURES)} kinds of failure:\n\n{report}", pytrace=False)


def fresh(client):
    """No message of an earlier example left in the client's cookies."""
    client.cookies.pop("messages", None)
