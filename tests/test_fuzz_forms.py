"""Fuzzed forms: hypothesis drives every form of the app with hostile input
(tests/fuzz.py: empty, huge, Thai, right-to-left, emoji, NUL, lone
surrogates, NaN, infinities, out-of-range numbers and dates, fields left
out or sent twice, forged edit tokens). Every answer: never a server
error; a form shown again says what is wrong and shows what was typed;
nothing already saved is lost. A few examples per form in the normal
suite; `make fuzz` runs thousands (PSO_FUZZ_EXAMPLES)."""

import copy
import io
import zipfile

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from agencies.models import Invitation, Membership, Standard
from assessment.models import Assessment, EvidenceFile, Indicator, Project
from certification.models import Certificate, Review, ReviewCriterion
from plans.models import Activity, ProgressUpdate
from tests import fuzz
from tests.conftest import make_user
from tests.fuzz import budget, check_answer, fresh, fuzzed, page_form, submit, tokens

pytestmark = pytest.mark.django_db

ENCODINGS = st.sampled_from(("multipart", "urlencoded"))


def opened(client, url: str, containing: str) -> fuzz.PageForm:
    """The page's form as a browser reads it; the page shows no error yet
    (else the check of refused saves would prove nothing)."""
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    html = response.content.decode()
    assert not fuzz.shows_error(html), f"{url} shows an error before anything is sent"
    form = page_form(html, containing=containing)
    # The form's edit token; the page's own when the form lacks it (see
    # test_every_edit_form_carries_its_token), so that the fuzz gets past it.
    sent = form.control("snapshot")
    form.token = sent.value if sent else (response.context or {}).get("snapshot_token")
    return form


def management_intact(form: fuzz.PageForm, pairs) -> bool:
    """Whether a formset's management data came back as the page wrote it
    (a forged row count hides rows: what they held cannot be shown)."""
    sent = dict(pairs)
    return all(
        sent.get(control.name) == control.value
        and sum(1 for name, _value in pairs if name == control.name) == 1
        for control in form.controls
        if control.name.endswith(("-TOTAL_FORMS", "-INITIAL_FORMS"))
    )


def post_fuzzed(
    client,
    url,
    form,
    data,
    name,
    *,
    token=None,
    other_tokens=(),
    buttons=(),
    show_again=(),
    extra=(),
    not_kept=(),
    **kwargs,
):
    """Draw a submission of ``form`` (its token fuzzed too: ``other_tokens``
    are genuine tokens of other data), send it and check the answer.
    Returns (response, pairs, button pressed)."""
    pairs = (
        [("snapshot", value) for value in data.draw(tokens(token, other_tokens))] if token is not None else []
    )
    pairs += data.draw(fuzzed(form, skip={"snapshot"}, extra_values=extra, **kwargs))
    button = data.draw(st.none() | st.sampled_from(list(buttons))) if buttons else None
    if button is not None:
        pairs.append(button)
    base = [("snapshot", token)] * (token is not None) + [p for p in form.pairs() if p[0] != "snapshot"]
    base += [button] * (button is not None)
    fresh(client)
    response = submit(client, url, pairs, form=name, encoding=data.draw(ENCODINGS), base=base)
    again = button is not None and button[0] in show_again
    check_answer(
        response,
        form,
        pairs,
        url,
        kept=management_intact(form, pairs),
        show_again=again,
        not_kept=not_kept(pairs) if callable(not_kept) else not_kept,
        base=base,
    )
    return response, pairs, button


# --- Steps 1–5 ---------------------------------------------------------------------


@pytest.fixture
def editor(client, editor_a):
    client.force_login(editor_a)
    return client


def other_step_token(client, project, number: int) -> str:
    """A genuine token, of another step: a save with it is a conflict."""
    other = 2 if number == 1 else 1
    return client.get(reverse("assessment:step", args=[project.pk, other])).context["snapshot_token"]


def project_text(project):
    project.refresh_from_db()
    return {name: getattr(project, name) for name in ("vision", "mission_statement", "goals", "objectives")}


def missions_of(project):
    return list(project.missions.order_by("pk").values_list("code", "name", "category", "points", "order"))


def weights_of(project):
    return list(project.criteria.order_by("pk").values_list("weight", flat=True))


def indicators_of(project):
    return list(
        Indicator.objects.filter(project=project)
        .order_by("pk")
        .values_list("criterion_id", "name", "weight", "level_0", "level_1", "level_2", "level_3", "order")
    )


@pytest.mark.parametrize("number", [1, 2])
def test_steps_1_and_2_text(editor, filled_project, number):
    url = reverse("assessment:step", args=[filled_project.pk, number])
    form = opened(editor, url, "snapshot")
    other = other_step_token(editor, filled_project, number)

    @budget(ci_examples=6)
    @given(data=st.data())
    def submissions(data):
        with fuzz.example():
            before, missions = project_text(filled_project), missions_of(filled_project)
            response, _pairs, _button = post_fuzzed(
                editor, url, form, data, f"step {number}", token=form.token, other_tokens=[other]
            )
            after = project_text(filled_project)
            changed = {name for name in before if before[name] != after[name]}
            allowed = {"vision"} if number == 1 else {"mission_statement", "goals", "objectives"}
            assert changed <= (allowed if response.status_code == 302 else set()), changed
            assert missions_of(filled_project) == missions

    fuzz.run(submissions)


def test_step3_missions(editor, filled_project):
    url = reverse("assessment:step", args=[filled_project.pk, 3])
    form = opened(editor, url, "missions-TOTAL_FORMS")
    other = other_step_token(editor, filled_project, 3)

    @budget(ci_examples=8)
    @given(data=st.data())
    def submissions(data):
        with fuzz.example():
            before, missions = project_text(filled_project), missions_of(filled_project)
            budgets = filled_project.budgets()
            response, _pairs, _button = post_fuzzed(
                editor,
                url,
                form,
                data,
                "step 3",
                token=form.token,
                other_tokens=[other],
                buttons=form.buttons,
                show_again={"add_rows", "split"},
                extra=[str(pk) for pk in filled_project.missions.values_list("pk", flat=True)],
            )
            assert project_text(filled_project) == before
            if response.status_code != 302:
                filled_project.refresh_from_db()
                assert missions_of(filled_project) == missions
                assert filled_project.budgets() == budgets

    fuzz.run(submissions)


