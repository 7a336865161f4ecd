"""The institute's signature on the PDFs it issues, and its check, with
pyHanko (docs/dossier.md).

A document is signed once, after rendering, with a PAdES signature made with
the key and certificate of a PKCS#12 file named in the settings: B-B, B-T
with a time-stamp server, B-LT when the file carries the certificate's
issuers (their revocation information is embedded, so the signature can be
checked after the certificate has expired or been revoked), B-LTA with both
(an archive time stamp over the signature and that information); see
``Identity.level``. Checking a file answers four
questions, each on its own: is it signed, are the signed bytes unchanged
(intact and cryptographically valid), does the signature cover the whole
file (nothing appended after signing), and which certificate signed it (by
its SHA-256 fingerprint, which the caller compares with the institute's:
``institute_fingerprints``, the configured certificate and the retired ones,
never a fingerprint a file or an archive names).

A PDF is read with bounds: every stream pyHanko decodes is capped
(``READ_LIMITS``), and an embedded file is inflated from its raw stream
within a budget of its own (``embedded_files``), so that a small file built
to inflate cannot take the worker's memory.

``demo_identity_create`` makes a self-signed identity whose names say DEMO,
for ``seed_demo`` and the tests; production uses the institute's own.
"""

import asyncio
import concurrent.futures
import datetime
import hashlib
import io
import logging
import threading
import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, ParamSpec, TypeVar

from asn1crypto import x509 as asn1_x509
from django.conf import settings
from django.utils.translation import gettext_lazy

if TYPE_CHECKING:  # for the annotations: the functions import these where they use them
    from asn1crypto import crl as asn1_crl
    from cryptography.hazmat.primitives.serialization.pkcs12 import PKCS12PrivateKeyTypes
    from pyhanko.pdf_utils.decode_limits import DecodeLimits
    from pyhanko.pdf_utils.generic import StreamObject
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.signers import SimpleSigner
    from pyhanko_certvalidator import ValidationContext

logger = logging.getLogger(__name__)

# Names a demo identity carries in its subject: the deploy check and the
# verification page look for it.
DEMO_MARK = "DEMO"
SIGNATURE_FIELD = "InstituteSignature"
# PAdES B-LTA's document time stamp over the signature and its validation data.
ARCHIVE_TIMESTAMP_FIELD = "InstituteArchiveTimestamp"
# The signature's room in the file (a CMS with the certificate; with a
# time-stamp token and its authority's certificates, more).
RESERVED_BYTES = 16 * 1024
RESERVED_BYTES_WITH_TIME_STAMP = 48 * 1024
MiB = 1024 * 1024
# An issued document's record (project.json) is about 150 KB of JSON for a
# large project; a few MB is room enough and bounds what a file can demand.
EMBEDDED_FILE_MAX_BYTES = 4 * MiB


# The parts of a certificate's subject, named for the person who reads the
# verification page (asn1crypto's ``human_friendly`` names them in English);
# a part not listed keeps asn1crypto's name. The values are the certificate's.
SUBJECT_LABELS = {
    "common_name": gettext_lazy("common name"),
    "organization_name": gettext_lazy("organisation"),
    "organizational_unit_name": gettext_lazy("organisational unit"),
    "locality_name": gettext_lazy("locality"),
    "state_or_province_name": gettext_lazy("province or state"),
    "country_name": gettext_lazy("country"),
    "email_address": gettext_lazy("e-mail"),
    "serial_number": gettext_lazy("serial number"),
}


def subject_parts(name: asn1_x509.Name) -> list[tuple[str, str]]:
    """(label, value) of each part of a certificate's subject, the most
    particular first as ``human_friendly`` orders them; labels are lazy,
    read in the language of the page that shows them."""
    parts = []
    for relative_name in reversed(name.chosen):
        for attribute in relative_name:
            label = SUBJECT_LABELS.get(attribute["type"].native, attribute["type"].human_friendly)
            parts.append((label, str(attribute["value"].native)))
    return parts


class SigningUnavailable(RuntimeError):
    """The signing identity cannot be used (missing file, wrong passphrase)."""


