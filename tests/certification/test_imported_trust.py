"""Trust comes from the institute's key, not from a file or an archive
(issue 22, B). An archive is not signed by the institute: whatever it says
is imported as such — its committee record and certificate are marked
imported and the verification pages say this system does not confirm them;
each document it carries is validated on import and counts only when one of
the institute's configured certificates signed it; its numbers are bounded
by the schema, so a huge one is a refusal that names its place."""

import copy
import datetime
import hashlib
import io
import json
import zipfile

import pytest
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse

from certification.archive import archive_export, project_archive_import
from certification.models import Certificate, IssuedDossier
from pso_site.lib import signing
from pso_site.lib.schema import DocumentProblem
from tests.certification.test_archive import empty_installation
from tests.conftest import _stand_in_pdf

pytestmark = pytest.mark.django_db


@pytest.fixture
def exported(certified):
    """The certified project's archive (document and file bytes), the
    installation emptied so that it can be imported."""
    archive = archive_export(certified)
    document = copy.deepcopy(archive.document)
    files = {sha: file.open("rb").read() for sha, file in archive.files.items()}
    empty_installation()
    return document, files


def zipped(document: dict, files: dict) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("project.json", json.dumps(document))
        for sha, data in files.items():
            archive.writestr(f"files/{sha}", data)
    return buffer.getvalue()


def forger(tmp_path):
    path = signing.demo_identity_create(tmp_path / "forger.p12", "forger")
    return override_settings(SIGNING_KEY_FILE=path, SIGNING_KEY_PASSPHRASE="forger")


def check(client, data: bytes):
    upload = io.BytesIO(data)
    upload.name = "dossier.pdf"
    return client.post(reverse("verify_document"), {"document": upload}, REMOTE_ADDR="192.0.2.40")


# The committee's record and the certificate -------------------------------------------


def test_a_certificate_from_an_imported_archive_is_shown_as_not_confirmed(exported, client):
    document, files = exported
    document["certificate"].update(
        number="PSO-1101-2599-0042", token="forged-token-0123456789", valid_until="2099-10-08"
    )
    (project,) = project_archive_import(zipped(document, files))
    certificate = Certificate.objects.select_related("decision").get(project=project)
    assert certificate.imported_at is not None and certificate.decision.imported_at is not None
    assert certificate.decision.decided_by is None and project.reviews.get().imported_at is not None

    client.cookies["django_language"] = "en"
    by_token = client.get(reverse("verify", args=["forged-token-0123456789"]))
    by_number = client.get(reverse("verify_lookup"), {"number": "PSO-1101-2599-0042"})
    for response in (by_token, by_number):
        page = response.content.decode()
        assert 'id="imported"' in page and "Imported from an archive: not confirmed by this system" in page
        assert "This certificate was not issued through this system." in page
        assert "Imported, not confirmed" in page
        assert "Issued under the P.S.O. certification scheme" not in page


def test_a_certificate_issued_here_carries_no_such_warning(certified, client):
    page = client.get(reverse("verify", args=[certified.certificate.token])).content.decode()
    assert 'id="imported"' not in page and certified.certificate.number in page


# The documents it carries --------------------------------------------------------------


@pytest.mark.parametrize("claimed", ["forger", "institute"])
def test_a_document_signed_with_another_key_is_not_genuine_whatever_the_archive_claims(
    exported, client, tmp_path, claimed
):
    document, files = exported
    institute = signing.identity().fingerprint
    with forger(tmp_path):
        forged = signing.sign_pdf(
            _stand_in_pdf("a dossier the forger made"),
            metadata=signing.Metadata(title="t", author="a", subject="s"),
            reason="r",
        )
        forger_fingerprint = signing.identity().fingerprint
    entry = document["dossiers"][1]  # the decision's dossier
    files.pop(entry["sha256"])
    sha = hashlib.sha256(forged).hexdigest()
    files[sha] = forged
    entry.update(
        sha256=sha, size=len(forged), signer=forger_fingerprint if claimed == "forger" else institute
    )
    (project,) = project_archive_import(zipped(document, files))

    client.cookies["django_language"] = "en"
    page = check(client, forged).content.decode()
    assert 'data-verdict="refused"' in page and "current or retired" in page
    assert "its signature could not be confirmed" in page
    stored = IssuedDossier.objects.get(project=project, sha256=sha)
    assert stored.signer == forger_fingerprint and not stored.signature_verified  # what validation found
    # The institute's own documents in the same archive still verify, marked as imported.
    certificate = IssuedDossier.objects.get(project=project, kind="certificate")
    assert certificate.signer == institute and certificate.signature_verified
    page = check(client, certificate.file.read()).content.decode()
    assert 'data-verdict="genuine"' in page and 'id="origin"' in page


