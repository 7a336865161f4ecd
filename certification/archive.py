"""The project archive, version 2 (docs/archive-and-excel.md): everything a
project is — steps 1–6 and the rounds (``assessment.exchange``), the plans
(``plans.exchange``), and here the committee's reviews, the decisions, the
certificate and the issued dossiers — with every evidence file and dossier
in a ZIP under its SHA-256. An agency archive carries all of an agency's
projects. Import creates everything in one transaction, into any
installation that has the catalogue.

An archive is not signed by the institute, so nothing in it is trusted: the
committee's record and the certificate are marked imported and name people
without linking accounts, and each issued document is validated on import
against the institute's configured certificates (docs/archive-and-excel.md,
"Trust")."""

import datetime
import hashlib
import io
import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Annotated, Literal

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _
from pydantic import Field, StringConstraints

from agencies.models import Agency
from assessment import history
from assessment.document import AgencyPart, Code, Person, ProjectDocument, Sha256, iso
from assessment.exchange import (
    VERSION,
    Checked,
    Imported,
    agency_entry,
    check,
    core_import,
    file_problems,
    in_storage,
    project_export_with_files,
)
from assessment.models import Project
from assessment.people import People
from assessment.progress import progress_store
from certification.history import decision_seal
from certification.models import (
    Certificate,
    CertificateSequence,
    Decision,
    IssuedDossier,
    Review,
    ReviewCriterion,
    dossier_path,
)
from plans.exchange import PlanPart, plans_export, plans_import, plans_problems
from pso_site.lib import signing
from pso_site.lib.schema import DocumentProblem, LongText, Moment, Size, Strict, parse, read_json
from pso_site.lib.ziparchive import is_zip, read_zip, write_zip

AGENCY_FORMAT = "pso-agency"
PROJECT_MEMBER = "project.json"
AGENCY_MEMBER = "agency.json"
# At most nine digits of sequence: the counter (CertificateSequence.last) is a
# PositiveIntegerField, and an archive's number moves it.
CERTIFICATE_NUMBER = re.compile(r"^PSO-(?P<standard>[0-9A-Za-z]+)-(?P<year>\d{4})-(?P<sequence>\d{4,9})$")
# A position in one of the archive's lists (each holds at most 1000 entries).
Position = Annotated[int, Field(ge=0, le=999)]


class ReviewCriterionPart(Strict):
    criterion: Code
    level: Annotated[Decimal, Field(ge=0, le=3, max_digits=3, decimal_places=2)] | None = None
    comment: LongText = ""
    step: Annotated[int, Field(ge=1, le=9)] = 6


class ReviewPart(Strict):
    number: Annotated[int, Field(ge=1, le=1000)]
    overall_comment: LongText = ""
    started_by: Person | None = None
    started_at: Moment | None = None
    criteria: Annotated[list[ReviewCriterionPart], Field(max_length=100)] = []


class DecisionPart(Strict):
    review: Annotated[int, Field(ge=1, le=1000)]  # the review's number
    kind: Literal["request_changes", "certify", "not_certify"]
    reason: LongText = ""
    decided_by: Person | None = None
    decided_at: Moment


class CertificatePart(Strict):
    number: Annotated[str, StringConstraints(max_length=40, pattern=CERTIFICATE_NUMBER.pattern)]
    token: Annotated[str, StringConstraints(min_length=16, max_length=64, pattern=r"^[-_A-Za-z0-9]+$")]
    decision: Position  # in ``decisions``
    valid_from: datetime.date
    valid_until: datetime.date
    revoked_at: Moment | None = None
    revoked_by: Person | None = None
    revoked_reason: LongText = ""


class DossierPart(Strict):
    kind: Literal["dossier", "certificate"] = "dossier"
    occasion: Literal["submission", "decision", "revocation"]
    replaces: Position | None = None  # of an earlier entry in ``dossiers``
    # The SHA-256 fingerprint of the signing certificate, as the exporting
    # installation recorded it: informative only. The import validates the
    # signature itself and records what it finds.
    signer: Sha256 | Literal[""] = ""
    decision: Position | None = None  # in ``decisions``
    status: Literal["pending", "ready", "failed"]
    sha256: Sha256 | Literal[""] = ""
    size: Size | None = None
    issued_at: Moment
    built_at: Moment | None = None
    error: LongText = ""
    figures: dict = {}
    missing: bool = False  # issued, but its bytes were lost from storage before the export