@dataclass(frozen=True)
class Identity:
    signer: "SimpleSigner"
    certificate: asn1_x509.Certificate

    @property
    def fingerprint(self) -> str:
        return fingerprint(self.certificate)

    @property
    def name(self) -> str:
        friendly: str = self.certificate.subject.human_friendly
        return friendly

    @property
    def subject(self) -> list[tuple[str, str]]:
        return subject_parts(self.certificate.subject)

    @property
    def is_demo(self) -> bool:
        return DEMO_MARK in self.name

    @property
    def issuers(self) -> list[asn1_x509.Certificate]:
        """The certificates the PKCS#12 file carries besides the signer's:
        its chain up to a root, when it was issued by an authority."""
        registry = getattr(self.signer, "cert_registry", None) or []
        return [certificate for certificate in registry if certificate.dump() != self.certificate.dump()]

    @property
    def level(self) -> str:
        """The PAdES level its signatures reach with the settings: B-LT when
        the certificate comes with its issuers (revocation information is
        then gathered and embedded), B-LTA when a time-stamp server is
        configured too; B-T with a time-stamp server alone; B-B otherwise
        (a self-signed certificate, such as the demo's, has no revocation
        information to embed)."""
        timestamp = bool(settings.SIGNING_TIMESTAMP_URL)
        if self.issuers:
            return "B-LTA" if timestamp else "B-LT"
        return "B-T" if timestamp else "B-B"

    @property
    def archival_problem(self) -> str:
        """Why documents signed with this key would not be what they
        declare, or "". pyHanko signs with an ECDSA (or EdDSA) key by the
        rules of ISO 32002, which make the file PDF 2.0, while issued
        documents are PDF/A-3b, a part of PDF 1.7; an RSA key keeps 1.7."""
        algorithm = self.certificate.public_key.algorithm
        if algorithm == "rsa":
            return ""
        return (
            f"The signing key is {algorithm.upper()}: a signature with it makes the PDF version 2.0, "
            "but issued documents are PDF/A-3b (PDF 1.7). Use an RSA key (docs/dossier.md)."
        )


Params = ParamSpec("Params")
Result = TypeVar("Result")


