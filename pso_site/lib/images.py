"""An uploaded picture checked before it is read, and kept only as PNG
pixels that this code wrote.

Every door checks before it reads: the byte size first, then what the
content is (Pillow identifies PNG and JPEG from their signatures, whatever
the file's name says), then the dimensions from the header — before a
single pixel is decoded, so a small file that claims to be enormous is
refused unread — then Pillow's ``verify()`` of the file's structure, and
only then the decoding. What is kept is the pixels, re-encoded to PNG by
Pillow into a fresh image: no EXIF, ICC profile, text chunks or anything
else the original carried."""

import io
from dataclasses import dataclass
from typing import IO

from PIL import Image, ImageOps, UnidentifiedImageError

# Formats accepted, as Pillow names them.
ACCEPTED_FORMATS = ("PNG", "JPEG")


class ImageRefused(ValueError):
    """Why a picture was refused: ``too large`` (bytes), ``not an image``
    (not PNG or JPEG by its content), ``too many pixels`` (with ``size``),
    or ``damaged``."""

    def __init__(self, reason: str, *, size: tuple[int, int] | None = None):
        super().__init__(reason)
        self.reason = reason
        self.size = size


@dataclass(frozen=True)
class CleanImage:
    png: bytes
    width: int
    height: int


def png_from_upload(upload: IO[bytes], *, max_bytes: int, max_side: int, keep_side: int) -> CleanImage:
    """The picture in ``upload`` (a file object with ``size`` and ``read``,
    such as Django's UploadedFile) as a fresh PNG, at most ``keep_side``
    pixels on its longer side; raises ImageRefused. ``max_side`` bounds
    what is accepted, ``keep_side`` what is kept (a seal printed 3 cm wide
    needs no more)."""
    size = getattr(upload, "size", None)
    if size is not None and size > max_bytes:
        raise ImageRefused("too large")
    data = upload.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise ImageRefused("too large")
    if not data:
        raise ImageRefused("not an image")
    try:
        with Image.open(io.BytesIO(data), formats=ACCEPTED_FORMATS) as probe:
            width, height = probe.size
            if width > max_side or height > max_side:
                raise ImageRefused("too many pixels", size=(width, height))
            probe.verify()
    except UnidentifiedImageError:
        raise ImageRefused("not an image") from None
    except ImageRefused:
        raise
    except Exception:
        # verify() raises whatever the decoder met: SyntaxError, OSError,
        # struct.error, ValueError… — all mean the same to the person.
        raise ImageRefused("damaged") from None
    try:
        with Image.open(io.BytesIO(data), formats=ACCEPTED_FORMATS) as image:
            image.load()
            pixels = _pixels(image)
    except Exception:
        raise ImageRefused("damaged") from None
    pixels.thumbnail((keep_side, keep_side), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    pixels.save(out, format="PNG", optimize=True)
    return CleanImage(png=out.getvalue(), width=pixels.width, height=pixels.height)


def _pixels(image: Image.Image) -> Image.Image:
    """The image's pixels, turned as the camera meant (EXIF orientation), in
    RGB or RGBA, copied into a new image that carries no metadata."""
    image = ImageOps.exif_transpose(image)
    transparent = image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info
    mode = "RGBA" if transparent else "RGB"
    converted = image.convert(mode)
    fresh = Image.new(mode, converted.size)
    fresh.paste(converted)
    return fresh