class ProjectArchive(ProjectDocument):
    """The whole project: version 2. A version 1 document is the same
    without the parts below."""

    plans: Annotated[list[PlanPart], Field(max_length=200)] = []
    reviews: Annotated[list[ReviewPart], Field(max_length=1000)] = []
    decisions: Annotated[list[DecisionPart], Field(max_length=1000)] = []
    certificate: CertificatePart | None = None
    dossiers: Annotated[list[DossierPart], Field(max_length=1000)] = []


class AgencyArchive(Strict):
    format: Literal["pso-agency"]
    version: Literal[2]
    agency: AgencyPart
    projects: Annotated[list[dict], Field(max_length=1000)]


# Export ------------------------------------------------------------------------


@dataclass
class Archive:
    document: dict
    files: dict = field(default_factory=dict)  # sha256 → FieldFile

    @property
    def is_zip(self) -> bool:
        return bool(self.files)

    def content(self, member: str = PROJECT_MEMBER) -> bytes:
        """A ZIP when files travel with the document, else the JSON alone."""
        import json

        if not self.files:
            return (json.dumps(self.document, ensure_ascii=False, indent=1) + "\n").encode("utf-8")
        buffer = io.BytesIO()
        write_zip(buffer, document_name=member, document=self.document, files=self.files)
        return buffer.getvalue()


def archive_export(project: Project, *, deliberation: bool = False) -> Archive:
    """The project's archive. A review the committee has not decided on yet
    is its deliberation: left out unless ``deliberation`` (the operator's
    export, for a copy of everything)."""
    exported = project_export_with_files(project)
    document, files = exported.document, exported.files
    project = Project.objects.only("recorded_people").get(pk=project.pk)
    people = People(project)
    document["plans"] = plans_export(project, people, files)
    reviews = _reviews_to_export(project, deliberation=deliberation)
    document["reviews"] = [_review_entry(review, people) for review in reviews]
    numbers = {review.pk: review.number for review in reviews}
    decisions = list(
        Decision.objects.filter(project=project).select_related("decided_by").order_by("decided_at", "pk")
    )
    position = {decision.pk: index for index, decision in enumerate(decisions)}
    document["decisions"] = [_decision_entry(decision, numbers, people) for decision in decisions]
    certificate = Certificate.objects.filter(project=project).select_related("revoked_by").first()
    document["certificate"] = certificate and _certificate_entry(certificate, position, people)
    document["dossiers"], dossier_files = _dossiers_export(project, position)
    files.update(dossier_files)
    return Archive(document=document, files=files)


def _reviews_to_export(project: Project, *, deliberation: bool) -> list[Review]:
    """The committee's reviews in order, with their rows; the undecided one
    only with ``deliberation``."""
    reviews = Review.objects.filter(project=project)
    if not deliberation:
        reviews = reviews.filter(decisions__isnull=False).distinct()
    return list(
        reviews.select_related("started_by")
        .order_by("number")
        .prefetch_related(
            Prefetch(
                "criteria",
                queryset=ReviewCriterion.objects.select_related("criterion").order_by(
                    "criterion__order", "criterion__code"
                ),
            )
        )
    )


def _review_entry(review: Review, people: People) -> dict:
    return {
        "number": review.number,
        "overall_comment": review.overall_comment,
        "started_by": people.ref(review, "started_by"),
        "started_at": iso(review.started_at),
        "criteria": [
            {
                "criterion": row.criterion.code,
                "level": None if row.level is None else f"{row.level:.2f}",
                "comment": row.comment,
                "step": row.step,
            }
            for row in review.criteria.all()
        ],
    }


