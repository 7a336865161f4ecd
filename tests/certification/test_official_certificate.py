"""An official certificate (issue 25, item 6): the institute's seal at the
top, "ให้ไว้ ณ วันที่" the day it takes effect in the Buddhist era, the
signatory's name in brackets and position under the signature line, and no
English — read back from the issued, signed PDF. The institute sets its
name, signatory and seal in the admin; a seal is accepted only as a PNG or
JPEG by its content, within 2 MB and 4000 × 4000 pixels, and kept re-encoded
as a fresh PNG; it reaches the renderer by a constant address, never through
the markup."""

import datetime
import io
import os
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext
from PIL import Image, PngImagePlugin
from pypdf import PdfReader
from weasyprint.urls import FatalURLFetchingError

from certification import dossier, institute
from certification.demo import DEMO_POSITION, DEMO_SIGNATORY, demo_institute_seed
from certification.models import Certificate, InstituteProfile, IssuedDossier
from certification.printing import certificate_html
from certification.services import project_decide
from pso_site.lib import signing
from pso_site.lib.dates import THAI_MONTHS
from pso_site.lib.images import png_from_upload
from pso_site.lib.pdf import ProvidedResource, RefusedURL, StaticOnlyURLFetcher, extract_text
from tests.conftest import make_user

pytestmark = pytest.mark.django_db

SIGNATORY = "นายสมชาย ใจดี"
POSITION = "ผู้อำนวยการสถาบันรับรองมาตรฐาน P.S.O."
ADD = "admin:certification_instituteprofile_add"


def png_bytes(size=(300, 200), mode="RGBA", color=(20, 60, 120, 255), text: dict | None = None) -> bytes:
    info = PngImagePlugin.PngInfo()
    for key, value in (text or {}).items():
        info.add_text(key, value)
    out = io.BytesIO()
    Image.new(mode, size, color).save(out, "PNG", pnginfo=info)
    return out.getvalue()


def clean_seal(data: bytes) -> bytes:
    upload = SimpleUploadedFile("seal.png", data, content_type="image/png")
    return png_from_upload(upload, max_bytes=2 * 1024 * 1024, max_side=4000, keep_side=1000).png


def era_date(day: datetime.date) -> str:
    return f"{day.day} {THAI_MONTHS[day.month - 1]} พ.ศ. {day.year + 543}"


def certify(project, committee_member, callbacks, valid_from: datetime.date) -> Certificate:
    with callbacks(execute=True):
        project_decide(project_id=project.pk, user=committee_member, kind="certify", valid_from=valid_from)
    return Certificate.objects.get(project=project)


@pytest.fixture
def root(db):
    return make_user("root", is_superuser=True, is_staff=True)


def profile_form(**more) -> dict:
    return {
        "name_th": "สถาบันรับรองมาตรฐาน P.S.O.",
        "signatory_name": SIGNATORY,
        "signatory_position": POSITION,
        **more,
    }


# The issued certificate, rendered and signed ----------------------------------------------


@pytest.mark.pdf
def test_the_issued_certificate_gives_the_day_and_names_the_signatory_under_the_seal(
    submitted_project, committee_member, django_capture_on_commit_callbacks
):
    seal = clean_seal(png_bytes(size=(240, 240)))
    institute.institute_profile_set(
        name_th="สถาบันรับรองมาตรฐาน P.S.O.",
        signatory_name=SIGNATORY,
        signatory_position=POSITION,
        seal_png=seal,
    )
    valid_from = timezone.localdate()
    certificate = certify(submitted_project, committee_member, django_capture_on_commit_callbacks, valid_from)
    issued = IssuedDossier.objects.get(project=submitted_project, kind=IssuedDossier.Kind.CERTIFICATE)
    pdf = issued.file.read()
    assert signing.check_signature(pdf).sound

    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == 1
    text = " ".join(extract_text(pdf).split())
    assert f"ให้ไว้ ณ วันที่ {era_date(valid_from)}" in text
    assert f"({SIGNATORY})" in text and POSITION in text
    assert "สถาบันรับรองมาตรฐาน P.S.O." in text and "ขอรับรองว่า" in text and certificate.number in text
    # The Thai layout's order: agency, standard, the giving words, then who signs.
    order = [
        text.index(submitted_project.agency.name_th),
        text.index("ได้ดำเนินการตามมาตรฐาน"),
        text.index("ให้ไว้ ณ วันที่"),
        text.index(f"({SIGNATORY})"),
    ]
    assert order == sorted(order)
    # No English: what is left of the Latin alphabet is P.S.O., the number and the address.
    rest = text.replace(certificate.verification_url(), " ").replace(certificate.number, " ")
    rest = rest.replace("P.S.O.", " ")
    assert not re.findall(r"[A-Za-z]+", rest), rest

    # The seal is an image on the page, the size of the stored PNG.
    images = list(page_images(reader.pages[0]))
    assert [(image["/Width"], image["/Height"]) for image in images] == [(240, 240)]


