"""Documents an auditor can trust offline (issue 16): every issued dossier
and printable certificate is PDF/A-3b, carries the project's record, and is
signed by the institute; the public page and ``verify_dossier`` tell a
genuine file from one that is not, byte for byte, an issued document (a
changed copy, one signed by another key, one never issued: answered from
its SHA-256 without being opened, issue 22); nothing issued ever changes."""

import hashlib
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse
from pypdf import PdfReader

from assessment.models import Project
from certification import dossier, selectors, services
from certification.archive import project_archive_import
from certification.models import Decision, DraftDossier, IssuedDossier
from pso_site.lib import signing
from pso_site.lib.pdf import embedded_fonts, extract_text
from tests.certification.test_archive import empty_installation

pytestmark = pytest.mark.django_db


def decision_dossier(project) -> IssuedDossier:
    return IssuedDossier.objects.get(project=project, kind="dossier", occasion="decision")


def changed_in_a_page(pdf: bytes) -> bytes:
    """One byte of the first page's content stream changed, nothing else."""
    reader = PdfReader(io.BytesIO(pdf))
    contents = reader.pages[0].get("/Contents")
    reference = contents[0] if isinstance(contents, list) else contents
    start = pdf.index(b"\n%d 0 obj" % reference.idnum) + 1
    stream = pdf.index(b"stream", start) + len(b"stream\n") + 20
    changed = bytearray(pdf)
    changed[stream] ^= 0x01
    return bytes(changed)


def other_identity(tmp_path, **more):
    path = signing.demo_identity_create(tmp_path / "someone-else.p12", "other")
    return override_settings(SIGNING_KEY_FILE=path, SIGNING_KEY_PASSPHRASE="other", **more)


def certificate_file(tmp_path, name="institute-before.pem"):
    """The configured institute certificate, as a PEM file (a retired one, later)."""
    path = tmp_path / name
    path.write_text(signing.certificate_pem(signing.identity().certificate))
    return path


def check(client, data: bytes, name="dossier.pdf", address="192.0.2.10"):
    upload = io.BytesIO(data)
    upload.name = name
    return client.post(reverse("verify_document"), {"document": upload}, REMOTE_ADDR=address)


# The real documents (WeasyPrint) -------------------------------------------------------


@pytest.mark.pdf
def test_an_issued_dossier_is_signed_archival_and_carries_its_record(certified, client, tmp_path):
    issued = decision_dossier(certified)
    data = issued.file.read()

    # Signed by the configured institute certificate, over the whole file.
    signature = signing.check_signature(data)
    assert signature.sound and signature.signer_fingerprint == signing.identity().fingerprint == issued.signer
    # One byte of a page's content changed: the signature no longer holds.
    assert not signing.check_signature(changed_in_a_page(data)).intact

    # PDF/A-3b with the facts in the XMP, every font embedded.
    reader = PdfReader(io.BytesIO(data))
    xmp = reader.trailer["/Root"]["/Metadata"].get_object().get_data().decode("utf-8")
    assert 'pdfaid:part="3"' in xmp and 'pdfaid:conformance="B"' in xmp
    certificate = certified.certificate
    for fact in (certified.agency.name_th, certified.standard.label, certificate.number, "xmp:CreateDate"):
        assert fact in xmp, fact
    assert "/Info" not in reader.trailer  # the XMP alone, so nothing disagrees with it
    assert any("Sarabun" in name for name in embedded_fonts(data))
    assert reader.trailer["/Root"]["/OutputIntents"][0].get_object()["/S"] == "/GTS_PDFA1"

    # The record inside: the project archive, which imports on its own to the same figures.
    record = signing.embedded_files(data)["project.json"]
    document = json.loads(record)
    assert document["format"] == "pso-project" and document["certificate"]["number"] == certificate.number
    assert [entry["occasion"] for entry in document["dossiers"]] == ["submission"]  # those before it
    figures = issued.figures
    empty_installation()
    (imported,) = project_archive_import(record)
    assert dossier.issued_figures(imported) == figures
    assert imported.certificate.number == certificate.number

    # The Thai text still reads back verbatim, and it says what it is.
    text = " ".join(extract_text(data).split())
    assert "สำนักงานจังหวัดลำปาง" in text and "ลงลายมือชื่ออิเล็กทรอนิกส์โดยสถาบัน" in text
    assert "(ฉบับร่าง)" not in text and "ไม่ใช่เอกสารที่สถาบันออก" not in text