def _decision_entry(decision: Decision, numbers: dict[int, int], people: People) -> dict:
    """A decision, naming its review by number (``numbers``: review id → number)."""
    return {
        "review": numbers[decision.review_id],
        "kind": decision.kind,
        "reason": decision.reason,
        "decided_by": people.ref(decision, "decided_by"),
        "decided_at": iso(decision.decided_at),
    }


def _certificate_entry(certificate: Certificate, position: dict[int, int], people: People) -> dict:
    """The certificate, naming its decision by position (``position``: decision id → index)."""
    return {
        "number": certificate.number,
        "token": certificate.token,
        "decision": position[certificate.decision_id],
        "valid_from": iso(certificate.valid_from),
        "valid_until": iso(certificate.valid_until),
        "revoked_at": iso(certificate.revoked_at),
        "revoked_by": people.ref(certificate, "revoked_by"),
        "revoked_reason": certificate.revoked_reason,
    }


def _dossiers_export(project: Project, position: dict[int, int]) -> tuple[list[dict], dict]:
    """The issued documents in issue order, and the files of the ready ones
    still in storage (sha256 → FieldFile); a lost one is marked missing."""
    dossiers = list(IssuedDossier.objects.filter(project=project).order_by("issued_at", "pk"))
    lost = {dossier.pk for dossier in dossiers if dossier.is_ready and not in_storage(dossier.file)}
    order = {dossier.pk: index for index, dossier in enumerate(dossiers)}
    entries = [
        {
            **({"missing": True} if dossier.pk in lost else {}),
            "kind": dossier.kind,
            "occasion": dossier.occasion,
            "replaces": order.get(dossier.replaces_id),
            "signer": dossier.signer,
            "decision": position.get(dossier.decision_id),
            "status": dossier.status,
            "sha256": dossier.sha256,
            "size": dossier.size,
            "issued_at": iso(dossier.issued_at),
            "built_at": iso(dossier.built_at),
            "error": dossier.error,
            "figures": dossier.figures,
        }
        for dossier in dossiers
    ]
    return entries, {d.sha256: d.file for d in dossiers if d.is_ready and d.pk not in lost}


def record_document(project: Project, *, issued: IssuedDossier) -> dict:
    """The project archive's document as carried inside a document the
    institute issues: the record as it stands, the documents issued before
    this one, and every file named by its SHA-256 but not included (marked
    ``missing``: the evidence stays in the installation, and the document is
    the PDF that carries it). It imports on its own, to the same figures."""
    archive = archive_export(project)
    document = archive.document
    # Entries are in issue order and only name earlier ones: the prefix
    # before this document is a whole record of its own.
    order = list(
        IssuedDossier.objects.filter(project=project).order_by("issued_at", "pk").values_list("pk", flat=True)
    )
    document["dossiers"] = document["dossiers"][: order.index(issued.pk)]
    _by_reference(document, set(archive.files))
    return document


def _by_reference(value, shas: set) -> None:
    """Mark every file entry whose bytes the archive would carry as missing."""
    if isinstance(value, dict):
        if value.get("sha256") in shas:
            value["missing"] = True
        for item in value.values():
            _by_reference(item, shas)
    elif isinstance(value, list):
        for item in value:
            _by_reference(item, shas)


def agency_export(agency: Agency, *, deliberation: bool = False) -> Archive:
    projects = Project.objects.filter(agency=agency).order_by("standard__code", "fiscal_year")
    archives = [archive_export(project, deliberation=deliberation) for project in projects]
    document = {
        "format": AGENCY_FORMAT,
        "version": VERSION,
        "agency": agency_entry(agency),
        "projects": [archive.document for archive in archives],
    }
    files = {}
    for archive in archives:
        files.update(archive.files)
    return Archive(document=document, files=files)


# Import ------------------------------------------------------------------------


def read_archive(data: bytes):
    """The parsed document and its files, from a ZIP or a plain JSON document."""
    if is_zip(data):
        return read_zip(data, document_names=(PROJECT_MEMBER, AGENCY_MEMBER))
    return read_json(data), {}