def outside_event_loop(
    function: Callable[Params, Result], *args: Params.args, **kwargs: Params.kwargs
) -> Result:
    """Call one of pyHanko's synchronous functions, which run their own event
    loop (``asyncio.run``) and so fail in a thread that already runs one (an
    async caller, the browser tests' main thread): there, in a thread of its own."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return function(*args, **kwargs)
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(function, *args, **kwargs).result()


def fingerprint(certificate: asn1_x509.Certificate) -> str:
    return hashlib.sha256(certificate.dump()).hexdigest()


_cache_lock = threading.Lock()
_cache: dict[tuple[str, int, int, bytes | None], Identity] = {}


def identity() -> Identity:
    """The configured identity, loaded once per file version."""
    path = Path(settings.SIGNING_KEY_FILE)
    try:
        stat = path.stat()
    except OSError as error:
        raise SigningUnavailable(f"The signing key file {path} cannot be read: {error.strerror}") from None
    passphrase = settings.SIGNING_KEY_PASSPHRASE.encode("utf-8") or None
    key = (str(path), stat.st_mtime_ns, stat.st_size, passphrase)
    with _cache_lock:
        if key not in _cache:
            _cache.clear()
            _cache[key] = _load(path, passphrase)
        return _cache[key]


def _load(path: Path, passphrase: bytes | None) -> Identity:
    from pyhanko.sign import signers

    try:
        signer = signers.SimpleSigner.load_pkcs12(str(path), passphrase=passphrase)  # type: ignore[no-untyped-call]
    except Exception as error:  # pyHanko raises several kinds for a bad file or passphrase
        raise SigningUnavailable(f"The signing key file {path} cannot be opened: {error}") from None
    if signer is None or signer.signing_cert is None:
        raise SigningUnavailable(f"The signing key file {path} holds no key and certificate.")
    return Identity(signer=signer, certificate=signer.signing_cert)


def certificates_in(path: Path) -> list[asn1_x509.Certificate]:
    """The certificates of a PEM file (several may follow one another), or
    of a DER file; SigningUnavailable when there is none to read."""
    from asn1crypto import pem

    try:
        data = Path(path).read_bytes()
    except OSError as error:
        raise SigningUnavailable(f"The certificate file {path} cannot be read: {error.strerror}") from None
    try:
        if pem.detect(data):
            found = [
                asn1_x509.Certificate.load(der)
                for kind, _headers, der in pem.unarmor(data, multiple=True)
                if kind == "CERTIFICATE"
            ]
        else:
            found = [asn1_x509.Certificate.load(data)]
        for certificate in found:
            certificate.native  # noqa: B018 - parsed now, so a broken file is found here, not at a check
    except Exception as error:  # asn1crypto raises several kinds for a file that is no certificate
        raise SigningUnavailable(
            f"The certificate file {path} holds no readable certificate: {error}"
        ) from None
    if not found:
        raise SigningUnavailable(f"The certificate file {path} holds no certificate.")
    return found


def retired_certificate_problems() -> list[str]:
    """What is wrong with the configured retired certificates (for the deploy check)."""
    problems = []
    for path in getattr(settings, "SIGNING_RETIRED_CERTIFICATES", []):
        try:
            certificates_in(path)
        except SigningUnavailable as error:
            problems.append(str(error))
    return problems


def retired_certificates() -> list[asn1_x509.Certificate]:
    """The institute's earlier signing certificates, replaced since
    (``SIGNING_RETIRED_CERTIFICATES``, PEM files): documents they signed
    still verify. A file that cannot be read counts for nothing (and is logged)."""
    found = []
    for path in getattr(settings, "SIGNING_RETIRED_CERTIFICATES", []):
        try:
            found += certificates_in(path)
        except SigningUnavailable as error:
            logger.error("%s", error)
    return found


def institute_fingerprints() -> frozenset[str]:
    """The SHA-256 fingerprints of every certificate that signs for the
    institute: the configured identity's and the retired ones. This, and
    nothing a document, an archive or a stored row says, decides trust."""
    found = {fingerprint(certificate) for certificate in retired_certificates()}
    try:
        found.add(identity().fingerprint)
    except SigningUnavailable:
        pass
    return frozenset(found)


@dataclass(frozen=True)
class Metadata:
    """The document's XMP metadata, written with the signature (pyHanko keeps
    the XMP and the PDF/A identification consistent). No keywords: pyHanko
    writes them as ``pdf:keywords``, a property PDF/A does not define."""

    title: str
    author: str
    subject: str
    created: datetime.datetime | None = None


def sign_pdf(
    pdf: bytes, *, metadata: Metadata, reason: str, location: str = "", signing: Identity | None = None
) -> bytes:
    """The PDF with the institute's signature added as an incremental update,
    made with ``signing`` (the configured identity unless given)."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers, timestamps

    signing = signing or identity()
    if signing.archival_problem:
        raise SigningUnavailable(signing.archival_problem)
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
    meta = writer.document_meta
    meta.title = metadata.title
    meta.author = metadata.author
    meta.subject = metadata.subject
    meta.created = metadata.created
    timestamper = None
    if settings.SIGNING_TIMESTAMP_URL:
        timestamper = timestamps.HTTPTimeStamper(settings.SIGNING_TIMESTAMP_URL, timeout=20)
    long_term: dict[str, Any] = {}
    if signing.level in ("B-LT", "B-LTA"):
        # Revocation information for the chain, embedded in the document
        # security store; signing fails (and can be retried) without it.
        long_term = {"embed_validation_info": True, "validation_context": signing_context(signing)}
        if signing.level == "B-LTA":
            long_term |= {"use_pades_lta": True, "timestamp_field_name": ARCHIVE_TIMESTAMP_FIELD}
    signature = signers.PdfSignatureMetadata(
        field_name=SIGNATURE_FIELD,
        subfilter=fields.SigSeedSubFilter.PADES,
        md_algorithm="sha256",
        reason=reason,
        location=location or None,
        name=signing.name,
        **long_term,
    )
    # Room for the signature given up front: pyHanko would otherwise sign
    # once more, as a trial, to measure it (half the time of a signature).
    reserved = RESERVED_BYTES_WITH_TIME_STAMP if timestamper else RESERVED_BYTES
    output: io.BytesIO = outside_event_loop(
        signers.sign_pdf,
        writer,
        signature,
        signer=signing.signer,
        timestamper=timestamper,
        bytes_reserved=reserved,
    )
    return output.getvalue()


def revocation_lists() -> list["asn1_crl.CertificateList"]:
    """The CRLs of ``SIGNING_REVOCATION_FILES`` (PEM or DER)."""
    from asn1crypto import crl, pem

    found = []
    for path in settings.SIGNING_REVOCATION_FILES:
        data = Path(path).read_bytes()
        if pem.detect(data):
            found += [
                crl.CertificateList.load(der) for _kind, _headers, der in pem.unarmor(data, multiple=True)
            ]
        else:
            found.append(crl.CertificateList.load(data))
    return found