@pytest.mark.pdf
def test_a_genuine_imported_document_shows_the_record_it_carries(certified, client):
    agency, number = certified.agency.name_th, certified.certificate.number
    archive = archive_export(certified)
    payload = archive.content()
    empty_installation()
    (project,) = project_archive_import(payload)
    # The archive's rows say something else: the page shows what the document carries.
    project.agency.name_th = "หน่วยงานที่ไฟล์เก็บถาวรอ้าง"
    project.agency.save()
    data = IssuedDossier.objects.get(project=project, kind="dossier", occasion="decision").file.read()
    page = check(client, data).content.decode()
    assert 'data-verdict="genuine"' in page and 'id="origin"' in page
    record = page[page.index('id="record"') : page.index("</dl>", page.index('id="record"'))]
    assert agency in record and number in record and "หน่วยงานที่ไฟล์เก็บถาวรอ้าง" not in record


def test_an_imported_document_is_confirmed_once_its_certificate_is_configured_as_retired(
    exported, client, tmp_path, settings
):
    document, files = exported
    pem = tmp_path / "institute-before.pem"
    pem.write_text(signing.certificate_pem(signing.identity().certificate))
    with forger(tmp_path):  # the key changed before the import, and nobody configured the old one
        (project,) = project_archive_import(zipped(document, files))
        issued = IssuedDossier.objects.filter(project=project, status="ready")
        assert issued.count() == 3 and not issued.filter(signature_verified=True).exists()
        data = issued.first().file.read()
        assert 'data-verdict="refused"' in check(client, data).content.decode()

        settings.SIGNING_RETIRED_CERTIFICATES = [str(pem)]
        output = io.StringIO()
        call_command("confirm_imported_signatures", stdout=output)
        assert output.getvalue().startswith("3 of 3")
        assert 'data-verdict="genuine"' in check(client, data).content.decode()


def test_an_imported_pending_document_is_never_signed_here(exported):
    document, files = exported
    entry = document["dossiers"][1]
    files.pop(entry["sha256"])
    entry.update(status="pending", sha256="", size=None, built_at=None)
    (project,) = project_archive_import(zipped(document, files))
    call_command("build_dossier", "--pending", stdout=io.StringIO())
    pending = IssuedDossier.objects.get(project=project, occasion="decision", kind="dossier")
    assert pending.status == "pending" and not pending.file
    # Nor by the task that builds documents, nor by a retry.
    from certification.dossier import dossier_build, dossier_retry

    assert dossier_build(issued_id=pending.pk).status == "failed" and not pending.file
    assert dossier_retry(issued_id=pending.pk).status == "failed"
    pending.refresh_from_db()
    assert not pending.file and pending.sha256 == ""


# Numbers ------------------------------------------------------------------------------------

HUGE = 10**30


def evidence_of_huge_size(document, files):
    files[hashlib.sha256(b"photo").hexdigest()] = b"photo"
    document["rounds"][0]["cells"][0]["evidence"] = [
        {"sha256": hashlib.sha256(b"photo").hexdigest(), "name": "photo.png", "size": HUGE}
    ]


@pytest.mark.parametrize(
    ("place", "change"),
    [
        ("dossiers[0].size", lambda d, f: d["dossiers"][0].update(size=HUGE)),
        ("rounds[0].cells[0].evidence[0].size", evidence_of_huge_size),
        ("certificate.number", lambda d, f: d["certificate"].update(number="PSO-1101-2544-99999999999")),
        ("certificate.decision", lambda d, f: d["certificate"].update(decision=HUGE)),
        ("decisions[0].review", lambda d, f: d["decisions"][0].update(review=HUGE)),
        ("dossiers[1].replaces", lambda d, f: d["dossiers"][1].update(replaces=HUGE)),
        ("fiscal_year_be", lambda d, f: d.update(fiscal_year_be=HUGE)),
        # A moment that overflows when converted to UTC.
        (
            "decisions[0].decided_at",
            lambda d, f: d["decisions"][0].update(decided_at="9999-12-31T23:59:59-12:00"),
        ),
    ],
)
def test_a_huge_number_in_an_archive_is_refused_naming_its_place(exported, place, change):
    document, files = exported
    change(document, files)
    with pytest.raises(DocumentProblem) as problem:
        project_archive_import(zipped(document, files))
    message = "\n".join(problem.value.messages)
    assert place in message, message


def test_the_largest_numbers_the_database_keeps_still_import(exported):
    document, files = exported
    document["certificate"]["number"] = "PSO-1101-2544-999999999"
    (project,) = project_archive_import(zipped(document, files))
    assert project.certificate.number.endswith("999999999")
    assert project.certificate.valid_from == datetime.date.fromisoformat(
        document["certificate"]["valid_from"]
    )
