"""National-scale data for measuring the product (``manage.py
generate_load_data``).

Everything made here is marked by its codes: agencies are
``gen-NNNNNN`` (the product's own codes are ``agency-NNNN`` or typed); their people are ``gen-NNNNNN-head`` / ``-editor`` /
``-viewer``; the institute's are ``gen-committee-N`` and ``gen-auditor-N``.
All share one password so a load test can sign in as anyone.

Speed comes from three things: rows are written in batches (``COPY`` for the
cells on PostgreSQL, ``bulk_create`` elsewhere); every project of a standard
has the same shape, so each round's levels are one of a few patterns scored
once by the scoring engine; and history is not written (nobody typed this).
The numbers shown are therefore still the scoring engine's: each round
stores what ``assessment.scoring.score_round`` computed for its levels.
"""

import hashlib
import io
import random
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from agencies.models import Agency, InstituteRole, Membership, Standard
from assessment import results, scoring
from assessment.models import (
    Assessment,
    AssessmentRound,
    Indicator,
    Mission,
    MissionCategory,
    Project,
    ProjectCriterion,
)
from assessment.services import catalogue_budgets, criterion_copy
from certification.models import (
    Certificate,
    CertificateSequence,
    Decision,
    IssuedDossier,
    Review,
    ReviewCriterion,
)
from certification.rendering import font_faces, html_to_pdf
from certification.services import certificate_number, validity_end
from pso_site.lib.dates import buddhist_year

CODE_PREFIX = "gen-"
PATTERNS = 8
BATCH_AGENCIES = 100
PLACEHOLDER_PDF = "generated/placeholder.pdf"

PROVINCES = (
    "กรุงเทพมหานคร กระบี่ กาญจนบุรี กาฬสินธุ์ กำแพงเพชร ขอนแก่น จันทบุรี ฉะเชิงเทรา ชลบุรี ชัยนาท ชัยภูมิ ชุมพร "
    "เชียงราย เชียงใหม่ ตรัง ตราด ตาก นครนายก นครปฐม นครพนม นครราชสีมา นครศรีธรรมราช นครสวรรค์ นนทบุรี "
    "นราธิวาส น่าน บึงกาฬ บุรีรัมย์ ปทุมธานี ประจวบคีรีขันธ์ ปราจีนบุรี ปัตตานี พระนครศรีอยุธยา พะเยา พังงา "
    "พัทลุง พิจิตร พิษณุโลก เพชรบุรี เพชรบูรณ์ แพร่ ภูเก็ต มหาสารคาม มุกดาหาร แม่ฮ่องสอน ยโสธร ยะลา ร้อยเอ็ด "
    "ระนอง ระยอง ราชบุรี ลพบุรี ลำปาง ลำพูน เลย ศรีสะเกษ สกลนคร สงขลา สตูล สมุทรปราการ สมุทรสงคราม "
    "สมุทรสาคร สระแก้ว สระบุรี สิงห์บุรี สุโขทัย สุพรรณบุรี สุราษฎร์ธานี สุรินทร์ หนองคาย หนองบัวลำภู อ่างทอง "
    "อำนาจเจริญ อุดรธานี อุตรดิตถ์ อุทัยธานี อุบลราชธานี"
).split()

# How generated projects spread over the workflow (status, share).
STATUS_MIX = (
    (Project.Status.DRAFT, 40),
    (Project.Status.SUBMITTED, 10),
    (Project.Status.UNDER_REVIEW, 8),
    (Project.Status.CHANGES_REQUESTED, 5),
    (Project.Status.CERTIFIED, 32),
    (Project.Status.NOT_CERTIFIED, 5),
)
SUBMITTED_STATUSES = {status for status, _share in STATUS_MIX} - {Project.Status.DRAFT}

# The authenticator key of every generated person of the institute (hex,
# as django-otp stores it): generated data only, like their password.
TOTP_KEY = "6c6f61642d746573742d6f6e6c792d6e6f742d6120"


class RealDataPresent(Exception):
    """The database holds projects that were not generated."""


