"""Uploads refused by size before their bytes are spooled to disk: a body
larger than ``UPLOAD_MAX_BYTES`` is read and dropped, the file never
stored, and the request marked so that the form can say why
(``upload_too_large``). The proxy in front should refuse such bodies even
earlier (docs/deployment.md)."""

from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler, SkipFile


def upload_limit() -> int:
    return getattr(settings, "UPLOAD_MAX_BYTES", 12 * 1024 * 1024)


class LimitedUploadHandler(FileUploadHandler):
    """First in ``FILE_UPLOAD_HANDLERS``: skips every file of a body over the limit."""

    def handle_raw_input(self, input_data, META, content_length, boundary, encoding=None):
        self.too_large = content_length is not None and content_length > upload_limit()
        if self.too_large and self.request is not None:
            self.request.upload_too_large = True

    def new_file(self, *args, **kwargs):
        if self.too_large:
            raise SkipFile  # no later handler stores it

    def receive_data_chunk(self, raw_data, start):
        return raw_data

    def file_complete(self, file_size):
        return None


def too_large(request) -> bool:
    return bool(getattr(request, "upload_too_large", False))
