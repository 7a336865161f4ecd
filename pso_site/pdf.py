"""HTML → PDF with WeasyPrint (basic renderer; Thai text extraction is
improved by the ActualText extension point)."""

import io
import subprocess

from weasyprint import HTML


def render_pdf(html: str, *, base_url: str | None = None, stylesheets: list | None = None) -> bytes:
    document = HTML(string=html, base_url=base_url).render(stylesheets=stylesheets)
    # No creation date: the same input gives the same bytes.
    document.metadata.created = None
    document.metadata.modified = None
    return document.write_pdf(pdf_identifier=b"pso-dossier")


def extract_text(pdf_bytes: bytes) -> str:
    result = subprocess.run(["pdftotext", "-", "-"], input=pdf_bytes, capture_output=True, check=True)
    return result.stdout.decode("utf-8")


def embedded_fonts(pdf_bytes: bytes) -> set[str]:
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(pdf_bytes))
    names = set()
    for page in reader.pages:
        fonts = page.get("/Resources", {}).get("/Font", {})
        for font in fonts.values():
            names.add(str(font.get_object().get("/BaseFont")))
    return names