def test_step4_weights(editor, filled_project):
    url = reverse("assessment:step", args=[filled_project.pk, 4])
    form = opened(editor, url, "snapshot")
    other = other_step_token(editor, filled_project, 4)

    @budget(ci_examples=6)
    @given(data=st.data())
    def submissions(data):
        with fuzz.example():
            weights, missions = weights_of(filled_project), missions_of(filled_project)
            response, _pairs, _button = post_fuzzed(
                editor,
                url,
                form,
                data,
                "step 4",
                token=form.token,
                other_tokens=[other],
                buttons=form.buttons,
                show_again={"equal"},
            )
            assert missions_of(filled_project) == missions
            if response.status_code != 302:
                assert weights_of(filled_project) == weights

    fuzz.run(submissions)


def test_step5_indicators(editor, filled_project):
    url = reverse("assessment:step", args=[filled_project.pk, 5])
    form = opened(editor, url, "indicators-TOTAL_FORMS")
    other = other_step_token(editor, filled_project, 5)

    @budget(ci_examples=6)
    @given(data=st.data())
    def submissions(data):
        with fuzz.example():
            indicators, weights = indicators_of(filled_project), weights_of(filled_project)
            response, _pairs, _button = post_fuzzed(
                editor,
                url,
                form,
                data,
                "step 5",
                token=form.token,
                other_tokens=[other],
                buttons=form.buttons,
                show_again={"add_indicator", "use_example"},
                extra=[str(pk) for pk in filled_project.criteria.values_list("pk", flat=True)],
            )
            assert weights_of(filled_project) == weights
            if response.status_code != 302:
                assert indicators_of(filled_project) == indicators

    fuzz.run(submissions)


# --- Step 6: the grid, a cell's evidence, the workbook --------------------------------


def cells_of(project):
    return {
        pk: (level, justification, carried)
        for pk, level, justification, carried in Assessment.objects.filter(
            round__project=project
        ).values_list("pk", "level", "justification", "carried_over")
    }


def grid_ids(pairs, prefixes, *, blank: bool) -> set[int]:
    """Ids in ``<prefix><id>`` names sent (``blank``: even when empty)."""
    ids = set()
    for name, value in pairs:
        for prefix in prefixes:
            suffix = name[len(prefix) :]
            if name.startswith(prefix) and suffix.isascii() and suffix.isdigit() and (blank or value.strip()):
                ids.add(int(suffix))
    return ids


def untouched_cells_kept(project, before, pairs):
    """Cells whose fields were not sent, and that no column fill reached,
    are as they were ("an absent field means unchanged")."""
    sent = grid_ids(pairs, ("level-", "just-"), blank=True)
    filled = grid_ids(pairs, ("fill-level-", "fill-just-"), blank=False)
    indicator_of = dict(Assessment.objects.filter(round__project=project).values_list("pk", "indicator_id"))
    after = cells_of(project)
    changed = [
        pk for pk in before if pk not in sent and indicator_of[pk] not in filled and after[pk] != before[pk]
    ]
    assert not changed, f"cells not sent were changed: {changed}"


def test_step6_grid(editor, filled_project):
    url = reverse("assessment:round", args=[filled_project.pk, 1])
    form = opened(editor, url, "snapshot")
    other = other_step_token(editor, filled_project, 6)
    indicator = filled_project.indicators.first().pk

    @budget(ci_examples=6)
    @given(data=st.data())
    def submissions(data):
        with fuzz.example():
            before = cells_of(filled_project)
            response, pairs, _button = post_fuzzed(
                editor,
                url,
                form,
                data,
                "step 6 grid",
                token=form.token,
                other_tokens=[other],
                buttons=form.buttons,
                extra_names=[
                    "level-0",
                    "just-99999999999999999999",
                    f"fill-level-{indicator}",
                    f"fill-just-{indicator}",
                    f"fill-overwrite-{indicator}",
                    "go",
                    "block",
                ],
            )
            if response.status_code == 302:
                untouched_cells_kept(filled_project, before, pairs)
            else:
                assert cells_of(filled_project) == before

    fuzz.run(submissions)


PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
)
HEADERS = (
    PDF,
    PNG,
    b"\xff\xd8\xff\xe0",
    b"GIF89a",
    b"RIFF\x00\x00\x00\x00WEBP",
    b"PK\x03\x04",
    b"\xd0\xcf\x11\xe0",
)
FILE_NAMES = (
    "หลักฐาน.pdf",
    "scan.PDF",
    "a.png",
    "b.jpeg",
    "c.docx",
    "d.xlsx",
    "e.doc",
    "f.exe",
    "noextension",
    "",
    ".pdf",
    "a.pdf.exe",
    "../../etc/passwd.pdf",
    "C:\\Users\\x\\หลักฐาน.pdf",
    "a" * 300 + ".pdf",
    "\x00.pdf",
    "\ud800.pdf",
    "🎉.pdf",
    "مرحبا.pdf",
    'a"b.pdf',
    "a\r\nb.pdf",
    "&quot;.pdf",
)


def uploads(extensions=("pdf", "png", "xlsx", "docx", "exe", "")):
    """(file name, content, content type): real and broken headers, random
    bytes, empty, and one just over the evidence limit."""
    names = st.sampled_from(FILE_NAMES) | st.builds(
        lambda stem, extension: f"{stem}.{extension}" if extension else stem,
        st.text(fuzz.ANY_CHARACTER, max_size=20),
        st.sampled_from(extensions),
    )
    contents = st.one_of(
        st.sampled_from(HEADERS),
        st.builds(lambda head, tail: head + tail, st.sampled_from(HEADERS), st.binary(max_size=500)),
        st.binary(max_size=2000),
        st.just(b""),
        st.just(PDF + b"0" * (10 * 1024 * 1024)),
    )
    types = st.sampled_from(("application/pdf", "application/octet-stream", "image/png", "text/html", "x/y"))
    return st.tuples(names, contents, types)