def _is_root(certificate: asn1_x509.Certificate) -> bool:
    return certificate.self_signed in ("maybe", "yes")


def signing_context(signing: Identity) -> "ValidationContext":
    """The validation context a long-term signature is made with: the
    chain's root trusted, its issuers known, revocation required (fetched,
    or read from the configured files)."""
    from pyhanko_certvalidator import ValidationContext

    roots = [certificate for certificate in signing.issuers if _is_root(certificate)] or signing.issuers
    return ValidationContext(
        trust_roots=roots,
        other_certs=signing.issuers,
        crls=revocation_lists(),
        allow_fetching=settings.SIGNING_FETCH_REVOCATION,
        revocation_mode="require",
    )


def tsa_roots() -> list[asn1_x509.Certificate]:
    """The roots trusted for time stamps (``SIGNING_TSA_ROOTS``); a file
    that cannot be read counts for nothing (and is logged)."""
    found = []
    for path in getattr(settings, "SIGNING_TSA_ROOTS", []):
        try:
            found += certificates_in(path)
        except SigningUnavailable as error:
            logger.error("%s", error)
    return found


@dataclass
class SignatureCheck:
    signed: bool = False
    intact: bool = False
    valid: bool = False
    whole_file: bool = False
    signer_fingerprint: str = ""
    signer_name: str = ""
    # The signer's subject, part by part (``subject_parts``), for pages.
    signer_subject: list[tuple[str, str]] = field(default_factory=list)
    signed_at: datetime.datetime | None = None
    timestamped: bool = False
    # The time stamp validates against a configured TSA root (SIGNING_TSA_ROOTS).
    timestamp_trusted: bool = False
    # Revocation information and archive time stamps of PAdES B-LT / B-LTA.
    long_term: bool = False
    archive_timestamps: int = 0
    readable: bool = True

    @property
    def sound(self) -> bool:
        """Signed, unchanged since, and nothing added after the signature."""
        return self.signed and self.intact and self.valid and self.whole_file


def _reader(pdf: bytes) -> "PdfFileReader":
    """pyHanko's reader of ``pdf``, within ``_read_limits()``; it may raise
    anything (pyHanko's PdfError family, and more for a broken file)."""
    from pyhanko.pdf_utils.reader import PdfFileReader

    return PdfFileReader(io.BytesIO(pdf), strict=False, decode_limits=_read_limits())


def _read_limits() -> "DecodeLimits":
    """What pyHanko may decode while reading one of our documents: an issued
    document decodes to a few MB (fonts, pages, the record), so a stream may
    give 16 MB and the whole file 64 MB (or 20 times its size), far below
    pyHanko's defaults for any input (256 MB a stream)."""
    from pyhanko.pdf_utils.decode_limits import (
        DEFAULT_PURPOSE_LIMITS,
        DecodeLimits,
        DocumentDecodeBudget,
        StreamDecodeLimits,
    )

    return DecodeLimits(
        per_stream=StreamDecodeLimits(max_ratio=1100, ratio_floor=MiB, max_output_size=16 * MiB),
        per_purpose=dict(DEFAULT_PURPOSE_LIMITS),
        document_budget=DocumentDecodeBudget(base_allowance=64 * MiB, max_ratio=20),
    )