def page_images(page):
    """The image XObjects the page draws, inside form XObjects too."""
    pending = [page.get("/Resources", {})]
    while pending:
        resources = pending.pop().get_object()
        for item in resources.get("/XObject", {}).values():
            item = item.get_object()
            if item.get("/Subtype") == "/Image":
                yield item
            elif item.get("/Subtype") == "/Form" and "/Resources" in item:
                pending.append(item["/Resources"])


# The page's markup: the seal by its address, the people's text as text -----------------------


def test_the_certificate_names_the_seal_by_its_constant_address_and_no_english(certified):
    institute.institute_profile_set(
        name_th="สถาบัน <b>ทดสอบ</b>",
        signatory_name='นาย "ก" <img src=x>',
        signatory_position="ผู้อำนวยการ } url(http://evil.example/)",
        seal_png=clean_seal(png_bytes()),
    )
    issued = IssuedDossier.objects.get(project=certified, kind=IssuedDossier.Kind.CERTIFICATE)
    html = certificate_html(certified.certificate, issued=issued)
    assert html.count('src="pso-seal:institute"') == 1 == html.count("<img ")
    assert "data:" not in html and "base64" not in html
    style = html[html.index("<style>") : html.index("</style>")]
    assert "evil" not in style and "ทดสอบ" not in style and "นาย" not in style
    assert "&lt;img src=x&gt;" in html and "&lt;b&gt;ทดสอบ&lt;/b&gt;" in html
    assert "International" not in html and "scheme-en" not in html
    certificate = certified.certificate
    assert f"ให้ไว้ ณ วันที่ {era_date(certificate.valid_from)}" in html


def test_without_a_signatory_the_line_is_left_to_sign_and_the_default_seal_is_drawn(certified):
    issued = IssuedDossier.objects.get(project=certified, kind=IssuedDossier.Kind.CERTIFICATE)
    html = certificate_html(certified.certificate, issued=issued)
    assert "สถาบันรับรองมาตรฐาน P.S.O." in html and "ให้ไว้ ณ วันที่" in html
    resources = institute.pdf_resources(html)
    assert resources[institute.SEAL_URL].media_type == "image/svg+xml"
    assert (
        b"<circle" in resources[institute.SEAL_URL].content
        and b"P.S.O." in resources[institute.SEAL_URL].content
    )


def test_the_issued_documents_get_the_seal_only_when_they_name_it(certified, monkeypatch):
    seal = clean_seal(png_bytes())
    institute.institute_profile_set(name_th="ส", signatory_name="ก", signatory_position="ข", seal_png=seal)
    given = {}

    def renderer(html, **options):
        given[("certificate" if "ให้ไว้ ณ วันที่" in html and "<h1>ใบรับรองมาตรฐาน" in html else "dossier")] = (
            options
        )
        return b"%PDF-1.7 stand-in"

    monkeypatch.setattr("pso_site.lib.pdf._render_with_weasyprint", renderer)
    for issued in IssuedDossier.objects.filter(project=certified, occasion="decision"):
        dossier.issued_render(issued)
    assert given["certificate"]["provided"] == {institute.SEAL_URL: ProvidedResource(seal, "image/png")}
    assert given["dossier"]["provided"] == {}