def record_problems(document: ProjectArchive, files: dict) -> list[str]:
    """The parts above steps 1–6: references between them and to the files,
    one small rule per part."""
    criterion_codes = {criterion.code for criterion in document.criteria}
    return [
        *file_problems(document, files),
        *plans_problems(document.plans, criterion_codes, files),
        *_review_problems(document, criterion_codes),
        *_certificate_problems(document),
        *_dossier_problems(document, files),
    ]


def _review_problems(document: ProjectArchive, criterion_codes: set[str]) -> list[str]:
    """Reviews numbered 1, 2, 3 … of known criteria; decisions of a review."""
    problems: list[str] = []
    review_numbers = [review.number for review in document.reviews]
    if review_numbers != list(range(1, len(review_numbers) + 1)):
        problems.append(_("reviews: numbers must run 1, 2, 3 … in order."))
    for r_index, review in enumerate(document.reviews):
        for c_index, row in enumerate(review.criteria):
            if row.criterion not in criterion_codes:
                problems.append(
                    _("%(where)s: unknown criterion %(code)s.")
                    % {"where": f"reviews[{r_index}].criteria[{c_index}]", "code": row.criterion}
                )
    for d_index, decision in enumerate(document.decisions):
        if decision.review not in review_numbers:
            problems.append(
                _("decisions[%(index)s].review: there is no review %(number)s.")
                % {"index": d_index, "number": decision.review}
            )
    return problems


def _certificate_problems(document: ProjectArchive) -> list[str]:
    """A certificate from a decision to certify, in order, new here; and one
    for a certified project."""
    problems: list[str] = []
    certificate = document.certificate
    if certificate is not None:
        if (
            certificate.decision >= len(document.decisions)
            or document.decisions[certificate.decision].kind != "certify"
        ):
            problems.append(_("certificate.decision: the certificate must come from a decision to certify."))
        if certificate.valid_until < certificate.valid_from:
            problems.append(_("certificate: it ends before it starts."))
        if Certificate.objects.filter(number=certificate.number).exists():
            problems.append(
                _("certificate.number: %(number)s already belongs to another project here.")
                % {"number": certificate.number}
            )
        if Certificate.objects.filter(token=certificate.token).exists():
            problems.append(_("certificate.token: this certificate is already in this installation."))
    if document.status == "certified" and certificate is None:
        problems.append(_("status: a certified project needs its certificate."))
    return problems


def _dossier_problems(document: ProjectArchive, files: dict) -> list[str]:
    """Issued documents name a real decision and an earlier document, and a
    ready one travels in the archive."""
    problems: list[str] = []
    for index, dossier in enumerate(document.dossiers):
        if dossier.decision is not None and dossier.decision >= len(document.decisions):
            problems.append(_("dossiers[%(index)s].decision: there is no such decision.") % {"index": index})
        if dossier.replaces is not None and dossier.replaces >= index:
            problems.append(
                _("dossiers[%(index)s].replaces: it must name an earlier document.") % {"index": index}
            )
        if (
            dossier.status == "ready"
            and not dossier.missing
            and (not dossier.sha256 or dossier.sha256 not in files)
        ):
            problems.append(
                _("dossiers[%(index)s]: the issued dossier %(sha)s is not in the archive.")
                % {"index": index, "sha": dossier.sha256 or "—"}
            )
    return problems


def _agency_for(part: AgencyPart, target: Agency | None) -> Agency:
    """The agency to import into: the one named, the document's when this
    installation has it, or a new one made from the document (with the
    agencies above it that are missing too)."""
    if target is not None:
        return target
    agency = Agency.objects.filter(code=part.code).first()
    if agency is not None:
        return agency
    return Agency.objects.create(
        code=part.code,
        name_th=part.name_th,
        name_en=part.name_en,
        kind=part.kind or Agency.Kind.DEPARTMENT,
        province=part.province,
        parent=_agency_for(part.parent, None) if part.parent else None,
    )