def test_step6_cell_evidence(editor, filled_project):
    cell = Assessment.objects.filter(round__project=filled_project).order_by("pk").first()
    url = reverse("assessment:cell", args=[filled_project.pk, 1, cell.pk])
    form = opened(editor, url, "scope")

    @budget(ci_examples=6)
    @given(data=st.data())
    def submissions(data):
        with fuzz.example():
            count = EvidenceFile.objects.count()
            pairs = data.draw(fuzzed(form, extra_names=["scope", "file"]))
            files = [("file", *upload) for upload in data.draw(st.lists(uploads(), min_size=0, max_size=2))]
            fresh(editor)
            response = submit(editor, url, pairs, form="step 6 evidence", files=files, base=form.pairs())
            check_answer(response, form, pairs, url, files=files, base=form.pairs())
            if response.status_code != 302:
                assert EvidenceFile.objects.count() == count

    fuzz.run(submissions)


def workbook_bytes(client, project) -> bytes:
    response = client.get(reverse("assessment:workbook", args=[project.pk, 1]))
    assert response.status_code == 200
    return response.content


@st.composite
def workbooks(draw, downloaded: bytes):
    """A workbook to upload: the round's own with cells (the hidden key
    too) changed to hostile values, sheets renamed or removed; a new random
    workbook; a zip of random parts; the download cut short or with a
    byte changed; random bytes."""
    kind = draw(st.sampled_from(("edited", "edited", "random", "zip", "damaged", "bytes")))
    if kind == "bytes":
        return draw(st.binary(max_size=3000))
    if kind == "damaged":
        at = draw(st.integers(0, len(downloaded) - 1))
        if draw(st.booleans()):
            return downloaded[:at]
        return downloaded[:at] + bytes([draw(st.integers(0, 255))]) + downloaded[at + 1 :]
    if kind == "zip":
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive:
            for name in draw(
                st.lists(
                    st.sampled_from(ZIP_PARTS) | st.from_regex(r"[a-z][a-z0-9_/]{0,15}\.xml", fullmatch=True),
                    max_size=4,
                )
            ):
                archive.writestr(name, draw(st.binary(max_size=300)))
        return buffer.getvalue()
    cell_values = fuzz.values() | st.integers() | st.floats() | st.none() | st.booleans()
    if kind == "random":
        workbook = openpyxl.Workbook()
        for title in draw(st.lists(st.sampled_from(("KEY", "_key", "ระดับ", "เหตุผล", "Sheet")), max_size=3)):
            workbook.create_sheet(title)
    else:
        workbook = openpyxl.load_workbook(io.BytesIO(downloaded))
    for _ in range(draw(st.integers(0, 6))):
        sheet = workbook.worksheets[draw(st.integers(0, len(workbook.worksheets) - 1))]
        row, column = draw(st.integers(1, 12)), draw(st.integers(1, 14))
        value = draw(cell_values)
        if isinstance(value, str):
            value = fuzz.CONTROL_CHARACTERS.sub("", value)[:32000]  # what a spreadsheet can hold
        sheet.cell(row=row, column=column).value = value
    if len(workbook.worksheets) > 1 and draw(st.integers(0, 9)) == 0:
        workbook.remove(workbook.worksheets[draw(st.integers(0, len(workbook.worksheets) - 1))])
    if draw(st.integers(0, 9)) == 0:
        workbook.worksheets[0].title = draw(st.sampled_from(("x", "เหตุผล", "_key")))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


ZIP_PARTS = ("[Content_Types].xml", "xl/workbook.xml", "xl/worksheets/sheet1.xml", "_rels/.rels")


def test_step6_workbook_upload(editor, filled_project):
    url = reverse("assessment:workbook_upload", args=[filled_project.pk, 1])
    downloaded = workbook_bytes(editor, filled_project)
    form = fuzz.PageForm(attrs={})

    @budget(ci_examples=6)
    @given(data=st.data())
    def submissions(data):
        with fuzz.example():
            before = cells_of(filled_project)
            names = st.sampled_from(
                ("round.xlsx", "ระดับ.xlsx", "ROUND.XLSX", "round.xlsx", "round.xls", "round")
            )
            count = data.draw(st.sampled_from((1, 1, 1, 0, 2)))
            files = [
                ("workbook", data.draw(names), data.draw(workbooks(downloaded)), fuzz.XLSX)
                for _ in range(count)
            ]
            pairs = data.draw(fuzzed(form, extra_names=["workbook", "snapshot"]))
            fresh(editor)
            response = submit(editor, url, pairs, form="workbook upload", files=files)
            assert response.status_code in (200, 400), response.status_code
            if response.status_code == 400:
                assert fuzz.shows_error(response.content.decode()), fuzz.reproducer(url, pairs, files)
            assert cells_of(filled_project) == before  # a preview saves nothing

    fuzz.run(submissions)


@pytest.fixture
def workbook_preview(editor, filled_project):
    """The apply form of a preview that changes two cells."""
    workbook = openpyxl.load_workbook(io.BytesIO(workbook_bytes(editor, filled_project)))
    workbook.worksheets[0]["C4"] = 3
    workbook.worksheets[1]["D5"] = "เหตุผลใหม่จากสมุดงาน"
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = editor.post(
        reverse("assessment:workbook_upload", args=[filled_project.pk, 1]),
        {"workbook": SimpleUploadedFile("round.xlsx", buffer.getvalue())},
    )
    assert response.status_code == 200
    return page_form(response.content.decode(), containing="snapshot")


def test_step6_workbook_apply(editor, filled_project, workbook_preview):
    url = reverse("assessment:workbook_apply", args=[filled_project.pk, 1])
    form = workbook_preview
    other = Assessment.objects.filter(round__project=filled_project).order_by("-pk").first().pk

    @budget(ci_examples=6)
    @given(data=st.data())
    def submissions(data):
        with fuzz.example():
            before = cells_of(filled_project)
            response, pairs, _button = post_fuzzed(
                editor,
                url,
                form,
                data,
                "workbook apply",
                token=form.token,
                extra_names=[f"level-{other}", f"just-{other}", "level-0", "fill-level-1", "fill-just-1"],
            )
            assert response.status_code == 302, response.status_code
            untouched_cells_kept(filled_project, before, pairs)

    fuzz.run(submissions)


