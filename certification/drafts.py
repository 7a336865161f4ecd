"""Draft dossiers built in parts, so that a draft keeps up with the editing.

WeasyPrint takes seconds for the whole dossier (7.5 s for the demo), most
of it laying out the tables of step 6. A draft is therefore rendered part by
part — the cover, the contents, each step, the reasons of step 6 (and of
every earlier round) in blocks of missions, the evidence, the history — each part a PDF of its own, kept
(``DraftPart``) under the SHA-256 of its HTML. After an edit only the parts
whose HTML changed are rendered again; the others are read back.

A part never depends on where it falls: the running headers, the footer
("หน้า 3 / 29"), the draft's mark and the watermark are drawn by one more
document, the *frame*, with as many pages as the draft, laid beneath the
parts when they are joined (``pso_site.lib.pdf.join_pdfs``). A part that
grows by a page moves the numbers of the parts after it without rendering
them again: only the frame (cheap: empty pages) and the contents, whose page
numbers are written in from the parts' known pages and anchors, change.

Issued dossiers are never built this way: they stay one rendering of
``dossier.html``, as PDF/A-3b, signed (certification.dossier).
"""

import hashlib
import json
from dataclasses import dataclass, field

from django.template.loader import render_to_string
from django.utils import translation

from certification.models import DraftPart
from certification.rendering import html_to_pdf, keep_mai_yamok
from pso_site.lib.pdf import join_pdfs, pdf_layout

PARTS_VERSION = 2
# Rows of step 6's reasons in one part (whole missions only): about a page.
REASON_ROWS_PER_PART = 40
# The contents sit after the cover; their page numbers count their own pages,
# so they are rendered again (at most this many times) if those change.
CONTENTS_AFTER = "cover"
CONTENTS_ATTEMPTS = 3
TAIL = "</body>\n</html>\n"
SECTION_OPEN, SECTION_CLOSE = '<section class="section">\n', "</section>\n"


def reason_blocks(rows: list[dict]) -> list[list[dict]]:
    """Step 6's rows (one a mission) in blocks of about
    ``REASON_ROWS_PER_PART`` reasons, never splitting a mission."""
    blocks, block, size = [], [], 0
    for row in rows:
        count = sum(1 for _indicator, cell in row["cells"] if cell is not None)
        if block and size + count > REASON_ROWS_PER_PART:
            blocks.append(block)
            block, size = [], 0
        block.append(row)
        size += count
    if block:
        blocks.append(block)
    return blocks


def draft_parts(context: dict) -> dict:
    """The draft's parts as HTML, from the dossier's context (drafts only):
    what the build needs, and all it needs, so the draft is built as the
    project stood when it was requested."""
    project = context["project"]

    def part(name: str, template: str, *, wrap: bool = False, **extra) -> dict:
        body = render_to_string(f"certification/dossier/{template}", {**context, **extra})
        if wrap:
            body = SECTION_OPEN + body + SECTION_CLOSE
        return {"name": name, "body": keep_mai_yamok(body)}

    with translation.override("th"):
        sections = [
            part("cover", "cover.html"),
            part("steps_1_2", "steps_1_2.html"),
            part("steps_3_4", "steps_3_4.html"),
            part("step5", "step5.html"),
            part("step6", "step6.html", reasons_apart=True),
        ]
        if context["round"] is not None:
            for number, block in enumerate(reason_blocks(context["grid"]["rows"]), start=1):
                sections.append(
                    part(
                        f"step6_reasons_{number}",
                        "step6_reasons.html",
                        wrap=True,
                        reason_rows=block,
                        continued=number > 1,
                    )
                )
            for earlier in context["earlier_rounds"]:
                for number, block in enumerate(reason_blocks(earlier["rows"]), start=1):
                    sections.append(
                        part(
                            f"round_{earlier['round'].number}_reasons_{number}",
                            "step6_reasons.html",
                            wrap=True,
                            reason_rows=block,
                            reason_round=earlier["round"],
                            continued=number > 1,
                        )
                    )
        sections += [
            part("results", "results.html"),
            part("step7", "step7.html"),
            part("step8", "step8.html"),
            part("step9", "step9.html"),
        ]
        if context.get("certificate") is not None:
            sections.append(part("certificate", "certificate.html"))
        sections += [part("evidence", "evidence.html", wrap=True), part("history", "history.html", wrap=True)]
        return {
            "version": PARTS_VERSION,
            "title": f"แฟ้มเอกสารขอรับรอง {project.standard.label} {project.agency.name_th} (ฉบับร่าง)",
            "head": render_to_string("certification/dossier/draft_head.html", context),
            "frame": keep_mai_yamok(render_to_string("certification/dossier/draft_frame.html", context)),
            "contents": [[anchor, title] for anchor, title, _page in context["toc"]],
            "sections": sections,
        }