def check_signature(pdf: bytes) -> SignatureCheck:
    """The last signature of the PDF, checked cryptographically (see the
    module's docstring). Never raises for a bad file: it says unreadable."""
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko.sign.validation.status import (  # type: ignore[attr-defined]  # re-exported by pyHanko
        ModificationLevel,
        SignatureCoverageLevel,
    )
    from pyhanko_certvalidator import ValidationContext

    try:
        reader = _reader(pdf)
        # The institute's signature; archive time stamps (B-LTA) are not signatures of anybody's.
        signatures = reader.embedded_regular_signatures
        archive_timestamps = len(reader.embedded_timestamp_signatures)
        long_term = "/DSS" in reader.root
    except Exception:  # pyHanko's PdfError family, or anything a broken file raises: unreadable
        return SignatureCheck(readable=False)
    if not signatures:
        return SignatureCheck()
    embedded = signatures[-1]
    result = SignatureCheck(signed=True, long_term=long_term, archive_timestamps=archive_timestamps)
    try:
        certificate = embedded.signer_cert
        result.signer_fingerprint = fingerprint(certificate)
        result.signer_name = certificate.subject.human_friendly
        result.signer_subject = subject_parts(certificate.subject)
        # Trust is decided by the caller from the fingerprint; the context
        # only lets pyHanko finish without fetching anything.
        # The time stamp's authority is trusted only if it chains to a configured TSA root.
        context = ValidationContext(trust_roots=[certificate, *tsa_roots()], allow_fetching=False)
        status = outside_event_loop(validate_pdf_signature, embedded, context)
    except Exception:  # an uploaded file may break the validator in any way: not valid
        return result
    result.intact = bool(status.intact)
    result.valid = bool(status.valid)
    # The whole file, or its signed revision followed only by what long-term
    # validation adds (revocation data, archive time stamps).
    result.whole_file = status.coverage == SignatureCoverageLevel.ENTIRE_FILE or (
        status.coverage == SignatureCoverageLevel.ENTIRE_REVISION
        and status.modification_level == ModificationLevel.LTA_UPDATES
        and _ends_with_its_last_revision(reader, pdf)
    )
    result.signed_at = status.signer_reported_dt
    stamp = status.timestamp_validity
    result.timestamped = stamp is not None
    result.timestamp_trusted = bool(stamp is not None and stamp.intact and stamp.valid and stamp.trusted)
    return result


def _ends_with_its_last_revision(reader: "PdfFileReader", pdf: bytes) -> bool:
    """Nothing follows the file's last revision (its ``%%EOF``): the
    updates pyHanko judged are the whole of what was added after signing."""
    xrefs = reader.xrefs
    start = xrefs.get_startxref_for_revision(xrefs.total_revisions - 1)
    end = pdf.find(b"%%EOF", start)
    return end != -1 and not pdf[end + len(b"%%EOF") :].strip()


def embedded_files(pdf: bytes, *, max_bytes: int = EMBEDDED_FILE_MAX_BYTES) -> dict[str, bytes]:
    """The files embedded in the PDF's name tree, by name (flat trees only,
    which is what WeasyPrint writes). Each is inflated from its raw stream
    within ``max_bytes``: a file over the budget, compressed otherwise than
    by plain Flate, or that cannot be read is left out, never decoded whole."""
    try:
        reader = _reader(pdf)
        if reader.encrypted:  # the institute's documents never are
            return {}
        names = reader.root["/Names"]["/EmbeddedFiles"]["/Names"]
        count = len(names)
    except Exception:  # no name tree, not a PDF, or one pyHanko cannot read (PdfError and others)
        return {}
    found: dict[str, bytes] = {}
    for index in range(0, count - 1, 2):
        try:
            spec = names[index + 1].get_object()
            stream = spec["/EF"]["/F"].get_object()
            content = _inflated(stream, max_bytes)
            name = str(spec.get("/UF", names[index]))
        except Exception:  # a broken entry, whatever pyHanko raises for it: skip it
            continue
        if content is not None:
            found[name] = content
    return found


def _inflated(stream: "StreamObject", max_bytes: int) -> bytes | None:
    """The stream's content from its raw bytes: as they are when it has no
    filter, inflated with zlib for a lone ``/FlateDecode`` without parameters,
    and only when it fits ``max_bytes``; None otherwise. pyHanko's ``.data``
    would decode whatever the file asks for, up to its own generous limits."""
    from pyhanko.pdf_utils.generic import ArrayObject, NullObject

    filters = stream.get("/Filter")
    if isinstance(filters, ArrayObject):
        filters = list(filters)
    elif filters is None or isinstance(filters, NullObject):
        filters = []
    else:
        filters = [filters]
    if "/DecodeParms" in stream:  # a predictor or the like: not what an issued document carries
        return None
    raw = stream.encoded_data
    if not filters:
        return raw if len(raw) <= max_bytes else None
    if [str(name) for name in filters] != ["/FlateDecode"]:
        return None
    inflater = zlib.decompressobj()
    try:
        content = inflater.decompress(raw, max_bytes)
    except zlib.error:
        return None
    # Not at its end: more than the budget would come (or the stream is cut short).
    return content if inflater.eof else None


def demo_identity_create(path: Path, passphrase: str, *, days: int = 3650) -> Path:
    """A self-signed identity, named as a demo, written as PKCS#12."""
    return identity_create(
        path,
        passphrase,
        organisation=f"P.S.O. Institute ({DEMO_MARK})",
        common_name=f"{DEMO_MARK} P.S.O. Institute - not for real documents",
        days=days,
    )