# --- Steps 7–8: plans, activities, progress -------------------------------------------


def plan_of(plan):
    plan.refresh_from_db()
    return plan.name, plan.approach, sorted(plan.criteria.values_list("pk", flat=True))


def activities_of(project):
    return list(
        Activity.objects.filter(plan__project=project)
        .order_by("pk")
        .values_list(
            "plan_id",
            "title",
            "description",
            "phase",
            "start_date",
            "end_date",
            "responsible_user_id",
            "responsible_name",
            "responsible_position",
            "budget",
            "expected_result",
        )
    )


def updates_of(project):
    return list(ProgressUpdate.objects.filter(activity__plan__project=project).order_by("pk").values())


def given_values(form: fuzz.PageForm, **values) -> fuzz.PageForm:
    """The form as a person fills it before the fuzz begins: a blank form
    alone rarely gets past its first check."""
    form = copy.deepcopy(form)
    for name, value in values.items():
        control = form.control(name)
        assert control is not None, name
        control.value = value
        control.options_selected = [value]
    return form


def targets_of(project):
    return list(project.criteria.order_by("pk").values_list("target_level", flat=True))


def test_step7_targets(editor, planned_project):
    url = reverse("plans:step", args=[planned_project.pk, 7])
    form = opened(editor, url, "snapshot")

    @budget(ci_examples=4)
    @given(data=st.data())
    def submissions(data):
        with fuzz.example():
            targets, plans = targets_of(planned_project), list(planned_project.plans.values())
            response, _pairs, _button = post_fuzzed(
                editor, url, form, data, "step 7 targets", token=form.token
            )
            assert list(planned_project.plans.values()) == plans
            if response.status_code != 302:
                assert targets_of(planned_project) == targets

    fuzz.run(submissions)


def test_plan_create(editor, planned_project):
    url = reverse("plans:plan_create", args=[planned_project.pk])
    criterion = planned_project.criteria.order_by("order").first()
    form = given_values(opened(editor, url, "name"), name="แผนงานใหม่", criteria=str(criterion.pk))

    @budget(ci_examples=5)
    @given(data=st.data())
    def submissions(data):
        with fuzz.example():
            plans, activities = planned_project.plans.count(), activities_of(planned_project)
            response, _pairs, _button = post_fuzzed(
                editor, url, form, data, "plan create", extra=[str(criterion.pk)]
            )
            assert activities_of(planned_project) == activities
            if response.status_code != 302:
                assert planned_project.plans.count() == plans

    fuzz.run(submissions)


def test_plan_edit(editor, planned_project):
    plan = planned_project.plans.get()
    url = reverse("plans:plan_edit", args=[planned_project.pk, plan.pk])
    form = opened(editor, url, "name")

    @budget(ci_examples=5)
    @given(data=st.data())
    def submissions(data):
        with fuzz.example():
            before, activities = plan_of(plan), activities_of(planned_project)
            response, _pairs, _button = post_fuzzed(editor, url, form, data, "plan edit", token=form.token)
            assert activities_of(planned_project) == activities
            if response.status_code != 302:
                assert plan_of(plan) == before

    fuzz.run(submissions)


ACTIVITY = {
    "title": "จัดอบรมเจ้าหน้าที่",
    "phase": "short",
    "start_date": "1/8/2568",
    "end_date": "30/9/2568",
    "responsible_name": "นายสมชาย",
}


def test_activity_create(editor, planned_project):
    plan = planned_project.plans.get()
    url = reverse("plans:activity_create", args=[planned_project.pk])
    form = given_values(opened(editor, url, "title"), plan=str(plan.pk), **ACTIVITY)

    @budget(ci_examples=5)
    @given(data=st.data())
    def submissions(data):
        with fuzz.example():
            activities, updates = activities_of(planned_project), updates_of(planned_project)
            response, _pairs, _button = post_fuzzed(
                editor, url, form, data, "activity create", extra=[str(plan.pk)]
            )
            assert updates_of(planned_project) == updates
            if response.status_code != 302:
                assert activities_of(planned_project) == activities

    fuzz.run(submissions)


def test_activity_edit(editor, planned_project):
    activity = Activity.objects.filter(plan__project=planned_project).order_by("pk").first()
    url = reverse("plans:activity_edit", args=[planned_project.pk, activity.pk])
    form = opened(editor, url, "title")

    @budget(ci_examples=5)
    @given(data=st.data())
    def submissions(data):
        with fuzz.example():
            activities, updates = activities_of(planned_project), updates_of(planned_project)
            response, _pairs, _button = post_fuzzed(
                editor, url, form, data, "activity edit", token=form.token
            )
            assert updates_of(planned_project) == updates
            if response.status_code != 302:
                assert activities_of(planned_project) == activities

    fuzz.run(submissions)


def test_progress_update(editor, planned_project):
    activity = Activity.objects.filter(plan__project=planned_project).order_by("pk").first()
    url = reverse("plans:activity", args=[planned_project.pk, activity.pk])
    form = given_values(opened(editor, url, "percent"), status="in_progress", percent="50")

    @budget(ci_examples=5)
    @given(data=st.data())
    def submissions(data):
        with fuzz.example():
            activities, updates = activities_of(planned_project), updates_of(planned_project)
            pairs = data.draw(fuzzed(form, extra_names=["file", "status"]))
            files = [("file", *upload) for upload in data.draw(st.lists(uploads(), max_size=2))]
            fresh(editor)
            response = submit(editor, url, pairs, form="progress update", files=files, base=form.pairs())
            check_answer(response, form, pairs, url, files=files, base=form.pairs())
            assert activities_of(planned_project) == activities
            if response.status_code != 302:
                assert updates_of(planned_project) == updates

    fuzz.run(submissions)


# --- Step 9: the committee's review and decision, revocation ---------------------------


