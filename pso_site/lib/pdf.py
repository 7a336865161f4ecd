"""HTML → PDF with WeasyPrint, with Thai text that extracts and copies exactly.

WeasyPrint writes one ToUnicode entry per glyph, taken from the first text it
sees that glyph in. Thai shaping does not map glyphs one-to-one to
characters (HarfBuzz splits ำ into nikhahit + sara aa and reorders tone
marks), so `pdftotext` would read สำนักงำน for สำนักงาน and นำ for น้ำ.

The fix is the PDF's own mechanism for this: every text box that contains
Thai is wrapped in a marked-content span whose /ActualText is the box's
source text, which viewers and text extractors use instead of the glyphs'
Unicode mapping. It is installed by wrapping the ``draw_text`` function that
``weasyprint.draw`` calls for each text box — one small, version-checked
extension point, no edit to WeasyPrint itself.
"""

import datetime
import io
import os
import re
import subprocess
import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote, urlparse

import pydyf
import weasyprint
import weasyprint.draw
from django.conf import settings
from weasyprint import HTML, Attachment
from weasyprint.urls import URLFetcher, URLFetcherResponse

if TYPE_CHECKING:
    from pypdf import PageObject, PdfWriter

SUPPORTED_WEASYPRINT = "70."
# Scripts whose shaping breaks the one-glyph-one-text mapping.
NEEDS_ACTUAL_TEXT = re.compile(r"[\u0E00-\u0E7F]")

_install_lock = threading.Lock()
_original_draw_text: Any = None  # WeasyPrint's draw_text (no types), once wrapped


def draw_text_with_actual_text(stream: Any, textbox: Any, *args: Any, **kwargs: Any) -> Any:
    """``weasyprint.draw.text.draw_text`` plus /ActualText for Thai boxes."""
    text = textbox.text
    if not NEEDS_ACTUAL_TEXT.search(text):
        return _original_draw_text(stream, textbox, *args, **kwargs)
    stream.begin_marked_content("Span", pydyf.Dictionary({"ActualText": pydyf.String(text)}))
    try:
        return _original_draw_text(stream, textbox, *args, **kwargs)
    finally:
        stream.end_marked_content()


# fontTools stamps the subset fonts it writes with the current second (the
# 'head' table's modified date) unless SOURCE_DATE_EPOCH says otherwise (the
# reproducible-builds convention it follows): without it, the same HTML gave
# different bytes once the clock had turned a second.
FONT_DATE_EPOCH = "946684800"  # 2000-01-01


def install_actual_text() -> None:
    """Install the wrapper once (idempotent, thread-safe), and fix the date
    fontTools writes into subset fonts (``FONT_DATE_EPOCH``) unless the
    environment already sets one."""
    global _original_draw_text
    os.environ.setdefault("SOURCE_DATE_EPOCH", FONT_DATE_EPOCH)
    with _install_lock:
        if _original_draw_text is not None:
            return
        if not weasyprint.__version__.startswith(SUPPORTED_WEASYPRINT):
            raise RuntimeError(
                f"pso_site.lib.pdf wraps weasyprint.draw.draw_text of WeasyPrint {SUPPORTED_WEASYPRINT}x; "
                f"found {weasyprint.__version__}: check the wrapper before upgrading."
            )
        _original_draw_text = weasyprint.draw.draw_text
        weasyprint.draw.draw_text = draw_text_with_actual_text


class RefusedURL(ValueError):
    pass


def allowed_roots() -> list[Path]:
    """Where the renderer may read: the site's own static files (fonts,
    style sheets, images) and nothing else."""
    roots = [Path(str(root)) for root in getattr(settings, "STATICFILES_DIRS", [])]
    if getattr(settings, "STATIC_ROOT", None):
        roots.append(Path(str(settings.STATIC_ROOT)))
    return [root.resolve() for root in roots]