@dataclass(frozen=True)
class Size:
    agencies: int
    projects_per_agency: int = 2
    missions: int = 25
    indicators: int = 15
    rounds: int = 3
    committee: int = 20
    auditors: int = 20

    def __post_init__(self):
        if self.missions < 3:
            raise ValueError("At least 3 missions (main, secondary and support).")
        if min(self.agencies, self.projects_per_agency, self.indicators, self.rounds) < 1:
            raise ValueError("Agencies, projects, indicators and rounds must be at least 1.")


@dataclass
class Summary:
    agencies: int = 0
    projects: int = 0
    rounds: int = 0
    cells: int = 0
    certificates: int = 0


@dataclass
class Shape:
    """What every generated project of one standard looks like, and the level
    patterns of its rounds with their scores."""

    standard: Standard
    criteria: list  # catalogue criteria, in order
    weights: list[Decimal]
    points: list[tuple[str, Decimal]]  # (category, points) per mission
    indicator_criteria: list[int]  # index of the criterion of each indicator
    patterns: list[tuple[list[list[int]], scoring.RoundScore]]


def generated_agencies():
    return Agency.objects.filter(code__startswith=CODE_PREFIX)


def real_projects():
    """Projects of agencies this module did not make."""
    return Project.objects.exclude(agency__code__startswith=CODE_PREFIX)


def real_projects_exist() -> bool:
    return real_projects().exists()


def generate(
    size: Size, *, seed: int = 1, password: str = "load-test", progress: Callable[[int], None] | None = None
) -> Summary:
    """Add ``size.agencies`` generated agencies with their projects after
    any generated before. ``progress`` is called with the number of agencies
    done after each batch."""
    rng = random.Random(seed)
    standards = list(Standard.objects.prefetch_related("criteria").order_by("code"))
    if not standards:
        raise ValueError("Load the catalogue first (manage.py load_catalogue).")
    shapes = [_shape(standard, size, rng) for standard in standards]
    password_hash = make_password(password)
    reviewers = _institute_people(size, password_hash)
    placeholder = _placeholder_pdf()
    start = _next_agency_number()
    summary = Summary()
    sequences: dict[tuple[str, int], int] = {
        (s.standard_code, s.year_be): s.last for s in CertificateSequence.objects.all()
    }
    for first in range(0, size.agencies, BATCH_AGENCIES):
        count = min(BATCH_AGENCIES, size.agencies - first)
        with transaction.atomic():
            _batch(
                numbers=range(start + first, start + first + count),
                size=size,
                shapes=shapes,
                rng=rng,
                password_hash=password_hash,
                reviewers=reviewers,
                placeholder=placeholder,
                sequences=sequences,
                summary=summary,
            )
        if progress:
            progress(count)
    with transaction.atomic():
        for (standard_code, year_be), last in sequences.items():
            CertificateSequence.objects.update_or_create(
                standard_code=standard_code, year_be=year_be, defaults={"last": last}
            )
    return summary


def _next_agency_number() -> int:
    codes = generated_agencies().aggregate(last=Max("code"))
    return int(codes["last"][len(CODE_PREFIX) :]) + 1 if codes["last"] else 1


def _shape(standard: Standard, size: Size, rng: random.Random) -> Shape:
    criteria = sorted(standard.criteria.all(), key=lambda c: c.order)
    budgets = catalogue_budgets()
    points = []
    for category, count in (
        (MissionCategory.MAIN, size.missions - 2),
        (MissionCategory.SECONDARY, 1),
        (MissionCategory.SUPPORT, 1),
    ):
        points += [(category, p) for p in scoring.split_evenly(budgets[category], count)]
    weights = scoring.split_evenly(Decimal(100), len(criteria))
    indicator_criteria = [n % len(criteria) for n in range(size.indicators)]
    patterns = []
    for _pattern in range(PATTERNS):
        low = rng.randint(0, 2)
        levels = [[rng.randint(low, 3) for _i in range(size.indicators)] for _m in range(size.missions)]
        score = scoring.score_round(
            missions=[scoring.MissionInput(key=str(m), points=p) for m, (_c, p) in enumerate(points)],
            criteria=[
                scoring.CriterionInput(key=c.code, weight=w) for c, w in zip(criteria, weights, strict=True)
            ],
            indicators=[
                scoring.IndicatorInput(key=str(i), criterion=criteria[c].code)
                for i, c in enumerate(indicator_criteria)
            ],
            levels={(str(m), str(i)): level for m, row in enumerate(levels) for i, level in enumerate(row)},
        )
        patterns.append((levels, score))
    return Shape(standard, criteria, weights, points, indicator_criteria, patterns)