def review_state(project):
    return (
        list(
            ReviewCriterion.objects.filter(review__project=project)
            .order_by("pk")
            .values_list("level", "comment", "step")
        ),
        list(Review.objects.filter(project=project).values_list("overall_comment", flat=True)),
        project.decisions.count(),
    )


REVIEW_PRESETS = (
    {"action": "save"},
    {"action": "decide", "kind": "certify", "confirm": "on"},
    {"action": "decide", "kind": "not_certify", "confirm": "on", "reason": "หลักฐานไม่เพียงพอ"},
    {"action": "decide", "kind": "request_changes", "confirm": "on", "reason": "เพิ่มหลักฐาน"},
)


def test_committee_review_and_decision(client, submitted_project, committee_member):
    client.force_login(committee_member)
    url = reverse("certification:review", args=[submitted_project.pk])
    page = opened(client, url, "snapshot")

    @budget(ci_examples=6)
    @given(data=st.data())
    def submissions(data):
        with fuzz.example():
            before = review_state(submitted_project)
            preset = dict(data.draw(st.sampled_from(REVIEW_PRESETS)))
            action = preset.pop("action")
            form = given_values(page, **preset)
            response, _pairs, _button = post_fuzzed(
                client,
                url,
                form,
                data,
                "committee review",
                token=form.token,
                buttons=[("action", action)],
                extra_names=["action", "kind", "confirm", "valid_from"],
                not_kept=decision_unless_deciding,
            )
            if response.status_code != 302:
                assert review_state(submitted_project) == before

    fuzz.run(submissions)


def decision_unless_deciding(pairs):
    """Saving the levels only (no ``action=decide``) leaves the decision
    box as it was: what was typed there is not part of that save."""
    actions = [value for name, value in pairs if name == "action"]
    return () if actions and actions[-1] == "decide" else ("kind", "reason", "valid_from", "confirm")


@pytest.fixture
def certificate(submitted_project, committee_member):
    from certification.services import project_decide

    project_decide(project_id=submitted_project.pk, user=committee_member, kind="certify")
    return Certificate.objects.get(project=submitted_project)


def test_certificate_revoke(client, certificate, committee_member):
    client.force_login(committee_member)
    page = opened(client, reverse("certification:certificate", args=[certificate.project_id]), "reason")
    form = given_values(page, reason="พบการปลอมแปลงหลักฐาน")
    url = reverse("certification:revoke", args=[certificate.number])

    @budget(ci_examples=5)
    @given(data=st.data())
    def submissions(data):
        with fuzz.example():
            response, pairs, _button = post_fuzzed(client, url, form, data, "certificate revoke")
            assert response.status_code == 302, response.status_code
            reasons = [value for name, value in pairs if name == "reason"]
            certificate.refresh_from_db()
            if not reasons or not reasons[-1].strip():
                assert certificate.revoked_at is None

    fuzz.run(submissions)


# --- Agencies: members, invitations -----------------------------------------------------


@pytest.fixture
def head(client, head_a):
    client.force_login(head_a)
    return client


def test_members_invite(head, agency_a, editor_a):
    url = reverse("agencies:members", args=[agency_a.code])
    form = given_values(opened(head, url, "username"), username="newcomer")

    @budget(ci_examples=5)
    @given(data=st.data())
    def submissions(data):
        with fuzz.example():
            invitations, memberships = Invitation.objects.count(), memberships_of(agency_a)
            response, _pairs, _button = post_fuzzed(
                head, url, form, data, "members invite", extra=["head_a", "editor_a"]
            )
            assert memberships_of(agency_a) == memberships
            if response.status_code != 302:
                assert Invitation.objects.count() == invitations

    fuzz.run(submissions)


def memberships_of(agency):
    return list(Membership.objects.filter(agency=agency).order_by("pk").values_list("user_id", "role"))


# The members page has a role form and a remove button per member.
ROLE_FORM = fuzz.PageForm(
    attrs={},
    controls=[
        fuzz.Control(name="role", kind="select", value="viewer", options=["head", "editor", "viewer"]),
        fuzz.Control(name="remove", kind="checkbox", value=None, options=["1"]),
    ],
)


def test_member_change(head, agency_a, head_a, editor_a, viewer_a, outsider):
    ids = [m.pk for m in Membership.objects.filter(user__in=[head_a, editor_a, viewer_a, outsider])] + [
        0,
        999999,
    ]

    @budget(ci_examples=5)
    @given(data=st.data())
    def submissions(data):
        with fuzz.example():
            url = reverse("agencies:member_change", args=[agency_a.code, data.draw(st.sampled_from(ids))])
            response, _pairs, _button = post_fuzzed(
                head, url, ROLE_FORM, data, "member change", extra_names=["remove", "role"]
            )
            assert response.status_code in (302, 404), response.status_code
            assert Membership.objects.filter(agency=agency_a, role=Membership.Role.HEAD).exists()
            assert Membership.objects.get(user=outsider).role == Membership.Role.EDITOR

    fuzz.run(submissions)


def test_invitation_answer(client, agency_a, agency_b, head_a, outsider):
    newcomer = make_user("newcomer")
    mine = Invitation.objects.create(
        agency=agency_a, username="newcomer", user=newcomer, role="editor", invited_by=head_a
    )
    theirs = Invitation.objects.create(agency=agency_b, username="someone", role="head", invited_by=outsider)
    client.force_login(newcomer)
    form = fuzz.PageForm(
        attrs={},
        controls=[fuzz.Control(name="answer", kind="hidden", value="accept", options=["accept", "decline"])],
    )

    @budget(ci_examples=5)
    @given(data=st.data())
    def submissions(data):
        with fuzz.example():
            invitation = data.draw(st.sampled_from((mine.pk, theirs.pk, 0, 10**12)))
            url = reverse("agencies:invitation_answer", args=[invitation])
            response, pairs, _button = post_fuzzed(
                client, url, form, data, "invitation answer", extra_names=["answer"]
            )
            assert response.status_code in (302, 404), response.status_code
            answers = [value for name, value in pairs if name == "answer"]
            joined = set(Membership.objects.filter(user=newcomer).values_list("agency_id", flat=True))
            expected = (
                {agency_a.pk} if invitation == mine.pk and answers and answers[-1] == "accept" else set()
            )
            assert joined == expected, (answers, joined)

    fuzz.run(submissions)


