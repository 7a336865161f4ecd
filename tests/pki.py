"""A throwaway public-key infrastructure for the tests, all offline: a root
authority, the institute's certificate issued by it (with a CRL address), a
time-stamp authority issued by it, and the root's CRLs."""

import datetime
from dataclasses import dataclass
from pathlib import Path

from asn1crypto import crl as asn1_crl
from asn1crypto import keys as asn1_keys
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

CRL_ADDRESS = "http://crl.invalid/root.crl"


def _name(common_name: str) -> x509.Name:
    return x509.Name(
        [x509.NameAttribute(NameOID.COUNTRY_NAME, "TH"), x509.NameAttribute(NameOID.COMMON_NAME, common_name)]
    )


def _asn1(certificate: x509.Certificate) -> asn1_x509.Certificate:
    return asn1_x509.Certificate.load(certificate.public_bytes(serialization.Encoding.DER))


@dataclass
class Infrastructure:
    root_key: rsa.RSAPrivateKey
    root: x509.Certificate
    institute_key: rsa.RSAPrivateKey
    institute: x509.Certificate
    tsa_key: rsa.RSAPrivateKey
    tsa: x509.Certificate

    @property
    def root_asn1(self) -> asn1_x509.Certificate:
        return _asn1(self.root)

    def crl(self, at: datetime.datetime, number: int = 1) -> asn1_crl.CertificateList:
        """The root's CRL as published at ``at`` (nothing revoked)."""
        issued = (
            x509.CertificateRevocationListBuilder()
            .issuer_name(self.root.subject)
            .last_update(at - datetime.timedelta(minutes=5))
            .next_update(at + datetime.timedelta(days=7))
            .add_extension(x509.CRLNumber(number), critical=False)
            .add_extension(
                x509.AuthorityKeyIdentifier.from_issuer_public_key(self.root_key.public_key()), critical=False
            )
            .sign(self.root_key, hashes.SHA256())
        )
        return asn1_crl.CertificateList.load(issued.public_bytes(serialization.Encoding.DER))

    def institute_file(self, path: Path, passphrase: str) -> Path:
        """The institute's key and certificate with the root, as PKCS#12."""
        path.write_bytes(
            pkcs12.serialize_key_and_certificates(
                b"institute",
                self.institute_key,
                self.institute,
                [self.root],
                serialization.BestAvailableEncryption(passphrase.encode()),
            )
        )
        return path

    def root_pem(self, path: Path) -> Path:
        path.write_bytes(self.root.public_bytes(serialization.Encoding.PEM))
        return path

    def time_stamper(self):
        """pyHanko's in-process time-stamp authority, with this TSA's key."""
        from pyhanko.sign.timestamps.dummy_client import DummyTimeStamper
        from pyhanko_certvalidator.registry import SimpleCertificateStore

        key = asn1_keys.PrivateKeyInfo.load(
            self.tsa_key.private_bytes(
                serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
            )
        )
        return DummyTimeStamper(
            tsa_cert=_asn1(self.tsa),
            tsa_key=key,
            certs_to_embed=SimpleCertificateStore.from_certs([self.root_asn1]),
        )


def make(*, now: datetime.datetime, institute_valid_for: datetime.timedelta) -> Infrastructure:
    root_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    root = (
        x509.CertificateBuilder()
        .subject_name(_name("Test Root CA"))
        .issuer_name(_name("Test Root CA"))
        .public_key(root_key.public_key())
        .serial_number(1)
        .not_valid_before(now - datetime.timedelta(days=10))
        .not_valid_after(now + datetime.timedelta(days=3650))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(False, False, False, False, False, True, True, False, False), critical=True
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(root_key.public_key()), critical=False)
        .sign(root_key, hashes.SHA256())
    )

    def issued(common_name, key, serial, until, usage=None):
        builder = (
            x509.CertificateBuilder()
            .subject_name(_name(common_name))
            .issuer_name(root.subject)
            .public_key(key.public_key())
            .serial_number(serial)
            .not_valid_before(now - datetime.timedelta(days=1))
            .not_valid_after(until)
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(
                x509.KeyUsage(True, True, False, False, False, False, False, False, False), critical=True
            )
            .add_extension(
                x509.AuthorityKeyIdentifier.from_issuer_public_key(root_key.public_key()), critical=False
            )
            .add_extension(
                x509.CRLDistributionPoints(
                    [x509.DistributionPoint([x509.UniformResourceIdentifier(CRL_ADDRESS)], None, None, None)]
                ),
                critical=False,
            )
        )
        if usage:
            builder = builder.add_extension(x509.ExtendedKeyUsage(usage), critical=True)
        return builder.sign(root_key, hashes.SHA256())

    institute_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    tsa_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return Infrastructure(
        root_key=root_key,
        root=root,
        institute_key=institute_key,
        institute=issued("Test Institute", institute_key, 2, now + institute_valid_for),
        tsa_key=tsa_key,
        tsa=issued(
            "Test TSA", tsa_key, 3, now + datetime.timedelta(days=3650), [ExtendedKeyUsageOID.TIME_STAMPING]
        ),
    )
