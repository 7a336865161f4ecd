"""Uploaded files kept under their SHA-256, shared by assessment evidence and
activity evidence. The stored bytes never change, so the dossier can list the
hash of each file and anyone can check it."""

import datetime
from typing import TYPE_CHECKING, Any, Self

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django.contrib.auth.base_user import AbstractBaseUser
    from django.core.files.uploadedfile import UploadedFile
    from django.http import FileResponse


def stored_file_path(instance: "StoredFile", filename: str) -> str:
    return f"evidence/{instance.sha256[:2]}/{instance.sha256}"


class StoredFile(models.Model):
    # The fields' types for mypy, which reads the models without Django's plugin
    # (quoted: the fields are generic in the stubs only).
    file = models.FileField(_("file"), upload_to=stored_file_path)
    original_name: "models.CharField[str, str]" = models.CharField(_("file name"), max_length=255)
    content_type: "models.CharField[str, str]" = models.CharField(_("file type"), max_length=100)
    size: "models.PositiveIntegerField[int, int]" = models.PositiveIntegerField(_("size"))
    sha256: "models.CharField[str, str]" = models.CharField("SHA-256", max_length=64)
    uploaded_by: "models.ForeignKey[AbstractBaseUser | None, AbstractBaseUser | None]" = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    uploaded_by_id: int | None
    uploaded_at: "models.DateTimeField[datetime.datetime, datetime.datetime]" = models.DateTimeField(
        _("uploaded at"), auto_now_add=True
    )

    class Meta:
        abstract = True
        ordering = ["uploaded_at"]

    def __str__(self) -> str:
        return self.original_name

    def sharing(self, **fields: Any) -> Self:
        """An unsaved row of the same kind naming the same stored bytes (the
        file is stored once; each row lists it)."""
        values = {
            "file": self.file.name,
            "original_name": self.original_name,
            "content_type": self.content_type,
            "size": self.size,
            "sha256": self.sha256,
            "uploaded_by_id": self.uploaded_by_id,
        }
        if "uploaded_by" in fields:
            values.pop("uploaded_by_id")
        return type(self)(**{**values, **fields})

    def fill_from_upload(
        self, *, upload: "UploadedFile", sha256: str, content_type: str, user: "AbstractBaseUser | None"
    ) -> None:
        """Set the fields from a checked upload (see ``assessment.evidence``) and store it."""
        # An upload always has a name and a size (the stubs allow None).
        self.original_name = upload.name[:255]  # type: ignore[index]
        self.content_type = content_type
        self.size = upload.size  # type: ignore[assignment]
        self.sha256 = sha256
        self.uploaded_by = user
        self.file.save(upload.name, upload, save=False)
        self.save()


def stored_file_response(stored: StoredFile) -> "FileResponse":
    """Download an uploaded file under the name the user gave it; a file
    missing from storage is a 404, not a server error."""
    from django.http import FileResponse, Http404

    try:
        handle = stored.file.open("rb")
    except (FileNotFoundError, ValueError):
        raise Http404("The stored file is missing.") from None
    return FileResponse(
        handle, as_attachment=True, filename=stored.original_name, content_type=stored.content_type
    )