def test_first_head_invite(client, standards_admin, agency_b, outsider):
    client.force_login(standards_admin)
    url = reverse("agencies:first_head", args=[agency_b.code])
    form = given_values(opened(client, url, "username"), username="newhead")

    @budget(ci_examples=4)
    @given(data=st.data())
    def submissions(data):
        with fuzz.example():
            invitations, memberships = Invitation.objects.count(), memberships_of(agency_b)
            response, _pairs, _button = post_fuzzed(
                client, url, form, data, "first head invite", extra=["stdadmin", "editor_b"]
            )
            assert memberships_of(agency_b) == memberships
            if response.status_code != 302:
                assert Invitation.objects.count() == invitations

    fuzz.run(submissions)


def test_invitation_join(client, agency_a, head_a, editor_a, django_user_model):
    """The e-mailed invitation's join form, as the link's holder fills it:
    never an account named like an address, like an existing account or a
    pending invitation; an account only with a membership."""
    from agencies import services

    Invitation.objects.create(agency=agency_a, username="reserved_name", role="viewer", invited_by=head_a)
    services.invitation_create(agency=agency_a, username="joiner@lampang.go.th", role="editor", by=head_a)
    secret = "fuzz-link-secret"
    Invitation.objects.filter(email="joiner@lampang.go.th").update(token_hash=services._hash(secret))
    link = reverse("agencies:invitation_welcome", args=[secret])
    url = reverse("agencies:invitation_join")
    client.get(link)
    form = given_values(
        opened(client, url, "password1"),
        username="somsri",
        first_name="สมศรี",
        last_name="ใจดี",
        password1=PASSWORD,
        password2=PASSWORD,
    )

    @budget(ci_examples=6)
    @given(data=st.data())
    def submissions(data):
        with fuzz.example():
            assert client.get(link).status_code == 302  # the secret, into this example's session
            accounts = set(django_user_model.objects.values_list("username", flat=True))
            response, pairs, _button = post_fuzzed(
                client,
                url,
                form,
                data,
                "invitation join",
                extra=["editor_a", "EDITOR_A", "reserved_name", "joiner@lampang.go.th", PASSWORD],
                not_kept=("password1", "password2"),
            )
            new = set(django_user_model.objects.values_list("username", flat=True)) - accounts
            if response.status_code != 302:
                assert not new
            else:
                (username,) = new
                assert "@" not in username and username.lower() not in {"editor_a", "reserved_name"}
                assert Membership.objects.get(user__username=username).agency == agency_a

    fuzz.run(submissions)


# --- Two-step sign-in; the public document check ----------------------------------------


def second_factor_of(user) -> tuple:
    """What makes a person's second factor: their authenticator's key and
    their recovery codes."""
    from django_otp.plugins.otp_static.models import StaticToken
    from django_otp.plugins.otp_totp.models import TOTPDevice

    return (
        list(TOTPDevice.objects.filter(user=user).values_list("key", flat=True)),
        sorted(StaticToken.objects.filter(device__user=user).values_list("token", flat=True)),
    )


def sign_in_in_two_steps(client, user, device) -> None:
    from agencies import twofactor

    client.force_login(user)
    twofactor.session_given(client.session, device)


@pytest.mark.parametrize("door", ["set-up", "recovery codes", "turn off"])
def test_two_step_changes(client, editor_a, door):
    """Moving to a new phone, new recovery codes, turning it off: with
    hostile passwords and codes, never a change of the second factor and
    never a server error (the right password alone is not enough)."""
    from agencies import twofactor
    from tests.conftest import second_factor_device

    device = second_factor_device(editor_a)
    twofactor.recovery_codes_new(editor_a)
    sign_in_in_two_steps(client, editor_a, device)
    if door == "set-up":
        url = page = reverse("agencies:two_factor_setup")
        containing = "code"
    else:
        page = reverse("agencies:two_factor")
        url = reverse("agencies:recovery_codes" if door == "recovery codes" else "agencies:two_factor_remove")
        containing = "current_code"
    form = given_values(opened(client, page, containing), password="pw-editor_a")
    before = second_factor_of(editor_a)

    @budget(ci_examples=5)
    @given(data=st.data())
    def submissions(data):
        with fuzz.example():
            sign_in_in_two_steps(client, editor_a, device)  # each example starts signed in, in two steps
            response, _pairs, _button = post_fuzzed(
                client,
                url,
                form,
                data,
                f"two-step {door}",
                extra=["pw-editor_a", "123456", "000000", "abcd-efgh"],
                not_kept=("password", "current_code", "code"),
            )
            assert second_factor_of(editor_a) == before
            assert response.status_code in (200, 302, 404), response.status_code

    fuzz.run(submissions)


def test_two_step_code_at_sign_in(client, editor_a):
    from tests.conftest import second_factor_device

    second_factor_device(editor_a)
    url = reverse("agencies:two_factor_verify")
    client.force_login_password_only(editor_a)
    client.session.save()
    form = opened(client, url, "code")

    @budget(ci_examples=5)
    @given(data=st.data())
    def submissions(data):
        with fuzz.example():
            response, _pairs, _button = post_fuzzed(
                client, url, form, data, "two-step code", extra=["123456", "000000"], not_kept=("code",)
            )
            assert not client.session.get("otp_device_id"), "a fuzzed code gave the second factor"

    fuzz.run(submissions)


@st.composite
def documents_to_check(draw, genuine: bytes):
    """A file for the public check: the genuine document, cut, with a byte
    changed or something appended; a PDF-looking header; random bytes."""
    kind = draw(st.sampled_from(("genuine", "cut", "changed", "appended", "header", "bytes")))
    if kind == "genuine":
        return genuine
    if kind == "bytes":
        return draw(st.binary(max_size=4000))
    if kind == "header":
        return b"%PDF-1.7\n" + draw(st.binary(max_size=2000))
    at = draw(st.integers(0, len(genuine) - 1))
    if kind == "cut":
        return genuine[:at]
    if kind == "changed":
        return genuine[:at] + bytes([(genuine[at] + draw(st.integers(1, 255))) % 256]) + genuine[at + 1 :]
    return genuine + draw(st.binary(min_size=1, max_size=500))


