"""The issued documents are the PDF/A part they declare (issue 25): each
clause a reader can check without a validator, read back from the signed
files as an auditor receives them. What only a validator such as veraPDF
adds is listed in docs/dossier.md."""

import datetime
import io
import re

import pytest
from pypdf import PdfReader

from certification.models import IssuedDossier
from pso_site.lib import signing
from pso_site.lib.pdf import embedded_fonts

pytestmark = pytest.mark.django_db


def issued_files(project) -> dict[tuple[str, str], bytes]:
    return {
        (issued.kind, issued.occasion): issued.file.read()
        for issued in IssuedDossier.objects.filter(project=project, status=IssuedDossier.Status.READY)
    }


def catalog(data: bytes):
    return PdfReader(io.BytesIO(data)).trailer["/Root"]


def xmp_of(data: bytes) -> str:
    return catalog(data)["/Metadata"].get_object().get_data().decode("utf-8")


def xmp_texts(data: bytes) -> str:
    """The XMP's human-readable values: title, creator, description."""
    xmp = xmp_of(data)
    return " ".join(re.findall(r"<rdf:li[^>]*>([^<]*)</rdf:li>", xmp))


def pdf_date(moment: datetime.datetime) -> str:
    return moment.astimezone(datetime.UTC).strftime("D:%Y%m%d%H%M%SZ")


@pytest.mark.pdf
def test_signed_documents_stay_pdf_1_7_as_their_pdf_a_3b_declares(certified):
    files = issued_files(certified)
    assert set(files) == {("dossier", "submission"), ("dossier", "decision"), ("certificate", "decision")}
    for data in files.values():
        assert data.startswith(b"%PDF-1.7\n")
        root = catalog(data)
        # Signing with an ECDSA key would write /Version /2.0 and ISO 32002's extension here.
        assert str(root.get("/Version", "/1.7")) == "/1.7"
        assert "/ISO_" not in root.get("/Extensions", {})
        xmp = xmp_of(data)
        assert 'pdfaid:part="3"' in xmp and 'pdfaid:conformance="B"' in xmp
        assert signing.check_signature(data).sound


@pytest.mark.pdf
def test_every_document_has_its_own_identifier(certified):
    identifiers = [PdfReader(io.BytesIO(data)).trailer["/ID"] for data in issued_files(certified).values()]
    firsts = {bytes(identifier[0].original_bytes) for identifier in identifiers}
    assert len(firsts) == len(identifiers) == 3
    assert b"pso-dossier" not in firsts


@pytest.mark.pdf
def test_the_record_is_one_associated_file_dated_in_utc(certified):
    for (kind, occasion), data in issued_files(certified).items():
        issued = IssuedDossier.objects.get(project=certified, kind=kind, occasion=occasion)
        root = catalog(data)
        associated = [reference.idnum for reference in root["/AF"]]
        assert len(associated) == len(set(associated)) == 1, (kind, occasion)
        spec = root["/AF"][0].get_object()
        assert spec["/UF"] == "project.json" and spec["/AFRelationship"] == "/Source"
        # Described in Thai, as the document is (the command's name apart).
        described = (str(spec["/Desc"]) + xmp_texts(data)).replace(certified.agency.code, "")
        latin = set(re.findall(r"[A-Za-z_]{2,}", described))
        assert latin <= {"PSO", "import_project", "SHA", "ISO"}, latin
        stream = spec["/EF"]["/F"].get_object()
        assert stream["/Subtype"] == "/application/json"
        params = stream["/Params"]
        assert params["/ModDate"] == params["/CreationDate"] == pdf_date(issued.issued_at)


@pytest.mark.pdf
def test_the_clauses_a_reader_can_check(certified):
    """ISO 19005-3 clauses checked by reading: no encryption, no JavaScript
    or launch actions, no information dictionary to disagree with the XMP,
    an sRGB output intent with its ICC profile, every font embedded,
    annotations printable, the XMP readable as text."""
    for data in issued_files(certified).values():
        reader = PdfReader(io.BytesIO(data))
        root = reader.trailer["/Root"]
        assert not reader.is_encrypted and "/Encrypt" not in reader.trailer
        assert "/Info" not in reader.trailer
        assert "/JavaScript" not in root.get("/Names", {}) and "/OpenAction" not in root
        assert b"/JavaScript" not in data and b"/Launch" not in data
        (intent,) = root["/OutputIntents"]
        intent = intent.get_object()
        assert (
            intent["/S"] == "/GTS_PDFA1"
            and intent["/DestOutputProfile"].get_object().get_data()[36:40] == b"acsp"
        )
        used = {
            str(font.get_object()["/BaseFont"])
            for page in reader.pages
            for font in page.get("/Resources", {}).get("/Font", {}).values()
        }
        assert used and used == embedded_fonts(data)  # every font the pages use is embedded
        for page in reader.pages:
            for annotation in page.get("/Annots", []):
                flags = int(annotation.get_object().get("/F", 0))
                # Printed; not hidden, invisible or "no view" (the signature's widget included).
                assert flags & 4 and not flags & (1 | 2 | 32), annotation.get_object()
        metadata = root["/Metadata"].get_object()
        assert "/Filter" not in metadata  # PDF/A: the XMP stream is not compressed
        assert re.search(r"<x:xmpmeta", xmp_of(data))


def ecdsa_identity(path):
    """A PKCS#12 file with an ECDSA key, as the demo made before."""
    from cryptography.hazmat.primitives.asymmetric import ec

    return signing.identity_create(
        path,
        "ec",
        organisation="Test",
        common_name=f"{signing.DEMO_MARK} elliptic",
        days=30,
        key=ec.generate_private_key(ec.SECP256R1()),
    )


def test_an_ecdsa_key_is_refused_before_it_signs_and_by_the_deploy_check(tmp_path, settings):
    from django.core import checks

    from certification.checks import signing_identity_check
    from tests.conftest import pdf_of

    settings.SIGNING_KEY_FILE = ecdsa_identity(tmp_path / "ec.p12")
    settings.SIGNING_KEY_PASSPHRASE = "ec"
    identity = signing.identity()
    assert "PDF/A-3b" in identity.archival_problem
    metadata = signing.Metadata(title="t", author="a", subject="s")
    with pytest.raises(signing.SigningUnavailable, match="RSA"):
        signing.sign_pdf(pdf_of([b"<< /Type /Catalog >>"]), metadata=metadata, reason="test")
    (problem,) = signing_identity_check()
    assert problem.id == "pso.E020" and problem.level == checks.ERROR
    # The demo's own identity is RSA: no problem.
    assert (
        signing.demo_identity_create(tmp_path / "rsa.p12", "x")
        and not signing._load(tmp_path / "rsa.p12", b"x").archival_problem
    )


def test_seed_demo_replaces_an_ecdsa_demo_identity(tmp_path, settings):
    from pso_site.management.commands.seed_demo import Command

    settings.SIGNING_KEY_FILE = ecdsa_identity(tmp_path / "demo.p12")
    settings.SIGNING_KEY_PASSPHRASE = "ec"
    assert signing.identity().archival_problem
    Command()._signing_identity()
    replaced = signing.identity()
    assert replaced.is_demo and not replaced.archival_problem