def test_the_renderer_answers_the_seal_address_and_refuses_everything_else():
    seal = ProvidedResource(b"\x89PNG seal", "image/png")
    fetcher = StaticOnlyURLFetcher({"pso-seal:institute": seal})
    response = fetcher.fetch("pso-seal:institute")
    assert response.read() == b"\x89PNG seal" and response.content_type == "image/png"
    for url in (
        "pso-seal:other",
        "data:image/png;base64,iVBORw0KGgo=",
        "file:///etc/passwd",
        "http://evil.example/seal.png",
    ):
        with pytest.raises((RefusedURL, FatalURLFetchingError)):
            fetcher.fetch(url)
    for name in ("http://evil.example/", "data:image/png", "file:///etc/passwd", "pso-seal:"):
        with pytest.raises(ValueError):
            StaticOnlyURLFetcher({name: seal})


def test_the_dossier_names_the_giving_date_and_the_signatory(certified):
    institute.institute_profile_set(
        name_th="สถาบันรับรองมาตรฐาน P.S.O.", signatory_name=SIGNATORY, signatory_position=POSITION
    )
    html = dossier.dossier_html(certified, draft=False)
    section = html[html.index('id="certificate"') :]
    assert f"ให้ไว้ ณ วันที่</th><td>{era_date(certified.certificate.valid_from)}" in section
    assert SIGNATORY in section and POSITION in section


# The admin: who edits, what a seal must be ---------------------------------------------------


def test_a_good_png_is_re_encoded_without_its_other_data(client, root):
    original = png_bytes(size=(320, 160), text={"Comment": "secret-note", "Author": "someone"})
    client.force_login(root)
    response = client.post(
        reverse(ADD), profile_form(seal=SimpleUploadedFile("seal.png", original, content_type="image/png"))
    )
    assert response.status_code == 302
    profile = InstituteProfile.objects.get()
    stored = bytes(profile.seal_png)
    assert stored.startswith(b"\x89PNG\r\n\x1a\n") and stored != original
    assert b"secret-note" not in stored and b"someone" not in stored
    with Image.open(io.BytesIO(stored)) as image:
        assert image.format == "PNG" and image.size == (320, 160)
        assert image.getpixel((10, 10)) == (20, 60, 120, 255)
        assert not {"Comment", "Author"} & set(image.info)
    assert profile.signatory_name == SIGNATORY and profile.signatory_position == POSITION
    history = profile.history.get()
    assert history.seal_sha256 == profile.seal_sha256 and history.history_user == root


def test_a_jpeg_seal_is_kept_as_png(client, root):
    out = io.BytesIO()
    exif = Image.Exif()
    exif[0x010E] = "camera note"  # ImageDescription
    Image.new("RGB", (2400, 1200), (200, 30, 30)).save(out, "JPEG", exif=exif.tobytes())
    client.force_login(root)
    response = client.post(reverse(ADD), profile_form(seal=SimpleUploadedFile("seal.jpg", out.getvalue())))
    assert response.status_code == 302
    stored = bytes(InstituteProfile.objects.get().seal_png)
    assert b"camera note" not in stored
    with Image.open(io.BytesIO(stored)) as image:
        assert image.format == "PNG" and image.size == (1000, 500)  # kept at most 1000 px a side


def refused(client, data: bytes, name: str = "seal.png") -> str:
    response = client.post(
        reverse(ADD), profile_form(seal=SimpleUploadedFile(name, data, content_type="image/png"))
    )
    assert response.status_code == 200
    assert not InstituteProfile.objects.exists()
    return response.content.decode()


NOT_PNG_OR_JPEG = "The seal must be a PNG or JPEG image: this file is not one, whatever its name says."
DAMAGED = "The image is damaged and cannot be read: save it again as PNG or JPEG and upload it."


def message(msgid: str, **params) -> str:
    """The message as the page shows it, in Thai."""
    with translation.override("th"):
        return gettext(msgid) % params if params else gettext(msgid)


