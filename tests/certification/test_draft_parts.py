"""Drafts that keep up with the editing (issue 24, item 5): a draft is built
in parts, each kept under the hash of its HTML, so after a small edit only
the parts that changed are rendered again; issued dossiers stay one
rendering, signed."""

import re

import pytest

from assessment.models import Assessment
from certification import dossier, drafts, rendering
from certification.models import DraftDossier, DraftPart, IssuedDossier
from pso_site.lib.pdf import extract_text, pdf_layout

pytestmark = pytest.mark.django_db


@pytest.fixture
def renders(monkeypatch):
    """The HTML of every document rendered with the product's renderer."""
    seen = []
    real = rendering.render_pdf

    def counting(html, **kwargs):
        seen.append(html)
        return real(html, **kwargs)

    monkeypatch.setattr(rendering, "render_pdf", counting)
    return seen


def build_draft(project, django_capture_on_commit_callbacks) -> DraftDossier:
    with django_capture_on_commit_callbacks(execute=True):
        draft = dossier.draft_request(project=project)
    draft.refresh_from_db()
    assert draft.status == IssuedDossier.Status.READY, draft.error
    return draft


def test_after_an_edit_only_the_changed_parts_are_rendered_again(
    ready_project, renders, django_capture_on_commit_callbacks
):
    draft = build_draft(ready_project, django_capture_on_commit_callbacks)
    names = [section["name"] for section in draft.parts["sections"]]
    assert len(renders) == len(names) + 2  # every part, the contents and the frame
    assert sum(name.startswith("step6_reasons_") for name in names) >= 2  # the reasons come in blocks
    assert DraftPart.objects.filter(project=ready_project).count() == len(renders)

    renders.clear()
    cell = Assessment.objects.filter(round__project=ready_project).order_by("pk").last()
    cell.justification = "เหตุผลที่แก้ไขใหม่"
    cell.save()  # recorded in the history, as every edit is
    draft = build_draft(ready_project, django_capture_on_commit_callbacks)

    # The block of reasons holding the cell, and the history: nothing else.
    assert len(renders) == 2
    reasons, history = renders
    assert "เหตุผลที่แก้ไขใหม่" in reasons and "เหตุผลประกอบการให้ระดับ" in reasons
    assert 'id="history"' in history and "เหตุผลที่แก้ไขใหม่" in history
    assert DraftDossier.objects.filter(project=ready_project).count() == 1
    # Only the parts of the latest build are kept.
    assert DraftPart.objects.filter(project=ready_project).count() == len(draft.parts["sections"]) + 2

    renders.clear()
    build_draft(ready_project, django_capture_on_commit_callbacks)  # unchanged: nothing to render
    assert renders == []


def test_a_part_that_grows_moves_the_page_numbers_without_rendering_later_parts(
    ready_project, renders, monkeypatch, django_capture_on_commit_callbacks
):
    """The footer's numbers are drawn by the frame beneath the parts, so a
    part that gains a page renders nothing after it again but the frame."""
    first = build_draft(ready_project, django_capture_on_commit_callbacks)
    renders.clear()
    real_layout = drafts.pdf_layout

    def two_pages_for_the_vision(pdf):
        pages, anchors = real_layout(pdf)
        grown = 'id="step1"' in renders[-1] and "วิสัยทัศน์ที่ยาวขึ้น" in renders[-1]
        return (2, anchors) if grown else (pages, anchors)

    monkeypatch.setattr(drafts, "pdf_layout", two_pages_for_the_vision)
    ready_project.vision = "วิสัยทัศน์ที่ยาวขึ้นจนเพิ่มหน้า"
    ready_project.save()
    build_draft(ready_project, django_capture_on_commit_callbacks)
    assert len(renders) == 3
    steps, history, frame = renders
    assert 'id="step1"' in steps and 'id="history"' in history and 'class="cover-page"' in frame
    pages = len(first.parts["sections"]) + 1 + 1  # every part and the contents one page, the vision two
    assert frame.count('class="cover-page"') + frame.count('class="page"') == pages


def test_parts_never_carry_user_text_into_style_or_attributes(ready_project):
    ready_project.agency.name_th = 'สำนักงาน"}</style><style>@page{x:url(y)}'
    ready_project.agency.save()
    _draft, parts, _digest = dossier.draft_for(ready_project)
    for html in [parts["head"], parts["frame"], *(section["body"] for section in parts["sections"])]:
        for style in re.findall(r"<style>(.*?)</style>", html, flags=re.S):
            assert "สำนักงาน" not in style
        assert "<style>@page{x" not in html


@pytest.mark.pdf
def test_the_joined_draft_numbers_its_pages_and_reads_in_thai(
    ready_project, django_capture_on_commit_callbacks
):
    draft = build_draft(ready_project, django_capture_on_commit_callbacks)
    pdf = draft.file.read()
    pages, _anchors = pdf_layout(pdf)
    parts = DraftPart.objects.filter(project=ready_project)
    frame_pages = max(part.pages for part in parts)  # the frame has every page
    assert pages == frame_pages == sum(part.pages for part in parts) - frame_pages
    for number in range(1, pages + 1):
        text = extract_text_of_page(pdf, number)
        assert f"หน้า {number} / {pages}" in text
        assert "ฉบับร่าง — ไม่ใช่เอกสารที่สถาบันออก" in text
        if number > 1:  # the running headers, from the cover's elements
            assert ready_project.agency.name_th in text
    text = " ".join(extract_text(pdf).split())
    assert "แฟ้มเอกสารขอการรับรอง" in text and ready_project.agency.name_th in text  # the first part
    assert "ประวัติการแก้ไข (ล่าสุด)" in text  # the last part
    assert "สำนักงำน" not in text  # the text layer (/ActualText) survived the join
    # The contents give the page each part starts on.
    texts = {number: extract_text_of_page(pdf, number) for number in range(1, pages + 1)}
    (history_page,) = [number for number, text in texts.items() if "ประวัติการแก้ไข (ล่าสุด)" in text]
    contents = " ".join(texts[2].split())
    assert re.search(rf"ประวัติการแก้ไข \.+ ?{history_page}\b", contents), contents


def extract_text_of_page(pdf: bytes, number: int) -> str:
    import subprocess

    result = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", "-f", str(number), "-l", str(number), "-", "-"],
        input=pdf,
        capture_output=True,
        check=True,
    )
    return result.stdout.decode("utf-8")


def test_an_issued_dossier_is_still_one_rendering_of_the_whole_dossier(
    submitted_project, renders, monkeypatch
):
    archival = []
    real = rendering.render_archival_pdf

    def counting(html, **kwargs):
        archival.append(html)
        return real(html, **kwargs)

    monkeypatch.setattr(rendering, "render_archival_pdf", counting)
    issued = IssuedDossier.objects.get(project=submitted_project, kind=IssuedDossier.Kind.DOSSIER)
    IssuedDossier.objects.filter(pk=issued.pk).update(status=IssuedDossier.Status.PENDING)
    whole = dossier.issued_html(issued)
    issued = dossier.dossier_build(issued_id=issued.pk)
    assert issued.is_ready and issued.signer
    assert renders == [] and len(archival) == 1
    (html,) = archival
    assert html == whole
    assert 'href="#step1"' in html and "target-counter" in html and 'id="history"' in html
    assert not DraftPart.objects.exists()