@pytest.mark.pdf
def test_the_page_and_the_command_accept_the_real_file_and_refuse_the_others(certified, client, tmp_path):
    issued = decision_dossier(certified)
    data = issued.file.read()

    page = check(client, data).content.decode()
    assert 'data-verdict="genuine"' in page and certified.certificate.number in page
    assert issued.figures["total"] in page

    # A changed copy, or one signed with another key, is not an issued document:
    # answered from its SHA-256, never opened, so nothing it claims is shown.
    with other_identity(tmp_path):
        forged = dossier.issued_sign(issued, dossier.issued_render(issued))
    for copy in (changed_in_a_page(data), forged):
        refused = check(client, copy).content.decode()
        assert 'data-verdict="not-issued"' in refused and hashlib.sha256(copy).hexdigest() in refused
        assert 'id="claimed"' not in refused and certified.agency.name_th not in refused

    genuine, changed, other = tmp_path / "genuine.pdf", tmp_path / "changed.pdf", tmp_path / "other.pdf"
    genuine.write_bytes(data)
    changed.write_bytes(changed_in_a_page(data))
    other.write_bytes(forged)
    output = io.StringIO()
    call_command("verify_dossier", str(genuine), "--json", stdout=output)
    result = json.loads(output.getvalue())
    assert result["genuine"] and result["stored"]["certificate"] == certified.certificate.number
    assert result["carried_record"]["agency_code"] == certified.agency.code
    for path in (changed, other):
        output = io.StringIO()
        with pytest.raises(SystemExit) as exit_code:
            call_command("verify_dossier", str(path), "--json", stdout=output)
        assert exit_code.value.code == 1
        result = json.loads(output.getvalue())
        assert not result["issued"] and result["signature"] is None and result["carried_record"] == {}


# The rules, on the suite's stand-in PDF (signed the same way) ------------------------------


def test_every_issued_document_is_signed(certified):
    documents = list(IssuedDossier.objects.filter(project=certified).order_by("pk"))
    assert [(d.kind, d.occasion) for d in documents] == [
        ("dossier", "submission"),
        ("dossier", "decision"),
        ("certificate", "decision"),
    ]
    for document in documents:
        assert document.is_ready and document.signer == signing.identity().fingerprint
        assert signing.check_signature(document.file.read()).sound


def test_a_draft_is_not_signed(client, editor_a, planned_project, django_capture_on_commit_callbacks):
    client.force_login(editor_a)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("certification:draft_prepare", args=[planned_project.pk]))
    draft = DraftDossier.objects.get(project=planned_project)
    assert draft.is_ready and not signing.check_signature(draft.file.read()).signed


