"""Check a dossier or certificate PDF away from the web: the same checks as
the public verification page (certification.verification). A file that is
not, byte for byte, a document issued here is answered from its SHA-256
without being opened. Exits 0 when the file is genuine, 1 when it is not."""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from certification import verification


class Command(BaseCommand):
    help = (
        "Check that a PDF is a dossier or certificate issued by this institute and unmodified: "
        "the stored issued copy (by SHA-256), then its signature and signer. "
        "Prints the record it carries when it is an issued document."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="The PDF file to check.")
        parser.add_argument("--json", action="store_true", help="Print the result as JSON.")

    def handle(self, *args, file: str, json: bool = False, **options):
        path = Path(file)
        try:
            data = path.read_bytes()
        except OSError as error:
            raise CommandError(f"{path}: {error.strerror}") from None
        with translation.override("en"):
            check = verification.check_document(data)
            result = _result(check)
        if json:
            self.stdout.write(_dump(result))
        else:
            self._print(path, result)
        if not check.genuine:
            raise SystemExit(1)

    def _print(self, path: Path, result: dict) -> None:
        write = self.stdout.write
        if result["genuine"]:
            verdict, style = "GENUINE", self.style.SUCCESS
        elif not result["issued"]:
            verdict, style = "NOT ISSUED BY THE INSTITUTE", self.style.ERROR
        else:
            verdict, style = "NOT CONFIRMED", self.style.ERROR
        write(style(f"{path}: {verdict}"))
        write(f"  SHA-256       {result['sha256']}")
        stored = result["stored"]
        if not stored:
            write("  stored copy   none with these bytes (the file was not opened)")
        signature = result["signature"]
        if signature:
            write(
                f"  signature     signed={signature['signed']} intact={signature['intact']} "
                f"whole_file={signature['whole_file']} signed_at={signature['signed_at']}"
            )
            write(
                f"  signer        {signature['signer'] or '-'} (institute: {result['signed_by_institute']})"
            )
        if stored:
            write(
                f"  stored copy   {stored['kind']} · {stored['occasion']} · issued {stored['issued_at']} · "
                f"{stored['agency']} · {stored['standard']} {stored['fiscal_year_be']}"
            )
            if stored["imported_at"]:
                write(
                    self.style.WARNING(
                        f"  imported      from an archive, {stored['imported_at']} "
                        f"(signature confirmed on import: {stored['signature_verified']})"
                    )
                )
            if stored["figures"]:
                write(
                    f"  figures       total {stored['figures'].get('total')} (round {stored['figures'].get('round')})"
                )
            for later in stored["replaced_by"]:
                write(self.style.WARNING(f"  replaced by   the document issued {later}"))
        if result["carried_record"]:
            write(f"  carried record {result['carried_record']}")
        for problem in result["problems"]:
            write(self.style.ERROR(f"  - {problem}"))


def _result(check: verification.DocumentCheck) -> dict:
    signature = check.signature
    stored = check.stored
    return {
        "genuine": check.genuine,
        "issued": check.issued,
        "sha256": check.sha256,
        "size": check.size,
        # Read only for an issued document; null when the file was not opened.
        "signature": signature
        and {
            "signed": signature.signed,
            "intact": signature.intact and signature.valid,
            "whole_file": signature.whole_file,
            "signed_at": signature.signed_at.isoformat() if signature.signed_at else None,
            "signer": signature.signer_name,
            "signer_sha256": signature.signer_fingerprint,
        },
        "signed_by_institute": check.signed_by_institute,
        "stored": stored
        and {
            "kind": stored.kind,
            "occasion": stored.occasion,
            "issued_at": stored.issued_at.isoformat(),
            "imported_at": stored.imported_at.isoformat() if stored.imported_at else None,
            "signature_verified": stored.signature_verified,
            "agency": stored.project.agency.code,
            "standard": stored.project.standard.code,
            "fiscal_year_be": stored.project.fiscal_year_be,
            "certificate": check.certificate.number if check.certificate else None,
            "certificate_imported": bool(check.certificate and check.certificate.imported_at),
            "figures": stored.figures,
            "replaced_by": [later.issued_at.isoformat() for later in check.replaced_by],
        },
        "carried_record": verification.record_summary(check.record),
        "problems": [str(problem) for problem in check.problems()],
    }


def _dump(result: dict) -> str:
    return json.dumps(result, ensure_ascii=False, indent=1)