def parts_hash(parts: dict) -> str:
    return hashlib.sha256(json.dumps(parts, ensure_ascii=False, sort_keys=True).encode("utf-8")).hexdigest()


@dataclass
class Rendered:
    pdf: bytes
    pages: int
    anchors: dict[str, int]


@dataclass
class DraftBuild:
    pdf: bytes
    pages: int
    # The parts rendered by this build (the others were kept from earlier builds).
    rendered: list[str] = field(default_factory=list)
    reused: list[str] = field(default_factory=list)


class PartStore:
    """The project's kept parts, read in one query, and the parts this
    build renders, written as soon as each is rendered."""

    def __init__(self, project_id: int, hashes: list[str]):
        self.project_id = project_id
        self.kept = {
            part.content_hash: Rendered(bytes(part.pdf), part.pages, part.anchors)
            for part in DraftPart.objects.filter(project_id=project_id, content_hash__in=hashes)
        }
        self.used: set[str] = set()
        self.rendered: list[str] = []
        self.reused: list[str] = []

    def get(self, name: str, html: str, digest: str | None = None) -> Rendered:
        digest = digest or _digest(html)
        self.used.add(digest)
        found = self.kept.get(digest) or self._load(digest)
        if found is not None:
            self.reused.append(name)
            return found
        pdf = html_to_pdf(html)
        pages, anchors = pdf_layout(pdf)
        DraftPart.objects.get_or_create(
            project_id=self.project_id,
            content_hash=digest,
            defaults={"pdf": pdf, "pages": pages, "anchors": anchors},
        )
        self.kept[digest] = found = Rendered(pdf, pages, anchors)
        self.rendered.append(name)
        return found

    def _load(self, digest: str) -> Rendered | None:
        part = DraftPart.objects.filter(project_id=self.project_id, content_hash=digest).first()
        return None if part is None else Rendered(bytes(part.pdf), part.pages, part.anchors)

    def forget_the_rest(self) -> None:
        """Only the parts of this build are of use to the next one."""
        DraftPart.objects.filter(project_id=self.project_id).exclude(content_hash__in=self.used).delete()


def _digest(html: str) -> str:
    return hashlib.sha256(html.encode("utf-8")).hexdigest()


def contents_html(parts: dict, entries: list[tuple[str, str, int | None]]) -> str:
    with translation.override("th"):
        body = render_to_string("certification/dossier/toc.html", {"toc": entries})
    return parts["head"] + body + TAIL


def frame_html(parts: dict, *, cover_pages: int, pages: int) -> str:
    # Only integers of our own reach the markup here: the frame's text was
    # rendered with the parts (draft_frame.html).
    # The frame's first page, the cover's, is in parts["frame"].
    cover = '<div class="cover-page"></div>\n' * (cover_pages - 1)
    rest = '<div class="page"></div>\n' * max(pages - cover_pages, 0)
    return parts["frame"] + cover + rest + TAIL


def draft_build_pdf(*, project_id: int, parts: dict) -> DraftBuild:
    """Render the parts that changed, write the contents' page numbers, lay
    the frame beneath and join them into the draft's PDF."""
    documents = [(section["name"], parts["head"] + section["body"] + TAIL) for section in parts["sections"]]
    digests = [_digest(html) for _name, html in documents]
    store = PartStore(project_id, digests)
    rendered = {
        name: store.get(name, html, digest) for (name, html), digest in zip(documents, digests, strict=True)
    }
    names = [name for name, _html in documents]
    at = names.index(CONTENTS_AFTER) + 1
    order = names[:at] + ["contents"] + names[at:]
    contents_pages = 1
    for _attempt in range(CONTENTS_ATTEMPTS):
        first_page, starts = 1, {}
        for name in order:
            starts[name] = first_page
            first_page += contents_pages if name == "contents" else rendered[name].pages
        where = {}
        for name in names:
            for anchor, page in rendered[name].anchors.items():
                where.setdefault(anchor, starts[name] + page)
        entries = [(anchor, title, where.get(anchor)) for anchor, title in parts["contents"]]
        contents = store.get("contents", contents_html(parts, entries))
        if contents.pages == contents_pages:
            break
        contents_pages = contents.pages
    rendered["contents"] = contents
    pages = sum(rendered[name].pages for name in order)
    frame = store.get("frame", frame_html(parts, cover_pages=rendered[names[0]].pages, pages=pages))
    pdf = join_pdfs([rendered[name].pdf for name in order], underlay=frame.pdf, title=parts["title"])
    store.forget_the_rest()
    return DraftBuild(pdf=pdf, pages=pages, rendered=store.rendered, reused=store.reused)