def identity_create(
    path: Path,
    passphrase: str,
    *,
    organisation: str,
    common_name: str,
    days: int = 3650,
    key: "PKCS12PrivateKeyTypes | None" = None,
) -> Path:
    """A self-signed identity written as PKCS#12 (the demo's, and the tests'
    stand-in for the institute's own). Its key is RSA 3072 unless ``key``
    (a ``cryptography`` private key) is given: with RSA the signed file stays
    PDF 1.7, as its PDF/A-3b part declares (``Identity.archival_problem``),
    and 3072 bits are what long-term signatures are advised to use beyond 2030."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.hazmat.primitives.serialization import pkcs12
    from cryptography.x509.oid import NameOID

    key = key or rsa.generate_private_key(public_exponent=65537, key_size=3072)
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "TH"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, organisation),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
        ]
    )
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=days))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=True,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .sign(key, hashes.SHA256())
    )
    encryption = (
        serialization.BestAvailableEncryption(passphrase.encode("utf-8"))
        if passphrase
        else serialization.NoEncryption()
    )
    data = pkcs12.serialize_key_and_certificates(b"pso-institute", key, certificate, None, encryption)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    path.chmod(0o600)
    return path


def certificate_pem(certificate: asn1_x509.Certificate) -> str:
    """The certificate as PEM, for auditors to trust in their PDF reader."""
    from asn1crypto import pem

    armored: bytes = pem.armor("CERTIFICATE", certificate.dump())
    return armored.decode("ascii")


@dataclass
class LongTermCheck:
    """A signature checked as an auditor would years later (AdES, with the
    proof of existence the archive time stamps give)."""

    passed: bool
    indication: str  # e.g. "AdESPassed.OK", "AdESIndeterminate.NO_POE"
    signature_time: datetime.datetime | None


def long_term_check(
    pdf: bytes,
    *,
    at: datetime.datetime,
    trust_roots: list[asn1_x509.Certificate],
    crls: Sequence["asn1_crl.CertificateList"] = (),
) -> LongTermCheck:
    """The institute's signature validated at ``at`` by PAdES long-term rules
    (pyHanko's ``ades_lta_validation``): offline, from what the file carries
    plus ``crls`` (for the time stamps' authorities, whose newest stamp is
    checked at ``at``), trusting ``trust_roots`` only. A signature whose
    certificate has expired since passes when an archive time stamp proves
    it existed while the certificate was valid."""
    from pyhanko.sign.validation.ades import ades_lta_validation
    from pyhanko.sign.validation.policy_decl import (
        LocalKnowledge,
        PdfSignatureValidationSpec,
        RevinfoOnlineFetchingRule,
        RevocationInfoGatheringSpec,
        SignatureValidationSpec,
    )
    from pyhanko_certvalidator.context import CertValidationPolicySpec
    from pyhanko_certvalidator.ltv.types import ValidationTimingInfo
    from pyhanko_certvalidator.policy_decl import REQUIRE_REVINFO, CertRevTrustPolicy, FreshnessReqType
    from pyhanko_certvalidator.registry import SimpleTrustManager
    from pyhanko_certvalidator.revinfo.archival import CRLContainer

    reader = _reader(pdf)
    signature = reader.embedded_regular_signatures[-1]
    spec = PdfSignatureValidationSpec(
        SignatureValidationSpec(
            cert_validation_policy=CertValidationPolicySpec(
                trust_manager=SimpleTrustManager.build(trust_roots=trust_roots),
                revinfo_policy=CertRevTrustPolicy(
                    REQUIRE_REVINFO,
                    freshness=None,
                    freshness_req_type=FreshnessReqType.MAX_DIFF_REVOCATION_VALIDATION,
                ),
            ),
            revinfo_gathering_policy=RevocationInfoGatheringSpec(
                online_fetching_rule=RevinfoOnlineFetchingRule.LOCAL_ONLY
            ),
            local_knowledge=LocalKnowledge(known_crls=[CRLContainer(item) for item in crls]),
        )
    )
    timing = ValidationTimingInfo(at, at, False)
    result = outside_event_loop(lambda: asyncio.run(ades_lta_validation(signature, spec, timing_info=timing)))
    indication = str(result.ades_subindic)
    return LongTermCheck(
        passed=indication == "AdESPassed.OK", indication=indication, signature_time=result.best_signature_time
    )