def test_document_check(client, submitted_project, monkeypatch):
    """The public check of an uploaded file, by anyone: only the genuine
    file is called genuine, and nothing is stored."""
    from certification.models import IssuedDossier

    # The examples, not the per-address limit, are tested here.
    monkeypatch.setattr("certification.views.certificates.DOCUMENT_CHECKS_PER_WINDOW", 10**6)
    issued = IssuedDossier.objects.filter(project=submitted_project, status="ready").first()
    genuine = issued.file.open("rb").read()
    url = reverse("verify_document")
    form = opened(client, url, "document")

    @budget(ci_examples=6)
    @given(data=st.data())
    def submissions(data):
        with fuzz.example():
            count = IssuedDossier.objects.count()
            pairs = data.draw(fuzzed(form, extra_names=["document"]))
            content = data.draw(documents_to_check(genuine))
            name = data.draw(st.sampled_from(("dossier.pdf", "x.PDF", "ใบรับรอง.pdf", "a", "")))
            files = [("document", name, content, "application/pdf")] if data.draw(st.integers(0, 9)) else []
            fresh(client)
            response = submit(client, url, pairs, form="document check", files=files, base=form.pairs())
            assert response.status_code in (200, 400, 429), response.status_code
            page = response.content.decode()
            if 'data-verdict="genuine"' in page:
                assert content == genuine
            assert IssuedDossier.objects.count() == count

    fuzz.run(submissions)


# --- A new project; the password ----------------------------------------------------------


def test_project_create(editor, project, agency_a):
    url = reverse("assessment:project_create", args=[agency_a.code])
    standard = Standard.objects.get(code="1107").pk
    form = given_values(opened(editor, url, "fiscal_year"), standard=str(standard))

    @budget(ci_examples=5)
    @given(data=st.data())
    def submissions(data):
        with fuzz.example():
            count, vision = Project.objects.count(), project_text(project)
            response, _pairs, _button = post_fuzzed(
                editor,
                url,
                form,
                data,
                "project create",
                extra=[str(standard), str(project.pk), "2568", "2025"],
            )
            assert project_text(project) == vision
            if response.status_code != 302:
                assert Project.objects.count() == count

    fuzz.run(submissions)


PASSWORD = "Kh0ngPhan-2569-ลำปาง"


def test_password_change(client, editor_a):
    url = reverse("password_change")
    client.force_login(editor_a)
    page = given_values(
        opened(client, url, "old_password"),
        old_password="pw-editor_a",
        new_password1=PASSWORD,
        new_password2=PASSWORD,
    )

    @budget(ci_examples=5)
    @given(data=st.data())
    def submissions(data):
        with fuzz.example():
            client.force_login(
                editor_a
            )  # a changed password signs the session anew: each example starts signed in
            response, _pairs, _button = post_fuzzed(
                client, url, page, data, "password change", extra=["pw-editor_a", PASSWORD]
            )
            if response.status_code != 302:
                editor_a.refresh_from_db()
                assert editor_a.check_password("pw-editor_a")

    fuzz.run(submissions)


# --- Found by the fuzz: each fails until the app answers it properly ------------------


def as_browser(client, url: str, containing: str, changes: dict, *, form_name: str):
    """The page's form sent as a browser sends it, with ``changes``: a value
    (or a list of values) replaces what the field sends; None leaves it out."""
    form = opened(client, url, containing)
    pairs = [(name, value) for name, value in form.pairs() if name not in changes]
    for name, value in changes.items():
        pairs += [
            (name, one) for one in ([] if value is None else [value] if isinstance(value, str) else value)
        ]
    return submit(client, url, pairs, form=form_name, base=form.pairs())


@pytest.mark.parametrize(("number", "field"), [(3, "missions-0-points"), (5, "indicators-0-weight")])
def test_a_signalling_nan_in_a_list_is_refused_with_a_message(editor, filled_project, number, field):
    """The Decimal "sNaN" raises when compared: a formset compares each row
    with what it held (``has_changed``). Found by the fuzz: a server error."""
    url = reverse("assessment:step", args=[filled_project.pk, number])
    response = as_browser(editor, url, field, {field: "sNaN"}, form_name=f"step {number}")
    assert response.status_code == 200
    assert fuzz.shows_error(response.content.decode())


@pytest.mark.parametrize("digits", [22, 5001])
@pytest.mark.parametrize("which", ["plan create", "plan edit", "step 3"])
def test_an_id_too_large_for_the_database_is_refused_with_a_message(editor, planned_project, which, digits):
    """SQLite cannot compare a column with an integer beyond 64 bits, and a
    multiple choice of ids sends it to the database unchecked; Python will
    not read a number of more than 4,300 digits. Found by the fuzz: server
    errors (the first on SQLite only)."""
    plan = planned_project.plans.get()
    huge = ["9" * digits, "1"]
    url, containing, changes = {
        "plan create": (reverse("plans:plan_create", args=[planned_project.pk]), "name", {"criteria": huge}),
        "plan edit": (
            reverse("plans:plan_edit", args=[planned_project.pk, plan.pk]),
            "name",
            {"criteria": huge},
        ),
        "step 3": (
            reverse("assessment:step", args=[planned_project.pk, 3]),
            "snapshot",
            {"missions-0-outcomes": huge},
        ),
    }[which]
    response = as_browser(editor, url, containing, changes, form_name=which)
    assert response.status_code == 200
    assert fuzz.shows_error(response.content.decode())