def _institute_people(size: Size, password_hash: str) -> list:
    User = get_user_model()
    people = []
    for role, count, name in (
        (InstituteRole.Role.COMMITTEE, size.committee, "committee"),
        (InstituteRole.Role.AUDITOR, size.auditors, "auditor"),
    ):
        for number in range(1, count + 1):
            user, created = User.objects.get_or_create(
                username=f"{CODE_PREFIX}{name}-{number}",
                defaults={"password": password_hash, "first_name": f"{name} {number}"},
            )
            InstituteRole.objects.get_or_create(user=user, role=role)
            # The institute's people sign in in two steps: an authenticator
            # whose key the load bench knows (bench/locustfile.py).
            TOTPDevice.objects.get_or_create(user=user, defaults={"name": "generated", "key": TOTP_KEY})
            if role == InstituteRole.Role.COMMITTEE:
                people.append(user)
    return people


def _placeholder_pdf() -> tuple[str, str, int]:
    """One small PDF that every generated issued dossier points at, saying
    what it is."""
    if not default_storage.exists(PLACEHOLDER_PDF):
        regular = font_faces()[0]["url"]
        pdf = html_to_pdf(
            f"<html lang='th'><head><style>@font-face {{ font-family: Sarabun; src: url('{regular}'); }}"
            "body { font-family: Sarabun; }</style></head><body>"
            "<h1>ข้อมูลทดสอบ · Generated load-test data</h1>"
            "<p>แฟ้มนี้สร้างโดย generate_load_data ไม่ใช่เอกสารของหน่วยงานจริง</p></body></html>"
        )
        default_storage.save(PLACEHOLDER_PDF, ContentFile(pdf))
    with default_storage.open(PLACEHOLDER_PDF, "rb") as stored:
        data = stored.read()
    return PLACEHOLDER_PDF, hashlib.sha256(data).hexdigest(), len(data)


def _pick_status(rng: random.Random) -> str:
    return rng.choices([s for s, _w in STATUS_MIX], weights=[w for _s, w in STATUS_MIX])[0]