def _checked_project(value, files: dict, *, target: Agency | None, fiscal_year: int | None) -> Checked:
    checked = check(value, model=ProjectArchive, agency=target, fiscal_year=fiscal_year)
    problems = record_problems(checked.document, files)
    if fiscal_year and (checked.document.decisions or checked.document.certificate):
        problems.append(_("fiscal_year: a project with the committee's record keeps its own fiscal year."))
    if problems:
        raise DocumentProblem(problems)
    return checked


def _record_import(checked: Checked, *, agency: Agency, files: dict, user=None) -> Project:
    document: ProjectArchive = checked.document
    keep = document.version >= 2
    imported = core_import(checked, agency=agency, files=files, user=user, keep_record=keep)
    plans_import(document.plans, imported, files)
    people, project = imported.people, imported.project
    # The committee's record came with an archive, which the institute did
    # not sign: every row says it was imported, and its people stay names
    # (recorded on the project), never linked to this installation's
    # accounts, so that no archive can put a decision in a member's name.
    now = timezone.now()
    named = People(project)  # knows no account: every reference is kept as a name
    named.recorded = people.recorded
    reviews = _reviews_import(document, imported, named, now=now)
    decisions = _decisions_import(document, project, reviews, named, now=now)
    if document.certificate is not None:
        _certificate_import(document.certificate, project, decisions, named, now=now)
    _dossiers_import(document, project, decisions, files, now=now)
    people.save()
    progress_store(project)
    return project


def _reviews_import(document: ProjectArchive, imported: Imported, named: People, *, now) -> dict[int, Review]:
    """The committee's reviews with their rows, by number."""
    reviews = {}
    for item in document.reviews:
        review = Review.objects.create(
            project=imported.project,
            number=item.number,
            overall_comment=item.overall_comment,
            imported_at=now,
        )
        if item.started_at is not None:
            Review.objects.filter(pk=review.pk).update(started_at=item.started_at)
        named.note(review, "started_by", item.started_by)
        ReviewCriterion.objects.bulk_create(
            ReviewCriterion(
                review=review,
                criterion=imported.criteria[row.criterion],
                level=row.level,
                comment=row.comment,
                step=row.step,
            )
            for row in item.criteria
        )
        reviews[item.number] = review
    return reviews


def _decisions_import(
    document: ProjectArchive, project: Project, reviews: dict[int, Review], named: People, *, now
) -> list[Decision]:
    """The decisions in the archive's order; each one's review becomes part of the history."""
    decisions = []
    for item in document.decisions:
        decision = Decision.objects.create(
            project=project, review=reviews[item.review], kind=item.kind, reason=item.reason, imported_at=now
        )
        Decision.objects.filter(pk=decision.pk).update(decided_at=item.decided_at)
        named.note(decision, "decided_by", item.decided_by)
        decisions.append(decision)
        # A decided review's deliberation is in the history, as here.
        history.unseal(project_id=project.pk, seal=decision_seal(decision.review_id))
    return decisions


def _certificate_import(
    part: CertificatePart, project: Project, decisions: list[Decision], named: People, *, now
) -> None:
    """The certificate, and this installation's numbering moved past it."""
    certificate = Certificate.objects.create(
        project=project,
        decision=decisions[part.decision],
        number=part.number,
        token=part.token,
        valid_from=part.valid_from,
        valid_until=part.valid_until,
        revoked_at=part.revoked_at,
        revoked_reason=part.revoked_reason,
        imported_at=now,
    )
    named.note(certificate, "revoked_by", part.revoked_by)
    _sequence_follow(part.number)