@dataclass(frozen=True)
class ProvidedResource:
    """Bytes the caller hands the renderer under a fixed name (the
    institute's seal, an evidence file by its SHA-256): the template names
    it, the bytes never enter the markup. ``file_name`` and ``description``
    name a file a page links as an attachment (``<a rel="attachment">``):
    written into the file's specification after rendering, never into the
    markup."""

    content: bytes
    media_type: str
    file_name: str = ""
    description: str = ""


# A provided resource's name: a scheme of our own and a fixed word, so it
# can never stand for a file, a host or inline data.
PROVIDED_NAME = re.compile(r"pso-[a-z]+:[a-z0-9]+")


class StaticOnlyURLFetcher(URLFetcher):  # type: ignore[misc]  # WeasyPrint has no types
    """WeasyPrint's fetcher, for ``file://`` URLs inside the static folders
    only: every other URL — other files, http(s), ftp, data — is refused (the
    renderer logs a warning and goes on), so no markup that reaches a
    template can make the server read its disk or the network.

    ``provided`` answers a few exact names (``pso-seal:institute``) with
    bytes the caller holds: the template writes the constant name, never
    the data, and nothing but those exact names is answered from it."""

    def __init__(self, provided: Mapping[str, ProvidedResource] | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        provided = dict(provided or {})
        for name in provided:
            if not PROVIDED_NAME.fullmatch(name):
                raise ValueError(f"A provided resource is named pso-<kind>:<word>, not {name!r}")
        self.provided = provided

    def fetch(self, url: str, headers: Mapping[str, str] | None = None) -> URLFetcherResponse:
        resource = self.provided.get(url)
        if resource is not None:
            return URLFetcherResponse(url, resource.content, {"Content-Type": resource.media_type})
        parsed = urlparse(url)
        if parsed.scheme == "file":
            path = Path(unquote(parsed.path)).resolve()
            if any(path.is_relative_to(root) for root in allowed_roots()):
                return super().fetch(url, headers)
        raise RefusedURL(f"The PDF renderer does not fetch {url[:200]}")


def render_pdf(
    html: str,
    *,
    base_url: str | None = None,
    stylesheets: list[Any] | None = None,
    provided: Mapping[str, ProvidedResource] | None = None,
) -> bytes:
    """Render HTML to PDF bytes. The same input gives the same bytes: no
    creation or modification date, and the document identifier (/ID) made
    from the content, so two documents never share one. ``provided``: see
    ``StaticOnlyURLFetcher``."""
    return _render_with_weasyprint(html, base_url=base_url, stylesheets=stylesheets, provided=provided)


@dataclass(frozen=True)
class EmbeddedFile:
    """A file carried inside an archival PDF (PDF/A-3 associated file)."""

    name: str
    content: bytes
    description: str
    # PDF/A-3's AFRelationship: "Source" is what the document was made from.
    relationship: str = "Source"


ARCHIVAL_VARIANT = "pdf/a-3b"


def render_archival_pdf(
    html: str,
    *,
    base_url: str | None = None,
    files: Sequence[EmbeddedFile] = (),
    created: datetime.datetime | None = None,
    provided: Mapping[str, ProvidedResource] | None = None,
) -> bytes:
    """PDF/A-3b in PDF 1.7: every font embedded, the sRGB output intent, XMP
    metadata with the PDF/A identification, and ``files`` embedded as
    associated files, each listed once in the catalogue's /AF and dated
    ``created`` in UTC (the files' creation and modification dates). No
    document information dictionary: the XMP alone describes the document,
    so signing it later (pyHanko updates the XMP) keeps the two from
    disagreeing, which PDF/A forbids. The signature keeps PDF 1.7 only with
    an RSA key (``pso_site.lib.signing``).

    Not tagged (``pdf_tags``): WeasyPrint's structure tree carries the
    glyphs' own Unicode mapping, so a screen reader following it reads Thai
    wrongly (สำนักงำน for สำนักงาน); the /ActualText spans that mend copying
    sit inside the tagged content and are not used there (docs/dossier.md)."""
    return _render_with_weasyprint(
        html,
        base_url=base_url,
        stylesheets=None,
        archival=True,
        files=tuple(files),
        created=created,
        provided=provided,
    )


def _archival_finisher(
    when: datetime.datetime, provided: Mapping[str, ProvidedResource]
) -> Callable[[weasyprint.Document, pydyf.PDF], None]:
    """What WeasyPrint leaves to mend in an archival file: no information
    dictionary; the XMP stream not compressed (PDF/A's metadata stream has
    no filter); each associated file once in /AF (WeasyPrint 70 lists a
    file of the name tree twice); every embedded file dated ``when`` in UTC
    (WeasyPrint dates a linked attachment with the local clock, labelled
    UTC); and a linked attachment (named by its provided name's word) given
    its own file name, description and relationship, ``Supplement``."""
    stamp = pydyf.String(when.strftime("D:%Y%m%d%H%M%SZ"))
    named = {name.split(":", 1)[1]: resource for name, resource in provided.items() if resource.file_name}

    def finish(document: weasyprint.Document, pdf: pydyf.PDF) -> None:
        pdf.info.clear()
        pdf.objects[int(pdf.catalog["Metadata"].split()[0])].compress = False
        if "AF" in pdf.catalog:
            unique = pydyf.Array()
            for reference in pdf.catalog["AF"]:
                if reference not in unique:
                    unique.append(reference)
            pdf.catalog["AF"] = unique
        for item in pdf.objects:
            extra: Any = getattr(item, "extra", None)
            if isinstance(item, pydyf.Stream) and extra.get("Type") == "/EmbeddedFile":
                extra["Params"]["CreationDate"] = extra["Params"]["ModDate"] = stamp
            elif isinstance(item, pydyf.Dictionary) and item.get("Type") == "/Filespec":
                resource = named.get(getattr(item.get("UF"), "string", None))  # type: ignore[arg-type]  # None finds none
                if resource is not None:
                    item["UF"] = pydyf.String(resource.file_name)
                    item["F"] = pydyf.String(_ascii_name(resource.file_name))
                    item["Desc"] = pydyf.String(resource.description)
                    item["AFRelationship"] = "/Supplement"

    return finish


def _ascii_name(name: str) -> str:
    """The file name for readers that only read /F (ASCII): the name's ASCII
    letters, digits and punctuation, or "file" with its extension."""
    stem, dot, extension = name.rpartition(".")
    kept = re.sub(r"[^A-Za-z0-9._-]+", "_", stem if dot else name).strip("_") or "file"
    return f"{kept}.{re.sub(r'[^A-Za-z0-9]', '', extension)}" if dot else kept


def _render_with_weasyprint(
    html: str,
    *,
    base_url: str | None,
    stylesheets: list[Any] | None,
    archival: bool = False,
    files: Sequence[EmbeddedFile] = (),
    created: datetime.datetime | None = None,
    provided: Mapping[str, ProvidedResource] | None = None,
) -> bytes:
    # The one place WeasyPrint runs: the test suite replaces it with a cheap
    # stand-in unless a test is marked ``pdf`` (tests/conftest.py).
    install_actual_text()
    document = HTML(string=html, base_url=base_url, url_fetcher=StaticOnlyURLFetcher(provided)).render(
        stylesheets=stylesheets
    )
    document.metadata.created = None
    document.metadata.modified = None
    if not archival:
        plain: bytes = document.write_pdf(pdf_identifier=True)
        return plain
    # WeasyPrint writes a file's dates with "Z" whatever the zone it is given.
    when = (created or datetime.datetime.now(datetime.UTC)).astimezone(datetime.UTC)
    attachments = [
        Attachment(
            string=item.content,
            name=item.name,
            description=item.description,
            relationship=item.relationship,
            created=when,
            modified=when,
        )
        for item in files
    ]
    archival_pdf: bytes = document.write_pdf(
        pdf_identifier=True,
        pdf_variant=ARCHIVAL_VARIANT,
        attachments=attachments,
        finisher=_archival_finisher(when, provided or {}),
    )
    return archival_pdf


def pdf_layout(pdf_bytes: bytes) -> tuple[int, dict[str, int]]:
    """The number of pages, and the page (from 0) of each named destination:
    WeasyPrint writes one for every element with an ``id``."""
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(pdf_bytes))
    anchors: dict[str, int] = {}
    for name, destination in reader.named_destinations.items():
        page = reader.get_destination_page_number(destination)
        if page is not None and page >= 0:
            anchors[str(name).lstrip("/")] = page
    return len(reader.pages), anchors