def _batch(*, numbers, size, shapes, rng, password_hash, reviewers, placeholder, sequences, summary):
    User = get_user_model()
    now = timezone.now()
    this_year = timezone.localdate().year
    agencies = Agency.objects.bulk_create(
        Agency(
            code=f"{CODE_PREFIX}{number:06d}",
            name_th=f"หน่วยงานทดสอบที่ {number} {province}",
            name_en=f"Load-test agency {number}",
            kind=Agency.Kind.PROVINCIAL_OFFICE,
            province=province,
        )
        for number, province in ((n, PROVINCES[n % len(PROVINCES)]) for n in numbers)
    )
    users = User.objects.bulk_create(
        User(username=f"{agency.code}-{role}", password=password_hash, first_name=f"{role} {agency.code}")
        for agency in agencies
        for role in ("head", "editor", "viewer")
    )
    Membership.objects.bulk_create(
        Membership(
            user=user,
            agency=agencies[n // 3],
            role=(Membership.Role.HEAD, Membership.Role.EDITOR, Membership.Role.VIEWER)[n % 3],
        )
        for n, user in enumerate(users)
    )
    budgets = catalogue_budgets()
    plan = []  # (project, shape, status)
    for index, agency in enumerate(agencies):
        for k in range(size.projects_per_agency):
            shape = shapes[k % len(shapes)]
            status = _pick_status(rng)
            project = Project(
                agency=agency,
                standard=shape.standard,
                fiscal_year=this_year - k // len(shapes),
                status=status,
                vision=f"วิสัยทัศน์ของ{agency.name_th}",
                created_by=users[index * 3 + 1],
                main_budget=budgets[MissionCategory.MAIN],
                secondary_budget=budgets[MissionCategory.SECONDARY],
                support_budget=budgets[MissionCategory.SUPPORT],
            )
            if status in SUBMITTED_STATUSES:
                project.submitted_at = now - timedelta(days=rng.randint(1, 700))
                project.submitted_by = users[index * 3]
            plan.append((project, shape, status))
    projects = Project.objects.bulk_create([project for project, _shape, _status in plan])
    criteria = ProjectCriterion.objects.bulk_create(
        criterion_copy(project, criterion, weight=weight, target_level=3)
        for project, shape, _status in plan
        for criterion, weight in zip(shape.criteria, shape.weights, strict=True)
    )
    missions = Mission.objects.bulk_create(
        Mission(
            project=project,
            code=str(m + 1),
            name=f"ภารกิจทดสอบที่ {m + 1}",
            category=category,
            points=points,
            order=m + 1,
        )
        for project, shape, _status in plan
        for m, (category, points) in enumerate(shape.points)
    )
    criteria_at = _offsets(plan, lambda shape: len(shape.criteria))
    indicators = Indicator.objects.bulk_create(
        Indicator(
            project=project,
            criterion=criteria[criteria_at[p] + shape.indicator_criteria[i]],
            name=f"ตัวชี้วัดทดสอบ {shape.indicator_criteria[i] + 1}.{i // len(shape.criteria) + 1}",
            level_0="ไม่มี",
            level_1="มีบางส่วน",
            level_2="มีเกือบครบ",
            level_3="มีครบถ้วน",
            order=i,
        )
        for p, (project, shape, _status) in enumerate(plan)
        for i in range(size.indicators)
    )
    rounds, cells = [], []
    for p, (project, shape, _status) in enumerate(plan):
        for number in range(1, size.rounds + 1):
            levels, score = shape.patterns[rng.randrange(PATTERNS)]
            rounds.append(
                AssessmentRound(
                    project=project,
                    number=number,
                    created_by=project.created_by,
                    total_score=results.display(score.total),
                    criterion_levels={k: str(results.display(v)) for k, v in score.criterion_level.items()},
                    is_complete=True,
                    completed_at=now,
                )
            )
            cells.append((p, levels))
    rounds = AssessmentRound.objects.bulk_create(rounds)
    mission_at = [p * size.missions for p in range(len(plan))]
    indicator_at = [p * size.indicators for p in range(len(plan))]
    rows = (
        (
            assessment_round.pk,
            missions[mission_at[p] + m].pk,
            indicators[indicator_at[p] + i].pk,
            level,
            f"หลักฐานระดับ {level}",
        )
        for assessment_round, (p, levels) in zip(rounds, cells, strict=True)
        for m, row in enumerate(levels)
        for i, level in enumerate(row)
    )
    summary.cells += _insert_cells(rows)
    criteria_of = {
        project.pk: criteria[criteria_at[p] : criteria_at[p] + len(shape.criteria)]
        for p, (project, shape, _status) in enumerate(plan)
    }
    _workflow(plan, projects, rounds, criteria_of, size, rng, reviewers, placeholder, sequences, summary, now)
    summary.agencies += len(agencies)
    summary.projects += len(projects)
    summary.rounds += len(rounds)


def _offsets(plan, count) -> list[int]:
    offsets, at = [], 0
    for _project, shape, _status in plan:
        offsets.append(at)
        at += count(shape)
    return offsets


def _insert_cells(rows) -> int:
    """Write the cells: ``COPY`` on PostgreSQL, one prepared insert elsewhere."""
    table = Assessment._meta.db_table
    count = 0
    if connection.vendor == "postgresql":
        buffer = io.StringIO()
        for round_id, mission_id, indicator_id, level, justification in rows:
            buffer.write(f"{round_id}\t{mission_id}\t{indicator_id}\t{level}\t{justification}\tf\n")
            count += 1
        buffer.seek(0)
        with connection.cursor() as cursor:
            cursor.cursor.copy_expert(
                f"COPY {table} (round_id, mission_id, indicator_id, level, justification, carried_over) FROM STDIN",
                buffer,
            )
        return count
    rows = list(rows)
    with connection.cursor() as cursor:
        cursor.executemany(
            f"INSERT INTO {table} (round_id, mission_id, indicator_id, level, justification, carried_over) "
            "VALUES (%s, %s, %s, %s, %s, %s)",
            [(*row, False) for row in rows],
        )
    return len(rows)


def _workflow(
    plan, projects, rounds, criteria_of, size, rng, reviewers, placeholder, sequences, summary, now
):
    """Submissions (with their issued dossier), reviews, decisions and
    certificates, as the workflow would have left them."""
    name, sha256, byte_size = placeholder
    latest = {assessment_round.project_id: assessment_round for assessment_round in rounds}
    submitted = [
        (project, shape, status)
        for project, (_p, shape, status) in zip(projects, plan, strict=True)
        if status in SUBMITTED_STATUSES
    ]
    dossiers = [
        IssuedDossier(
            project=project,
            occasion=IssuedDossier.Occasion.SUBMISSION,
            status=IssuedDossier.Status.READY,
            file=name,
            sha256=sha256,
            size=byte_size,
            issued_at=project.submitted_at,
            built_at=project.submitted_at,
            figures={"round": size.rounds, "total": str(latest[project.pk].total_score)},
        )
        for project, _shape, _status in submitted
    ]
    decided_statuses = {
        Project.Status.CERTIFIED,
        Project.Status.NOT_CERTIFIED,
        Project.Status.CHANGES_REQUESTED,
    }
    # A review is opened at submission (started by nobody until a member
    # saves), with a row per criterion; decided ones carry the levels.
    reviewed = [(project, status) for project, _shape, status in submitted]
    reviews = Review.objects.bulk_create(
        Review(
            project=project,
            number=1,
            started_by=rng.choice(reviewers) if reviewers and status != Project.Status.SUBMITTED else None,
        )
        for project, status in reviewed
    )
    ReviewCriterion.objects.bulk_create(
        ReviewCriterion(
            review=review,
            criterion=criterion,
            level=Decimal(latest[project.pk].criterion_levels[criterion.code])
            if status in decided_statuses
            else None,
        )
        for (project, status), review in zip(reviewed, reviews, strict=True)
        for criterion in criteria_of[project.pk]
    )
    kinds = {
        Project.Status.CERTIFIED: Decision.Kind.CERTIFY,
        Project.Status.NOT_CERTIFIED: Decision.Kind.NOT_CERTIFY,
        Project.Status.CHANGES_REQUESTED: Decision.Kind.REQUEST_CHANGES,
    }
    decided = [
        (project, status, review)
        for (project, status), review in zip(reviewed, reviews, strict=True)
        if status in decided_statuses
    ]
    decisions = Decision.objects.bulk_create(
        Decision(project=project, review=review, kind=kinds[status], decided_by=review.started_by)
        for project, status, review in decided
    )
    certificates = []
    for (project, status, _review), decision in zip(decided, decisions, strict=True):
        if status != Project.Status.CERTIFIED:
            continue
        valid_from = (project.submitted_at + timedelta(days=30)).date()
        key = (project.standard.code, buddhist_year(valid_from.year))
        sequences[key] = sequences.get(key, 0) + 1
        certificates.append(
            Certificate(
                project=project,
                decision=decision,
                number=certificate_number(key[0], key[1], sequences[key]),
                token=secrets.token_urlsafe(32),
                valid_from=valid_from,
                valid_until=validity_end(valid_from),
            )
        )
    Certificate.objects.bulk_create(certificates)
    IssuedDossier.objects.bulk_create(dossiers)
    summary.certificates += len(certificates)
