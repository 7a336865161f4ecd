"""The institute as its certificates name it, edited in the Django admin by
the site's superuser or a standards administrator: one row, no list, no
deletion. Its history is kept (django-simple-history); the seal's bytes are
named there by their SHA-256."""

import base64
import io

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.templatetags.static import static
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from PIL import Image
from simple_history.admin import SimpleHistoryAdmin

from agencies.access import has_institute_role
from agencies.models import InstituteRole
from certification import institute
from certification.models import InstituteProfile
from pso_site.lib.images import ImageRefused, png_from_upload
from pso_site.lib.text import TextProblem, clean_text
from pso_site.lib.uploads import too_large, upload_limit


def seal_refusal(refusal: ImageRefused) -> str:
    """What the person reads when their seal is refused."""
    if refusal.reason == "too large":
        return _("The seal must be a file of at most %(size)s MB.") % {
            "size": institute.SEAL_MAX_BYTES // (1024 * 1024)
        }
    if refusal.reason == "too many pixels":
        width, height = refusal.size
        return _("The seal must be at most %(max)s × %(max)s pixels; this one is %(width)s × %(height)s.") % {
            "max": institute.SEAL_MAX_SIDE,
            "width": width,
            "height": height,
        }
    if refusal.reason == "damaged":
        return _("The image is damaged and cannot be read: save it again as PNG or JPEG and upload it.")
    return _("The seal must be a PNG or JPEG image: this file is not one, whatever its name says.")


class InstituteProfileForm(forms.ModelForm):
    seal = forms.FileField(
        label=gettext_lazy("New seal or logo"),
        required=False,
        help_text=gettext_lazy(
            "PNG or JPEG, at most 2 MB and 4000 × 4000 pixels. It is checked, then stored as PNG "
            "without the file's other data, and printed at the top of every certificate issued from now on."
        ),
        widget=forms.FileInput(attrs={"accept": "image/png,image/jpeg"}),
    )
    seal_remove = forms.BooleanField(
        label=gettext_lazy("Print the default seal instead"),
        required=False,
    )

    # Set by the admin for the request: the body was over the upload limit, its file dropped unread.
    request_too_large = False

    class Meta:
        model = InstituteProfile
        fields = ["name_th", "signatory_name", "signatory_position"]

    def _clean_text(self, name: str) -> str:
        try:
            return clean_text(self.cleaned_data[name], max_length=self.fields[name].max_length)
        except TextProblem as problem:
            raise forms.ValidationError(problem.message) from None

    def clean_name_th(self) -> str:
        return self._clean_text("name_th")

    def clean_signatory_name(self) -> str:
        return self._clean_text("signatory_name")

    def clean_signatory_position(self) -> str:
        return self._clean_text("signatory_position")

    def clean_seal(self):
        upload = self.cleaned_data.get("seal")
        self.seal_png = institute.KEEP
        if upload is None:
            return None
        try:
            clean = png_from_upload(
                upload,
                max_bytes=institute.SEAL_MAX_BYTES,
                max_side=institute.SEAL_MAX_SIDE,
                keep_side=institute.SEAL_KEEP_SIDE,
            )
        except ImageRefused as refusal:
            raise forms.ValidationError(seal_refusal(refusal)) from None
        self.seal_png = clean.png
        return upload

    def clean(self):
        cleaned = super().clean()
        if self.request_too_large:
            self.errors.pop("seal", None)
            self.add_error(
                "seal",
                _("The upload is larger than %(size)s MB and was not read.")
                % {"size": upload_limit() // (1024 * 1024)},
            )
        elif cleaned.get("seal_remove"):
            if cleaned.get("seal") is not None:
                self.add_error(
                    "seal_remove", _("Either upload a new seal or print the default one, not both.")
                )
            else:
                self.seal_png = None
        return cleaned


def may_edit(user) -> bool:
    # The roles read once per request (the admin asks many times a page).
    return user.is_active and (
        user.is_superuser or has_institute_role(user, InstituteRole.Role.STANDARDS_ADMIN)
    )


def fit(width: int, height: int, box: int) -> tuple[int, int]:
    scale = min(1, box / max(width, height))
    return max(1, round(width * scale)), max(1, round(height * scale))


@admin.register(InstituteProfile)
class InstituteProfileAdmin(SimpleHistoryAdmin):
    form = InstituteProfileForm
    fieldsets = [
        (None, {"fields": ["name_th", "signatory_name", "signatory_position"]}),
        (gettext_lazy("Seal"), {"fields": ["seal_now", "seal", "seal_remove"]}),
    ]
    readonly_fields = ["seal_now"]

    # Who: the superuser and the standards administrators, by their role now
    # (the admin's model permissions are not used for this one row).
    def has_module_permission(self, request):
        return may_edit(request.user)

    def has_view_permission(self, request, obj=None):
        return may_edit(request.user)

    def has_change_permission(self, request, obj=None):
        return may_edit(request.user)

    def has_add_permission(self, request):
        return may_edit(request.user) and not InstituteProfile.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False

    def revert_disabled(self, request, obj=None):
        return True

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        # An old version is shown, never saved back: the seal's bytes are not in the history.
        if request.method == "POST":
            raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)

    def changelist_view(self, request, extra_context=None):
        """One row: the list is its form (or the form that creates it)."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        if InstituteProfile.objects.exists():
            return redirect(
                reverse("admin:certification_instituteprofile_change", args=[InstituteProfile.SINGLETON_ID])
            )
        return redirect(reverse("admin:certification_instituteprofile_add"))

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        form.request_too_large = too_large(request)
        return form

    def save_model(self, request, obj, form, change):
        """Through the one write path (certification.institute)."""
        saved = institute.institute_profile_set(
            name_th=obj.name_th,
            signatory_name=obj.signatory_name,
            signatory_position=obj.signatory_position,
            seal_png=form.seal_png,
            by=request.user,
        )
        obj.pk = saved.pk

    @admin.display(description=gettext_lazy("Seal printed now"))
    def seal_now(self, obj):
        if obj is None or not obj.has_seal:
            return format_html(
                '<img src="{}" alt="" width="96" height="96"><br>{}',
                static(institute.DEFAULT_SEAL),
                _("The default seal (no seal uploaded)."),
            )
        png = bytes(obj.seal_png)
        with Image.open(io.BytesIO(png)) as image:
            width, height = image.size
        shown_width, shown_height = fit(width, height, 96)
        # Our own re-encoded PNG as base64 (the policy allows data: images):
        # nothing of the uploaded file reaches the page.
        return format_html(
            '<img src="data:image/png;base64,{}" alt="" width="{}" height="{}"><br>{}',
            base64.b64encode(png).decode("ascii"),
            shown_width,
            shown_height,
            _("PNG, %(width)s × %(height)s pixels, SHA-256 %(sha)s…")
            % {"width": width, "height": height, "sha": obj.seal_sha256[:16]},
        )