def test_a_text_file_named_png_is_refused_and_nothing_is_saved(client, root):
    client.force_login(root)
    page = refused(client, b"This is not a picture, whatever its name says.\n")
    assert message(NOT_PNG_OR_JPEG) in page
    assert "ตราสัญลักษณ์ต้องเป็นภาพ PNG หรือ JPEG" in page  # said in Thai
    # A GIF is a picture, but not one of the two.
    gif = io.BytesIO()
    Image.new("RGB", (10, 10)).save(gif, "GIF")
    assert message(NOT_PNG_OR_JPEG) in refused(client, gif.getvalue())
    # A PNG cut short.
    assert message(DAMAGED) in refused(client, png_bytes()[:100])


def test_an_oversized_seal_is_refused_and_nothing_is_saved(client, root):
    client.force_login(root)
    noise = Image.frombytes("RGB", (1000, 1000), os.urandom(3_000_000))
    heavy = io.BytesIO()
    noise.save(heavy, "PNG")
    assert len(heavy.getvalue()) > 2 * 1024 * 1024
    assert message("The seal must be a file of at most %(size)s MB.", size=2) in refused(
        client, heavy.getvalue()
    )
    # Small as a file, too many pixels: refused from its header, before decoding.
    page = refused(client, png_bytes(size=(4001, 2), mode="L", color=0))
    expected = message(
        "The seal must be at most %(max)s × %(max)s pixels; this one is %(width)s × %(height)s.",
        max=4000,
        width=4001,
        height=2,
    )
    assert expected in page and "พิกเซล" in page


def test_a_body_over_the_upload_limit_is_refused_with_the_message(client, root, settings):
    settings.UPLOAD_MAX_BYTES = 1024 * 1024
    client.force_login(root)
    page = refused(client, b"\0" * (1024 * 1024 + 10))
    assert message("The upload is larger than %(size)s MB and was not read.", size=1) in page


def test_the_standards_administrator_edits_it_and_the_committee_cannot(
    client, standards_admin, committee_member
):
    client.force_login(standards_admin)
    assert client.get(reverse("admin:certification_instituteprofile_changelist")).url == reverse(ADD)
    assert client.post(reverse(ADD), profile_form()).status_code == 302
    change = reverse("admin:certification_instituteprofile_change", args=[1])
    assert client.get(reverse("admin:certification_instituteprofile_changelist")).url == change
    page = client.get(change)
    assert page.status_code == 200 and SIGNATORY in page.content.decode()
    # One row: no second one, never deleted.
    assert client.get(reverse(ADD)).status_code == 403
    assert (
        client.post(
            reverse("admin:certification_instituteprofile_delete", args=[1]), {"post": "yes"}
        ).status_code
        == 403
    )
    client.force_login(committee_member)
    assert client.get(change).status_code == 302  # to the admin's sign-in: not staff
    assert InstituteProfile.objects.get().signatory_name == SIGNATORY


def test_removing_the_seal_prints_the_default_again(client, root):
    institute.institute_profile_set(
        name_th="ส", signatory_name="ก", signatory_position="ข", seal_png=clean_seal(png_bytes())
    )
    client.force_login(root)
    change = reverse("admin:certification_instituteprofile_change", args=[1])
    assert client.post(change, profile_form(seal_remove="on")).status_code == 302
    profile = InstituteProfile.objects.get()
    assert not profile.has_seal and profile.seal_sha256 == ""
    assert institute.seal_resource(profile).media_type == "image/svg+xml"


def test_the_demo_signatory_is_set_once(db):
    demo_institute_seed()
    demo_institute_seed()
    profile = InstituteProfile.objects.get()
    assert (profile.signatory_name, profile.signatory_position) == (DEMO_SIGNATORY, DEMO_POSITION)
    assert "ตัวอย่าง" in profile.signatory_name and "ตัวอย่าง" in profile.signatory_position
    assert profile.history.count() == 1


def test_the_print_template_puts_no_variable_in_a_tag():
    """User text reaches the certificate as element content only; its one
    image is the constant address of the seal."""
    source = Path(settings.BASE_DIR, "templates/certification/certificate_print.html").read_text()
    assert not re.findall(r"<[a-zA-Z][^>]*\{[{%]", source)
    assert re.findall(r'<img [^>]*src="([^"]*)"', source) == [institute.SEAL_URL]
