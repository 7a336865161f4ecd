"""What every PDF the institute prints shares: the Sarabun faces, the Thai
repetition mark kept on its line, and WeasyPrint with the site's static
files as the only place it may read (and the institute's seal, handed to it
under its constant address when the document names it)."""

from pathlib import Path

from django.contrib.staticfiles import finders

from certification import institute
from pso_site.lib.pdf import EmbeddedFile, render_archival_pdf, render_pdf

FONT_FILES = {
    ("normal", 400): "fonts/sarabun/Sarabun_400Regular.ttf",
    ("normal", 700): "fonts/sarabun/Sarabun_700Bold.ttf",
    ("italic", 400): "fonts/sarabun/Sarabun_400Regular_Italic.ttf",
    ("italic", 700): "fonts/sarabun/Sarabun_700Bold_Italic.ttf",
}


def font_faces() -> list[dict]:
    """@font-face sources as file:// URLs found by the static finders: a font
    WeasyPrint cannot load is only a warning, so the path must be right."""
    faces = []
    for (style, weight), name in FONT_FILES.items():
        path = finders.find(name)
        if path is None:
            raise FileNotFoundError(f"Font {name} not found by the static finders")
        faces.append({"style": style, "weight": weight, "url": Path(path).resolve().as_uri()})
    return faces


def keep_mai_yamok(html: str) -> str:
    """Thai writes ``ต่าง ๆ`` with a space before the repetition mark; a line
    must not start with ๆ, so that space becomes a no-break space."""
    return html.replace(" ๆ", "\u00a0ๆ")


def _base_url() -> str:
    return str(Path(finders.find("css/app.css")).parent)


def html_to_pdf(html: str) -> bytes:
    return render_pdf(html, base_url=_base_url())


def html_to_archival_pdf(html: str, files: list[EmbeddedFile], *, created=None, provided=None) -> bytes:
    """PDF/A-3b with ``files`` inside, dated ``created`` (pso_site.lib.pdf.render_archival_pdf);
    the institute's seal given to the renderer if the HTML names it, and ``provided``
    (evidence files the HTML links as attachments)."""
    return render_archival_pdf(
        html,
        base_url=_base_url(),
        files=files,
        created=created,
        provided={**institute.pdf_resources(html), **(provided or {})},
    )
