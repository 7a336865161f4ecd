"""QR codes as inline SVG (pure Python, no image libraries), for the
certificate page and the dossier."""

import io

import qrcode
import qrcode.image.svg
from django.utils.safestring import mark_safe


def qr_svg(data: str, *, box_size: int = 8) -> str:
    image = qrcode.make(data, image_factory=qrcode.image.svg.SvgPathImage, box_size=box_size, border=2)
    buffer = io.BytesIO()
    image.save(buffer)
    svg = buffer.getvalue().decode("utf-8")
    # Drop the XML declaration so the SVG can sit inside HTML.
    if svg.startswith("<?xml"):
        svg = svg[svg.index("?>") + 2 :]
    return mark_safe(svg.strip())