def join_pdfs(documents: list[bytes], *, underlay: bytes | None = None, title: str = "") -> bytes:
    """The documents' pages one after the other, as one PDF, with their
    bookmarks. Page *i* of ``underlay`` (running headers, footers, a
    watermark) is drawn beneath page *i*: the parts need not know where
    they fall. The text layers (/ActualText) are kept as they are."""
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    for document in documents:
        writer.append(PdfReader(io.BytesIO(document)))
    if underlay is not None:
        beneath = PdfReader(io.BytesIO(underlay)).pages
        for number, (page, background) in enumerate(zip(writer.pages, beneath, strict=False)):
            _draw_beneath(writer, page, background, name=f"/PsoUnderlay{number}")
    if title:
        writer.add_metadata({"/Title": title})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _draw_beneath(writer: "PdfWriter", page: "PageObject", background: "PageObject", *, name: str) -> None:
    """``background`` as a form XObject drawn first on ``page``. pypdf's
    ``merge_page`` would parse and rewrite both pages' content streams
    (half a second for a 34-page draft); this leaves them as they are."""
    from pypdf.generic import ArrayObject, DecodedStreamObject, DictionaryObject, NameObject, StreamObject

    drawing = background.get_contents()
    if drawing is None:
        return
    form: StreamObject = DecodedStreamObject()
    form.set_data(drawing.get_data())
    form.update(
        {
            NameObject("/Type"): NameObject("/XObject"),
            NameObject("/Subtype"): NameObject("/Form"),
            NameObject("/BBox"): background.mediabox,
            NameObject("/Resources"): background.get("/Resources", DictionaryObject())
            .get_object()
            .clone(writer),
        }
    )
    form = form.flate_encode()
    if "/Resources" not in page:
        page[NameObject("/Resources")] = DictionaryObject()
    resources: Any = page["/Resources"].get_object()  # a dictionary; pypdf types it as any object
    if "/XObject" not in resources:
        resources[NameObject("/XObject")] = DictionaryObject()
    resources["/XObject"].get_object()[NameObject(name)] = writer._add_object(form)
    first = DecodedStreamObject()
    first.set_data(f"q {name} Do Q\n".encode("ascii"))
    contents = page.get("/Contents")
    if contents is None:
        existing = []
    elif isinstance(contents.get_object(), ArrayObject):
        existing = list(contents.get_object())
    else:
        existing = [page.raw_get("/Contents")]
    page[NameObject("/Contents")] = ArrayObject([writer._add_object(first), *existing])


def extract_text(pdf_bytes: bytes) -> str:
    """The text a reader would copy, as poppler's pdftotext extracts it."""
    result = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", "-", "-"], input=pdf_bytes, capture_output=True, check=True
    )
    return result.stdout.decode("utf-8")


def embedded_fonts(pdf_bytes: bytes) -> set[str]:
    """Base names of the fonts embedded in the PDF (subset prefix included)."""
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(pdf_bytes))
    names = set()
    for page in reader.pages:
        fonts = page.get("/Resources", {}).get("/Font", {})
        for font in fonts.values():
            font = font.get_object()
            descendants = font.get("/DescendantFonts")
            if descendants:
                descriptor = descendants[0].get_object().get("/FontDescriptor").get_object()
                if (
                    descriptor.get("/FontFile2")
                    or descriptor.get("/FontFile3")
                    or descriptor.get("/FontFile")
                ):
                    names.add(str(font.get("/BaseFont")))
    return names
