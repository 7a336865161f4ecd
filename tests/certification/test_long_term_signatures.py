"""Verifiable for years (issue 25): with a certificate issued by an
authority, signatures are PAdES B-LT (the chain's revocation information
embedded), and B-LTA with a time-stamp server (an archive time stamp over
it all); a time stamp is called trusted only when its authority chains to a
configured root; and a B-LTA signature still validates after the
institute's certificate has expired. All offline, with a root, a CRL and a
time-stamp authority made here (tests/pki.py)."""

import datetime
import io

import pytest
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import timestamps

from pso_site.lib import signing
from tests import pki
from tests.conftest import _stand_in_pdf

METADATA = signing.Metadata(title="แฟ้มทดสอบ", author="สถาบัน", subject="ทดสอบ")


@pytest.fixture
def infrastructure(tmp_path, settings):
    """The institute's certificate, issued by the test root, expiring in an
    hour; the root's CRL on file; fetching nothing."""
    now = datetime.datetime.now(datetime.UTC)
    made = pki.make(now=now, institute_valid_for=datetime.timedelta(hours=1))
    crl_file = tmp_path / "root.crl"
    crl_file.write_bytes(made.crl(now).dump())
    settings.SIGNING_KEY_FILE = made.institute_file(tmp_path / "institute.p12", "pw")
    settings.SIGNING_KEY_PASSPHRASE = "pw"
    settings.SIGNING_REVOCATION_FILES = [crl_file]
    settings.SIGNING_FETCH_REVOCATION = False
    settings.SIGNING_TIMESTAMP_URL = ""
    settings.SIGNING_TSA_ROOTS = []
    made.now = now
    return made


@pytest.fixture
def time_stamps(infrastructure, settings, monkeypatch):
    """A time-stamp server configured: the test's own authority answers."""
    monkeypatch.setattr(timestamps, "HTTPTimeStamper", lambda url, timeout: infrastructure.time_stamper())
    settings.SIGNING_TIMESTAMP_URL = "https://tsa.invalid/rfc3161"
    return infrastructure


def signed() -> bytes:
    return signing.sign_pdf(_stand_in_pdf("<p>ทดสอบ</p>"), metadata=METADATA, reason="ทดสอบ")


def security_store(pdf: bytes):
    return PdfFileReader(io.BytesIO(pdf)).root["/DSS"]


def test_with_an_authoritys_certificate_the_signature_is_b_lt(infrastructure):
    assert signing.identity().level == "B-LT"
    pdf = signed()
    store = security_store(pdf)
    assert len(store["/Certs"]) >= 2 and len(store["/CRLs"]) == 1  # the chain and the root's CRL
    check = signing.check_signature(pdf)
    assert check.sound and check.long_term and check.archive_timestamps == 0 and not check.timestamped


def test_without_revocation_information_nothing_is_signed(infrastructure, settings):
    settings.SIGNING_REVOCATION_FILES = []
    with pytest.raises(Exception, match="(?i)revocation|revinfo|validat"):
        signed()


def test_with_a_time_stamp_server_the_signature_is_b_lta(time_stamps, settings, tmp_path):
    assert signing.identity().level == "B-LTA"
    pdf = signed()
    check = signing.check_signature(pdf)
    assert check.sound and check.long_term and check.archive_timestamps == 1 and check.timestamped
    # Its authority is not among the configured roots: not called trusted.
    assert not check.timestamp_trusted
    settings.SIGNING_TSA_ROOTS = [time_stamps.root_pem(tmp_path / "root.pem")]
    assert signing.check_signature(pdf).timestamp_trusted
    # Anything added after the last update: no longer the whole file.
    assert not signing.check_signature(pdf + b"\n% added later\n").sound
    assert not signing.check_signature(pdf + b"% x\nstartxref\n0\n%%EOF\n").sound


def test_a_self_signed_certificate_stays_b_b_or_b_t(settings, monkeypatch):
    assert signing.identity().level == "B-B"  # the suite's demo identity
    settings.SIGNING_TIMESTAMP_URL = "https://tsa.invalid/rfc3161"
    assert signing.identity().level == "B-T"


def test_a_b_lta_signature_validates_after_the_certificate_expired(time_stamps):
    pdf = signed()
    roots = [time_stamps.root_asn1]
    assert signing.long_term_check(pdf, at=time_stamps.now, trust_roots=roots).passed
    # A month later the institute's certificate has expired. The archive time
    # stamp proves the signature existed before; its own authority is checked
    # now, with the root's CRL as published then.
    later = time_stamps.now + datetime.timedelta(days=30)
    result = signing.long_term_check(pdf, at=later, trust_roots=roots, crls=[time_stamps.crl(later, 2)])
    assert result.passed, result.indication
    assert result.signature_time <= time_stamps.now + datetime.timedelta(minutes=5)


def test_a_b_lt_signature_alone_cannot_prove_it_existed_before_expiry(infrastructure):
    pdf = signed()
    later = infrastructure.now + datetime.timedelta(days=30)
    result = signing.long_term_check(
        pdf, at=later, trust_roots=[infrastructure.root_asn1], crls=[infrastructure.crl(later, 2)]
    )
    assert not result.passed, result.indication


def test_the_auditors_long_term_command_works_offline_after_expiry(time_stamps, tmp_path):
    """docs/dossier.md's command for a file checked years later, run as
    written there: the root of the institute's authority (which also issued
    the time-stamp authority here) trusted, nothing fetched."""
    import subprocess
    import sys
    from pathlib import Path

    (tmp_path / "dossier.pdf").write_bytes(signed())
    time_stamps.root_pem(tmp_path / "root.pem")
    later = (time_stamps.now + datetime.timedelta(days=30)).strftime("%Y-%m-%dT%H:%M:%S+00:00")
    pyhanko = Path(sys.executable).parent / "pyhanko"

    def adesverify(*more):
        command = [
            pyhanko,
            "sign",
            "adesverify",
            "--trust-replace",
            "--trust",
            "root.pem",
            *more,
            "dossier.pdf",
        ]
        return subprocess.run(command, cwd=tmp_path, capture_output=True, text=True, check=False, timeout=120)

    now = adesverify("--no-revocation-check", "--executive-summary")
    assert now.returncode == 0, now.stdout + now.stderr
    years_later = adesverify("--no-revocation-check", "--validation-time", later, "--executive-summary")
    assert years_later.returncode == 0, years_later.stdout + years_later.stderr
