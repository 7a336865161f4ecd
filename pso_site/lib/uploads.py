"""Uploads refused by size before their bytes are spooled to disk: a body
larger than ``UPLOAD_MAX_BYTES`` is read and dropped, the file never
stored, and the request marked so that the form can say why
(``upload_too_large``). The proxy in front should refuse such bodies even
earlier (docs/deployment.md)."""

from typing import IO, Any

from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler, SkipFile
from django.http import HttpRequest


def upload_limit() -> int:
    limit: int = getattr(settings, "UPLOAD_MAX_BYTES", 12 * 1024 * 1024)
    return limit


class LimitedUploadHandler(FileUploadHandler):
    """First in ``FILE_UPLOAD_HANDLERS``: skips every file of a body over the limit."""

    def handle_raw_input(
        self,
        input_data: IO[bytes],
        META: dict[str, str],
        content_length: int | None,
        boundary: str,
        encoding: str | None = None,
    ) -> None:
        self.too_large = content_length is not None and content_length > upload_limit()
        if self.too_large and self.request is not None:
            self.request.upload_too_large = True  # type: ignore[attr-defined]  # read by too_large()

    def new_file(self, *args: Any, **kwargs: Any) -> None:
        if self.too_large:
            raise SkipFile  # no later handler stores it

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None


def too_large(request: HttpRequest) -> bool:
    return bool(getattr(request, "upload_too_large", False))