@pytest.mark.parametrize(
    ("number", "field", "value"),
    [
        (3, "missions-0-legal_basis", "มาตรา ๑๐\x07"),
        (3, "missions-0-responsible_unit", "ก" * 201),
        (3, "missions-0-ORDER", "หนึ่ง"),
        (3, "missions-0-outcomes", "999999"),
        (5, "indicators-0-ORDER", "หนึ่ง"),
    ],
)
def test_a_refused_field_of_a_list_says_why(editor, filled_project, number, field, value):
    """The rows of steps 3 and 5 show the errors of some of their fields
    only. Found by the fuzz: a save refused for another field comes back
    without a word."""
    url = reverse("assessment:step", args=[filled_project.pk, number])
    response = as_browser(editor, url, "snapshot", {field: value}, form_name=f"step {number}")
    assert response.status_code == 200
    assert fuzz.shows_error(response.content.decode())


@pytest.mark.parametrize(("cell", "value"), [("A2", "not a cell id"), ("B2", None)])
def test_a_workbook_whose_hidden_key_was_edited_is_refused(editor, filled_project, cell, value):
    """The hidden key sheet is read before its digest is checked. Found by
    the fuzz: a key cell that is not a number is a server error."""
    from assessment.workbooks import KEY_SHEET

    workbook = openpyxl.load_workbook(io.BytesIO(workbook_bytes(editor, filled_project)))
    workbook[KEY_SHEET][cell] = value
    buffer = io.BytesIO()
    workbook.save(buffer)
    url = reverse("assessment:workbook_upload", args=[filled_project.pk, 1])
    response = submit(
        editor,
        url,
        [],
        files=[("workbook", "round.xlsx", buffer.getvalue(), fuzz.XLSX)],
        form="workbook upload",
    )
    assert response.status_code == 400
    assert fuzz.shows_error(response.content.decode())


@pytest.mark.parametrize(("number", "field"), [(3, "missions-0-DELETE"), (5, "indicators-0-DELETE")])
def test_removing_a_row_that_has_assessed_cells_reads_each_round_once(editor, filled_project, number, field):
    """Removing a mission or an indicator removes its cells, and the history
    of each cell reads the cell's round once per cell. Found by the fuzz:
    django-zeal's N+1 error (a server error in the tests)."""
    url = reverse("assessment:step", args=[filled_project.pk, number])
    changes = {field: "on"}
    if number == 3:  # the budgets still add up without the first mission
        changes["missions-1-points"] = "40.00"
    response = as_browser(editor, url, "snapshot", changes, form_name=f"step {number}")
    assert response.status_code in (200, 302)


def test_a_column_fill_refused_as_stale_is_shown_again(editor, filled_project):
    """The refusal says "What you typed is still in the form". Found by the
    fuzz: the text of a column fill is not."""
    indicator = filled_project.indicators.order_by("pk").first()
    url = reverse("assessment:round", args=[filled_project.pk, 1])
    changes = {"snapshot": "", f"fill-just-{indicator.pk}": "ทุกภารกิจมีหลักฐานครบ"}
    response = as_browser(editor, url, "snapshot", changes, form_name="step 6 grid")
    assert response.status_code == 200
    assert "ทุกภารกิจมีหลักฐานครบ" in response.content.decode()


@pytest.mark.parametrize(
    "which",
    [
        "members invite",
        "first head invite",
        "project create",
        "plan create",
        "activity create",
        "progress update",
    ],
)
def test_an_empty_post_is_answered_with_what_is_missing(
    client, planned_project, head_a, standards_admin, agency_b, which
):
    """A POST whose fields were all left out. Found by the fuzz: the blank
    form comes back without a word (``request.POST or None``)."""
    activity = Activity.objects.filter(plan__project=planned_project).first()
    user, url = {
        "members invite": (head_a, reverse("agencies:members", args=[planned_project.agency.code])),
        "first head invite": (standards_admin, reverse("agencies:first_head", args=[agency_b.code])),
        "project create": (head_a, reverse("assessment:project_create", args=[planned_project.agency.code])),
        "plan create": (head_a, reverse("plans:plan_create", args=[planned_project.pk])),
        "activity create": (head_a, reverse("plans:activity_create", args=[planned_project.pk])),
        "progress update": (head_a, reverse("plans:activity", args=[planned_project.pk, activity.pk])),
    }[which]
    client.force_login(user)
    response = submit(client, url, [], form=which)
    assert response.status_code == 200
    assert fuzz.shows_error(response.content.decode())


def test_every_edit_form_carries_its_token(editor, planned_project):
    """The edit token travels in the form the browser sends, not only in
    the page's context. Found by the fuzz: the plan and activity forms leave
    it out, so every save from a browser is refused as stale."""
    activity = Activity.objects.filter(plan__project=planned_project).order_by("pk").first()
    pages = {
        **{f"step {n}": reverse("assessment:step", args=[planned_project.pk, n]) for n in range(1, 6)},
        "step 6 grid": reverse("assessment:round", args=[planned_project.pk, 1]),
        "step 7 targets": reverse("plans:step", args=[planned_project.pk, 7]),
        "plan edit": reverse("plans:plan_edit", args=[planned_project.pk, planned_project.plans.get().pk]),
        "activity edit": reverse("plans:activity_edit", args=[planned_project.pk, activity.pk]),
    }
    missing = []
    for name, url in pages.items():
        response = editor.get(url)
        token = response.context["snapshot_token"]
        if f'name="snapshot" value="{token}"' not in response.content.decode():
            missing.append(name)
    assert not missing, f"forms without their edit token: {missing}"


def test_weights_saved_as_a_draft_beyond_100_leave_the_round_incomplete(editor, filled_project):
    """Weights of a draft may add up to more than 100 (step 4 says so); the
    round's total would pass 100. Found by make fuzz: a server error (the
    database refuses such a total)."""
    url = reverse("assessment:step", args=[filled_project.pk, 4])
    codes = list(filled_project.criteria.order_by("order").values_list("code", flat=True))
    changes = {f"weight_{code}": "1" for code in codes[:-1]} | {f"weight_{codes[-1]}": "100.00"}
    response = as_browser(editor, url, f"weight_{codes[0]}", changes, form_name="step 4")
    assert response.status_code in (200, 302)
    assessment_round = filled_project.rounds.get()
    assert not assessment_round.is_complete
    assert 0 <= assessment_round.total_score <= 100