def test_a_signing_failure_leaves_the_decision_and_can_be_retried(
    client,
    submitted_project,
    committee_member,
    head_a,
    settings,
    tmp_path,
    django_capture_on_commit_callbacks,
):
    configured = settings.SIGNING_KEY_FILE
    settings.SIGNING_KEY_FILE = tmp_path / "not-there.p12"
    with django_capture_on_commit_callbacks(execute=True):
        decision = services.project_decide(
            project_id=submitted_project.pk, user=committee_member, kind="certify"
        )
    assert Decision.objects.filter(pk=decision.pk).exists()
    submitted_project.refresh_from_db()
    assert submitted_project.status == Project.Status.CERTIFIED
    failed = list(IssuedDossier.objects.filter(decision=decision))
    assert len(failed) == 2 and all(d.status == "failed" and d.error.startswith("signing:") for d in failed)
    assert not any(d.file for d in failed)

    client.force_login(head_a)
    page = client.get(reverse("certification:certificate", args=[submitted_project.pk])).content.decode()
    assert "จัดทำใบรับรองที่ลงลายมือชื่อไม่สำเร็จ" in page
    assert (
        client.get(reverse("certification:certificate_pdf", args=[submitted_project.pk])).status_code == 302
    )

    settings.SIGNING_KEY_FILE = configured
    for document in failed:
        with django_capture_on_commit_callbacks(execute=True):
            client.post(reverse("certification:dossier_retry", args=[submitted_project.pk, document.pk]))
        document.refresh_from_db()
        assert document.is_ready and signing.check_signature(document.file.read()).sound
    response = client.get(reverse("certification:certificate_pdf", args=[submitted_project.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"


def test_a_revocation_issues_new_documents_naming_those_they_replace(
    certified, client, committee_member, django_capture_on_commit_callbacks
):
    before = {d.pk: (d.sha256, d.file.read()) for d in IssuedDossier.objects.filter(project=certified)}
    with django_capture_on_commit_callbacks(execute=True):
        services.certificate_revoke(
            certificate_id=certified.certificate.pk, user=committee_member, reason="ยกเลิกตามคำสั่ง"
        )
    for pk, (sha256, data) in before.items():  # nothing issued changed
        document = IssuedDossier.objects.get(pk=pk)
        assert document.sha256 == sha256 and document.file.read() == data
    again = IssuedDossier.objects.filter(project=certified, occasion="revocation").select_related("replaces")
    assert {(d.kind, d.replaces.kind, d.replaces.occasion) for d in again} == {
        ("dossier", "dossier", "decision"),
        ("certificate", "certificate", "decision"),
    }
    assert all(d.is_ready for d in again)

    # The replaced certificate still verifies, and says a later one replaces it.
    first = IssuedDossier.objects.get(project=certified, kind="certificate", occasion="decision")
    page = check(client, first.file.read()).content.decode()
    assert 'data-verdict="genuine"' in page and 'id="replaced"' in page and "มีเอกสารฉบับใหม่แทนฉบับนี้แล้ว" in page


def test_a_renewal_certificate_names_the_previous_cycles(certified, head_a):
    renewal, _created = services.project_renew(
        project_id=certified.pk, user=head_a, fiscal_year=certified.fiscal_year + 3
    )
    previous = IssuedDossier.objects.get(project=certified, kind="certificate")
    # What project_decide names as replaced when it certifies the renewal.
    assert selectors.previous_certificate_document(renewal) == previous
    assert selectors.previous_certificate_document(certified) is None


def test_the_page_answers_a_file_never_issued_at_the_door_and_refuses_bad_uploads(certified, client):
    data = decision_dossier(certified).file.read()
    assert 'data-verdict="genuine"' in check(client, data).content.decode()
    client.cookies["django_language"] = "en"
    for copy in (
        data + b"\n% added later\n",  # something appended: another file
        data[:-1] + bytes([data[-1] ^ 1]),  # one byte changed
        dossier.dossier_pdf(certified, draft=True),  # unsigned, never issued
    ):
        page = check(client, copy).content.decode()
        assert 'data-verdict="not-issued"' in page and hashlib.sha256(copy).hexdigest() in page
        assert "No document issued by the institute has exactly these bytes." in page
        assert "The file was not opened" in page and 'id="record"' not in page
    client.cookies["django_language"] = "th"

    not_pdf = check(client, b"PK\x03\x04 a zip", name="dossier.pdf")
    assert not_pdf.status_code == 200 and "แฟ้มนี้ไม่ใช่ PDF" in not_pdf.content.decode()
    nothing = client.post(reverse("verify_document"), {}, REMOTE_ADDR="192.0.2.10")
    assert "โปรดเลือกแฟ้ม PDF ที่ต้องการตรวจสอบ" in nothing.content.decode()
    assert client.get(reverse("verify_document")).status_code == 200


def test_a_file_never_issued_is_not_parsed(certified, monkeypatch):
    """The door is the SHA-256: no reader of PDFs is called for an unknown file."""
    from certification import verification

    def refuse(*args, **kwargs):
        raise AssertionError("an unknown file was parsed")

    monkeypatch.setattr(signing, "check_signature", refuse)
    monkeypatch.setattr(signing, "embedded_files", refuse)
    result = verification.check_document(decision_dossier(certified).file.read() + b" ")
    assert not result.issued and not result.genuine and result.signature is None and result.record is None


def test_the_page_stays_within_the_query_cap_and_is_rate_limited(
    certified, client, django_assert_max_num_queries
):
    data = decision_dossier(certified).file.read()
    with django_assert_max_num_queries(17):
        assert 'data-verdict="genuine"' in check(client, data, address="192.0.2.20").content.decode()
    for _ in range(19):
        check(client, b"%PDF-1.7 nothing", address="192.0.2.20")
    assert check(client, data, address="192.0.2.20").status_code == 429
    assert check(client, data, address="192.0.2.21").status_code == 200


def test_a_document_signed_before_the_key_was_replaced_verifies_with_the_retired_certificate(
    certified, client, tmp_path, settings
):
    issued = decision_dossier(certified)
    data = issued.file.read()
    former_key, former_certificate = settings.SIGNING_KEY_FILE, certificate_file(tmp_path)
    client.cookies["django_language"] = "en"
    with other_identity(tmp_path):
        # The stored row's signer does not vouch for it: only the configured certificates do.
        assert issued.signer == signing.fingerprint(signing.certificates_in(former_certificate)[0])
        page = check(client, data).content.decode()
        assert 'data-verdict="refused"' in page and "current or retired" in page
    with other_identity(tmp_path, SIGNING_RETIRED_CERTIFICATES=[str(former_certificate)]):
        assert 'data-verdict="genuine"' in check(client, data).content.decode()
        # … but a file signed by the old key and never issued is not an issued document.
        with override_settings(SIGNING_KEY_FILE=former_key, SIGNING_KEY_PASSPHRASE="test-passphrase"):
            forged = signing.sign_pdf(
                dossier.dossier_pdf(certified, draft=True),
                metadata=signing.Metadata(title="x", author="x", subject="x"),
                reason="x",
            )
        assert 'data-verdict="not-issued"' in check(client, forged).content.decode()


def test_the_retired_certificates_setting_reads_pem_files_and_skips_a_broken_one(tmp_path, settings):
    current = signing.identity().fingerprint
    with other_identity(tmp_path):
        retired = certificate_file(tmp_path, "retired.pem")
        former = signing.identity().fingerprint
    broken = tmp_path / "broken.pem"
    broken.write_text("-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydGlmaWNhdGU=\n-----END CERTIFICATE-----\n")
    settings.SIGNING_RETIRED_CERTIFICATES = [str(retired), str(broken), str(tmp_path / "absent.pem")]
    assert signing.institute_fingerprints() == {current, former}
    assert len(signing.retired_certificate_problems()) == 2
    settings.SIGNING_KEY_FILE = tmp_path / "absent.p12"  # no current identity: the retired ones still count
    assert signing.institute_fingerprints() == {former}


def rsa_time_stamp_authority():
    """pyHanko's test time-stamper (RSA only): a key and self-signed certificate."""
    import datetime

    from asn1crypto import keys
    from asn1crypto import x509 as asn1_x509
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Test TSA")])
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(1)
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=30))
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING]), critical=True)
        .sign(key, hashes.SHA256())
    )
    der_key = key.private_bytes(
        serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    return (
        asn1_x509.Certificate.load(certificate.public_bytes(serialization.Encoding.DER)),
        keys.PrivateKeyInfo.load(der_key),
    )


def test_a_time_stamp_server_adds_a_time_stamp(certified, settings, monkeypatch):
    from pyhanko.sign import timestamps

    tsa_cert, tsa_key = rsa_time_stamp_authority()
    asked = []

    def stamper(url, timeout):
        asked.append(url)
        return timestamps.DummyTimeStamper(tsa_cert=tsa_cert, tsa_key=tsa_key)

    monkeypatch.setattr(timestamps, "HTTPTimeStamper", stamper)
    settings.SIGNING_TIMESTAMP_URL = "https://tsa.example/rfc3161"
    signed = dossier.issued_sign(decision_dossier(certified), dossier.dossier_pdf(certified, draft=True))
    assert asked == ["https://tsa.example/rfc3161"]
    result = signing.check_signature(signed)
    assert result.timestamped and result.sound


def test_the_auditors_command_line_validates_with_the_published_certificate(certified, client, tmp_path):
    """docs/dossier.md's pyHanko command, run as written there."""
    pem = client.get(reverse("institute_certificate"))
    assert pem.status_code == 200 and pem.content.startswith(b"-----BEGIN CERTIFICATE-----")
    (tmp_path / "institute.pem").write_bytes(pem.content)
    data = decision_dossier(certified).file.read()
    (tmp_path / "dossier.pdf").write_bytes(data)
    (tmp_path / "changed.pdf").write_bytes(data[:-40] + b"%" * 40)
    pyhanko = Path(sys.executable).parent / "pyhanko"

    def validate(name):
        command = [pyhanko, "sign", "validate", "--trust-replace", "--trust", "institute.pem", name]
        return subprocess.run(command, cwd=tmp_path, capture_output=True, text=True, check=False)

    genuine = validate("dossier.pdf")
    assert genuine.returncode == 0 and ":INTACT:TRUSTED,UNTOUCHED" in genuine.stdout
    assert validate("changed.pdf").returncode != 0


def test_the_archive_keeps_which_document_replaces_which(
    certified, committee_member, django_capture_on_commit_callbacks
):
    from certification.archive import archive_export

    with django_capture_on_commit_callbacks(execute=True):
        services.certificate_revoke(
            certificate_id=certified.certificate.pk, user=committee_member, reason="ยกเลิกตามคำสั่ง"
        )
    exported = archive_export(certified)
    entries = exported.document["dossiers"]
    assert [(e["kind"], e["occasion"], e["replaces"]) for e in entries] == [
        ("dossier", "submission", None),
        ("dossier", "decision", None),
        ("certificate", "decision", None),
        ("dossier", "revocation", 1),
        ("certificate", "revocation", 2),
    ]
    assert all(e["signer"] == signing.identity().fingerprint for e in entries)
    payload = exported.content()
    empty_installation()
    (imported,) = project_archive_import(payload)
    again = IssuedDossier.objects.filter(project=imported, occasion="revocation").select_related("replaces")
    assert {(d.kind, d.replaces.occasion, d.replaces.kind) for d in again} == {
        ("dossier", "decision", "dossier"),
        ("certificate", "decision", "certificate"),
    }
    # Imported documents are the same bytes, so they still verify.
    first = IssuedDossier.objects.get(project=imported, kind="certificate", occasion="decision")
    from certification.verification import check_document

    assert check_document(first.file.read()).genuine


def test_signing_and_checking_work_where_an_event_loop_runs(certified):
    """pyHanko runs its own event loop: an async caller must not break it."""
    import asyncio

    pdf = dossier.dossier_pdf(certified, draft=True)

    async def inside():
        signed = signing.sign_pdf(
            pdf, metadata=signing.Metadata(title="t", author="a", subject="s"), reason="r"
        )
        return signing.check_signature(signed)

    assert asyncio.run(inside()).sound


def test_a_certificate_without_a_signed_document_says_so(certified, client, head_a):
    """An archive from before signing: no printable certificate to give."""
    IssuedDossier.objects.filter(project=certified, kind="certificate").delete()
    client.force_login(head_a)
    response = client.get(reverse("certification:certificate_pdf", args=[certified.pk]), follow=True)
    assert "ไม่มีใบรับรองฉบับพิมพ์ที่ลงลายมือชื่อสำหรับใบรับรองนี้" in response.content.decode()


def test_a_file_over_the_upload_limit_is_refused_with_the_limit(certified, client, settings):
    settings.UPLOAD_MAX_BYTES = 1024 * 1024
    page = check(client, b"%PDF-1.7\n" + b"0" * (1024 * 1024 + 1)).content.decode()
    assert "แฟ้มมีขนาดเกิน 1 MB" in page and "data-verdict" not in page


def test_a_certificate_document_built_after_a_revocation_speaks_for_its_own_day(certified, committee_member):
    """A retry after the revocation: the decision's certificate is not stamped revoked."""
    from certification.printing import certificate_html

    first = IssuedDossier.objects.get(project=certified, kind="certificate", occasion="decision")
    services.certificate_revoke(
        certificate_id=certified.certificate.pk, user=committee_member, reason="ยกเลิก"
    )
    certificate = certified.certificate
    certificate.refresh_from_db()
    assert certificate.status_on(certificate.valid_from, at=first.issued_at) == "valid"
    assert certificate.status_on(certificate.valid_from) == "revoked"
    assert "ถูกเพิกถอน" not in certificate_html(certificate, issued=first)
    again = IssuedDossier.objects.get(project=certified, kind="certificate", occasion="revocation")
    assert "ใบรับรองนี้ถูกเพิกถอนเมื่อ" in certificate_html(certificate, issued=again)