def _dossiers_import(
    document: ProjectArchive, project: Project, decisions: list[Decision], files: dict, *, now
) -> None:
    """The issued documents in issue order, each ready one stored with what
    its own signature says of its signer (never what the archive claims)."""
    institute = signing.institute_fingerprints()
    issued = []
    for item in document.dossiers:
        signer, verified = "", False
        if item.status == IssuedDossier.Status.READY and not item.missing:
            signer, verified = _signature_found(files[item.sha256], institute)
        dossier = IssuedDossier(
            project=project,
            kind=item.kind,
            occasion=item.occasion,
            replaces=None if item.replaces is None else issued[item.replaces],
            signer=signer,
            signature_verified=verified,
            imported_at=now,
            decision=None if item.decision is None else decisions[item.decision],
            status=item.status,
            sha256=item.sha256,
            size=item.size,
            issued_at=item.issued_at,
            built_at=item.built_at,
            error=item.error,
            figures=item.figures,
        )
        if item.missing:
            dossier.file.name = dossier_path(dossier, "")
        elif item.status == IssuedDossier.Status.READY:
            dossier.file.save(f"{item.sha256}.pdf", ContentFile(files[item.sha256]), save=False)
        dossier.save()
        issued.append(dossier)


def _signature_found(pdf: bytes, institute: frozenset[str]) -> tuple[str, bool]:
    """The certificate whose signature on an imported document validates
    (over the whole file), and whether it is one of the institute's; ("",
    False) when none does. The archive's own ``signer`` is its claim and is
    never read."""
    signature = signing.check_signature(pdf)
    if not signature.sound:
        return "", False
    return signature.signer_fingerprint, signature.signer_fingerprint in institute


def imported_signatures_confirm() -> tuple[int, int]:
    """Validate again the signatures of the ready documents that came with
    an archive and were not confirmed, against the institute's certificates
    as configured now (a retired certificate added since the import, say).
    Returns how many were confirmed, of how many looked at."""
    institute = signing.institute_fingerprints()
    waiting = IssuedDossier.objects.filter(
        imported_at__isnull=False, signature_verified=False, status=IssuedDossier.Status.READY
    ).exclude(file="")
    confirmed = total = 0
    for document in waiting.iterator():
        total += 1
        try:
            with document.file.open("rb") as stored:
                data = stored.read()
        except OSError:  # lost from storage: nothing to validate
            continue
        if hashlib.sha256(data).hexdigest() != document.sha256:
            continue
        signer, verified = _signature_found(data, institute)
        IssuedDossier.objects.filter(pk=document.pk).update(signer=signer, signature_verified=verified)
        confirmed += verified
    return confirmed, total


def _sequence_follow(number: str) -> None:
    """New certificates here must not take an imported number."""
    found = CERTIFICATE_NUMBER.match(number)
    sequence, _created = CertificateSequence.objects.get_or_create(
        standard_code=found["standard"], year_be=int(found["year"])
    )
    if sequence.last < int(found["sequence"]):
        CertificateSequence.objects.filter(pk=sequence.pk).update(last=int(found["sequence"]))


def project_archive_import(
    data: bytes, *, agency: Agency | None = None, fiscal_year: int | None = None, user=None
) -> list[Project]:
    """Import a project or an agency archive (ZIP or JSON); all or nothing.
    Returns the projects created."""
    value, files = read_archive(data)
    if isinstance(value, dict) and value.get("format") == AGENCY_FORMAT:
        return agency_archive_import(value, files, agency=agency, user=user)
    with transaction.atomic():
        checked = _checked_project(value, files, target=agency, fiscal_year=fiscal_year)
        target = _agency_for(checked.document.agency, agency)
        return [_record_import(checked, agency=target, files=files, user=user)]


def agency_archive_import(value, files: dict, *, agency: Agency | None = None, user=None) -> list[Project]:
    archive = parse(AgencyArchive, value)
    with transaction.atomic():
        target = _agency_for(archive.agency, agency)
        projects, problems = [], []
        for index, project_value in enumerate(archive.projects):
            try:
                checked = _checked_project(project_value, files, target=target, fiscal_year=None)
            except DocumentProblem as error:
                problems += [f"projects[{index}].{message}" for message in error.messages]
                continue
            projects.append(_record_import(checked, agency=target, files=files, user=user))
        if problems:
            raise DocumentProblem(problems)
        return projects


def json_schema() -> dict:
    """The JSON Schema of a project archive's document, from the models."""
    schema = ProjectArchive.model_json_schema(mode="validation")
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = "https://pso.example.go.th/schema/project-archive-2.json"
    return schema
