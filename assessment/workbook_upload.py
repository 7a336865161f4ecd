"""A round's workbook when it comes back (``assessment.workbooks`` makes
it): what the person changed, and which of those cells someone else changed
since the download, read without trusting the file.

An upload is checked before it is read: the zip's directory against the
round's size, then the key sheet, then only the two sheets and the cells the
key names. Every XML part is streamed (expat, no tree) against one budget of
elements, and a sheet is refused at its first cell past the round's grid, so
that a hostile file costs no more than a genuine one of the same round."""

import datetime
import io
import posixpath
import zipfile
import zlib
from dataclasses import dataclass, field
from xml.parsers import expat

from django.core import signing
from django.utils.translation import gettext as _
from openpyxl.utils import get_column_letter
from openpyxl.utils.cell import coordinate_to_tuple, range_boundaries
from openpyxl.utils.datetime import from_ISO8601
from openpyxl.utils.exceptions import CellCoordinatesException

from assessment import grid
from assessment.models import Assessment
from assessment.workbooks import FIRST_COLUMN, FIRST_ROW, KEY_COLUMNS, KEY_SHEET, MAX_UPLOAD, SALT, key_digest
from pso_site.lib.refusals import Refusal
from pso_site.lib.text import TextProblem, clean_text
from pso_site.lib.ziparchive import zip_directory

#
# An upload is checked before it is read: the zip's directory against the
# round's size, then the key sheet, then only the two sheets and the cells the
# key names. Every XML part is streamed (expat, no tree) against one budget of
# elements, and a sheet is refused at its first cell past the round's grid, so
# that a hostile file costs no more than a genuine one of the same round.

MAX_MEMBERS = 100  # a downloaded workbook has 15 parts, one saved again by Excel about 30
MAX_DIRECTORY = MAX_MEMBERS * 1024  # bytes of the zip's central directory
ARCHIVES = (".zip", ".xlsx", ".xlsm", ".xlsb", ".docx", ".pptx", ".jar", ".gz", ".bz2", ".xz", ".7z", ".rar")
UNPACKED_BASE = 2 * 1024 * 1024  # styles, theme, properties, sheet settings
# openpyxl writes a Thai character as a reference (&#3585;), 7 bytes; Excel in 3.
UNPACKED_PER_CELL = 80 * 1024  # the justification (4,000 characters) on its sheet and in the key
UNPACKED_PER_MISSION = 8 * 1024
UNPACKED_PER_INDICATOR = 512 * 1024  # its conditions in two notes and on the indicators sheet
ELEMENTS_BASE = 100_000
ELEMENTS_PER_CELL = 200  # a justification pasted with its formatting comes as many runs
CHARACTERS_BASE = 1_000_000  # of text kept in memory (a character may take 4 bytes there)
CHARACTERS_PER_CELL = 3 * grid.MAX_JUSTIFICATION  # as downloaded, as typed, and room
CHARACTERS_PER_MISSION = 1000
CHARACTERS_PER_INDICATOR = 6 * 4000  # its name and four conditions
MAX_TEXT = 32767  # the most characters a spreadsheet cell holds
MAX_RUN = 512 * 1024  # bytes without a "<": longer than any tag or cell text of a workbook
CHUNK = 64 * 1024
START, END = "start", "end"


class WorkbookRefused(Refusal):
    def __init__(self, messages: list[str]):
        super().__init__(*messages)


class Damaged(ValueError):
    """The file breaks a rule every spreadsheet program keeps."""


@dataclass
class Change:
    cell: Assessment
    address: str
    before: tuple
    after: tuple
    now: tuple | None = None  # for a conflict: what someone else saved since


@dataclass
class Reading:
    downloaded_at: datetime.datetime
    changes: list[Change] = field(default_factory=list)
    conflicts: list[Change] = field(default_factory=list)
    unchanged: int = 0

    def apply_token(self, missions: dict, assessment_round) -> str:
        """The values as downloaded, for the cells to apply: the grid's
        write path compares them with what is stored when it saves."""
        return grid.grid_token(
            {
                grid.cell_key(change.cell.mission_id, change.cell.indicator_id): (
                    f"{missions.get(change.cell.mission_id, '')}",
                    grid.cell_value(*change.before),
                )
                for change in self.changes
            },
            assessment_round=assessment_round,
            form="workbook",
        )


@dataclass(frozen=True)
class Limits:
    """What reading an upload for a round may cost, from the round's size: a
    workbook of the round fits well inside, a hostile file is refused as soon
    as it passes them."""

    unpacked: int  # bytes: the parts' declared sizes added up
    elements: int  # XML elements and attributes read, over every part read
    characters: int  # of the text kept: the shared strings and the cells read
    key_rows: int  # rows of the key sheet: one per cell, and the header

    @classmethod
    def for_round(cls, cells) -> "Limits":
        cells = list(cells)
        missions = len({cell.mission_id for cell in cells})
        indicators = len({cell.indicator_id for cell in cells})
        return cls(
            unpacked=UNPACKED_BASE
            + UNPACKED_PER_CELL * len(cells)
            + UNPACKED_PER_MISSION * missions
            + UNPACKED_PER_INDICATOR * indicators,
            elements=ELEMENTS_BASE + ELEMENTS_PER_CELL * len(cells),
            characters=CHARACTERS_BASE
            + CHARACTERS_PER_CELL * len(cells)
            + CHARACTERS_PER_MISSION * missions
            + CHARACTERS_PER_INDICATOR * indicators,
            key_rows=1 + len(cells),
        )


def _with_margin(count: int) -> int:
    """Rows or columns a sheet may reach: what the round needs, and room for
    a few notes or formatted cells beside the grid."""
    return 2 * count + 100


def _too_much() -> WorkbookRefused:
    return WorkbookRefused(
        [_("The workbook holds far more than this round's grid; download the round again.")]
    )


def _not_a_workbook() -> WorkbookRefused:
    return WorkbookRefused([_("This is not an Excel workbook (.xlsx) downloaded from this round.")])


def _not_from_this_round() -> WorkbookRefused:
    return WorkbookRefused([_("This workbook was not downloaded from this round's grid.")])


def _open(data: bytes, limits: Limits) -> zipfile.ZipFile:
    """The upload as a zip, once its directory shows it can be a workbook of
    this round: a few parts, none of them an archive, their declared sizes
    (which zipfile never inflates past) within the round's cap."""
    if len(data) > MAX_UPLOAD:
        raise WorkbookRefused([_("The file is too large (at most 10 MB).")])
    directory = zip_directory(data[-(22 + 0xFFFF) :])
    if directory is None:
        raise Damaged("not a zip")
    entries, size = directory
    if entries > MAX_MEMBERS or size > MAX_DIRECTORY:
        raise WorkbookRefused([_("The file holds too many parts to be a workbook of this round.")])
    archive = zipfile.ZipFile(io.BytesIO(data))
    members = archive.infolist()
    if len(members) > MAX_MEMBERS:
        raise WorkbookRefused([_("The file holds too many parts to be a workbook of this round.")])
    for member in members:
        if member.filename.lower().endswith(ARCHIVES):
            raise WorkbookRefused(
                [
                    _("The file holds another archive (%(name)s); a workbook of this round holds none.")
                    % {"name": member.filename}
                ]
            )
        if member.flag_bits & 0x1 or member.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise Damaged("encrypted or compressed as no spreadsheet program does")
    if sum(member.file_size for member in members) > limits.unpacked:
        raise WorkbookRefused([_("The file unpacks to too much to be a workbook of this round.")])
    return archive


def _local(name: str) -> str:
    return name.rpartition(" ")[2]  # expat gives "namespace name"


@dataclass
class Sheet:
    title: str
    part: str
    is_worksheet: bool  # not a chart sheet


class Package:
    """The parts of an uploaded workbook, read on demand as bounded streams."""

    def __init__(self, archive: zipfile.ZipFile, limits: Limits):
        self.archive, self.limits = archive, limits
        self.budget, self.characters = limits.elements, limits.characters
        self.names = set(archive.namelist())
        self.sheets, strings = self._sheets()
        self.strings = self._shared_strings(strings) if strings in self.names else []

    @property
    def worksheets(self) -> list[Sheet]:
        return [sheet for sheet in self.sheets if sheet.is_worksheet]

    def _spend(self, count: int) -> None:
        self.budget -= count
        if self.budget < 0:
            raise _too_much()

    def _kept(self, text: str) -> str:
        """Text kept in memory, spending the budget of characters."""
        self.characters -= len(text)
        if self.characters < 0:
            raise _too_much()
        return text

    def _chunks(self, part: str):
        """The part's bytes, refused at a run without "<" longer than any tag
        or cell text: expat holds a whole tag before a handler sees it."""
        run = 0
        with self.archive.open(part) as stream:
            while chunk := stream.read(CHUNK):
                runs = [len(piece) for piece in chunk.split(b"<")]
                runs[0] += run
                if max(runs) > MAX_RUN:
                    raise _too_much()
                run = runs[-1]
                yield chunk

    def events(self, part: str):
        """(START, name, attributes) and (END, name, text) of a part's
        elements, streamed: each element and attribute spends the budget,
        a text is at most what a cell holds, a DTD or an entity refuses the
        file (no spreadsheet program writes one)."""
        parser = expat.ParserCreate(namespace_separator=" ")
        parser.buffer_text, parser.buffer_size = True, CHUNK
        found, text, length = [], [], 0

        def start(name, attributes):
            nonlocal length
            self._spend(1 + len(attributes))
            text.clear()
            length = 0
            found.append((START, _local(name), {_local(key): value for key, value in attributes.items()}))

        def end(name):
            nonlocal length
            found.append((END, _local(name), "".join(text)))
            text.clear()
            length = 0

        def characters(data):
            nonlocal length
            length += len(data)
            if length > MAX_TEXT:
                raise _too_much()
            text.append(data)

        def declaration(*_args):
            raise Damaged("a DTD")

        parser.StartElementHandler, parser.EndElementHandler = start, end
        parser.CharacterDataHandler = characters
        parser.StartDoctypeDeclHandler = parser.EntityDeclHandler = declaration
        for chunk in self._chunks(part):
            parser.Parse(chunk, False)
            yield from found
            found.clear()
        parser.Parse(b"", True)
        yield from found

    def relationships(self, part: str) -> dict[str, tuple[str, str]]:
        """Id → (type, part) of what a part refers to, from its .rels."""
        folder, name = posixpath.split(part)
        rels = posixpath.join(folder, "_rels", f"{name}.rels")
        found = {}
        for kind, tag, attributes in self.events(rels) if rels in self.names else ():
            if kind is START and tag == "Relationship" and attributes.get("TargetMode") != "External":
                target = attributes.get("Target", "")
                path = (
                    target[1:]
                    if target.startswith("/")
                    else posixpath.normpath(posixpath.join(folder, target))
                )
                found[attributes.get("Id", "")] = (attributes.get("Type", ""), path)
        return found

    def _sheets(self) -> tuple[list[Sheet], str]:
        """The sheets in their order, and the part of the shared strings."""
        workbook = next(
            (path for kind, path in self.relationships("").values() if kind.endswith("/officeDocument")), ""
        )
        related = self.relationships(workbook)
        sheets = []
        for kind, tag, attributes in self.events(workbook):
            if kind is START and tag == "sheet":
                rel_type, part = related.get(attributes.get("id", ""), ("", ""))
                if part in self.names:
                    sheets.append(
                        Sheet(attributes.get("name", ""), part, not rel_type.endswith("/chartsheet"))
                    )
        strings = next((path for kind, path in related.values() if kind.endswith("/sharedStrings")), "")
        return sheets, strings

    def _shared_strings(self, part: str) -> list[str]:
        """The shared strings as openpyxl reads them: the text of the runs,
        without the phonetic guide."""
        strings, runs, phonetic = [], [], 0
        for kind, tag, value in self.events(part):
            if tag == "rPh":
                phonetic += 1 if kind is START else -1
            elif kind is START and tag == "si":
                runs = []
            elif kind is END and tag == "t" and not phonetic:
                runs.append(value)
            elif kind is END and tag == "si":
                strings.append(self._kept(_joined(runs).replace("x005F_", "")))
        return strings

    def values(self, sheet: Sheet, *, rows: int, columns: int, keep) -> dict[tuple[int, int], object]:
        """The values of the cells of a sheet that ``keep(row, column)``, as
        openpyxl reads them (data only); refused at the first cell, or a
        declared dimension, past rows × columns."""
        found, cell = {}, None
        row = column = 0
        for kind, tag, value in self.events(sheet.part):
            if kind is START and tag == "dimension":
                _within(sheet, _dimension_end(value.get("ref", "")), rows, columns)
            elif kind is START and tag == "row":
                row, column = _row_number(value.get("r"), row), 0
            elif kind is START and tag == "c":
                cell = _Cell(*_coordinate(value.get("r"), row, column), value.get("t", "n"))
                _within(sheet, (cell.row, cell.column), rows, columns)
                column = cell.column
            elif cell is not None:
                cell.take(kind, tag, value)
                if kind is END and tag == "c":
                    if keep(cell.row, cell.column):
                        value = cell.value(self.strings)
                        shared = cell.kind == "s"  # already kept, once
                        found[cell.row, cell.column] = (
                            self._kept(value) if isinstance(value, str) and not shared else value
                        )
                    cell = None
        return found


@dataclass
class _Cell:
    """One cell while its element streams by."""

    row: int
    column: int
    kind: str
    raw: str | None = None
    inline: list[str] | None = None  # the runs of an inline string
    phonetic: int = 0

    def take(self, kind: str, tag: str, value) -> None:
        if tag == "rPh":
            self.phonetic += 1 if kind is START else -1
        elif kind is START and tag == "is":
            self.inline = []
        elif kind is END and tag == "v":
            self.raw = value
        elif kind is END and tag == "t" and self.inline is not None and not self.phonetic:
            self.inline.append(value)

    def value(self, strings: list[str]):
        if self.kind == "inlineStr":
            return None if self.inline is None else _joined(self.inline)
        if not self.raw:
            return None
        if self.kind == "n":
            return float(self.raw) if any(mark in self.raw for mark in ".Ee") else int(self.raw)
        if self.kind == "s":
            return strings[int(self.raw)]
        if self.kind == "b":
            return bool(int(self.raw))
        if self.kind == "d":
            return from_ISO8601(self.raw)
        return self.raw  # str (a formula's text), e (an error such as #N/A)


def _joined(runs: list[str]) -> str:
    text = "".join(runs)
    if len(text) > MAX_TEXT:
        raise _too_much()
    return text


def _row_number(number: str | None, previous: int) -> int:
    if number is None:
        return previous + 1
    value = float(number)
    if not value.is_integer():
        raise Damaged("a row between rows")
    return int(value)


def _coordinate(address: str | None, row: int, previous_column: int) -> tuple[int, int]:
    if address:
        return coordinate_to_tuple(address)
    return row, previous_column + 1


def _dimension_end(ref: str) -> tuple[int, int]:
    """The last row and column of a sheet's declared dimension (A1:E20)."""
    try:
        _min_column, _min_row, max_column, max_row = range_boundaries(ref)
    except ValueError:
        return 1, 1  # only a declaration, and a malformed one says nothing
    return max_row or 1, max_column or 1


def _within(sheet: Sheet, address: tuple[int, int], rows: int, columns: int) -> None:
    row, column = address
    if row > rows or column > columns:
        raise WorkbookRefused(
            [
                _(
                    "The sheet %(sheet)s reaches cell %(address)s, past this round's grid (up to %(limit)s): clear what is outside the grid, or download the round again."
                )
                % {
                    "sheet": sheet.title,
                    "address": f"{get_column_letter(min(column, 18278))}{row}",
                    "limit": f"{get_column_letter(min(columns, 18278))}{rows}",
                }
            ]
        )


def _level(value, address: str, problems: list[str]):
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        value = str(value)
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, str) and value.strip() in grid.LEVELS:
        value = int(value.strip())
    if isinstance(value, int) and 0 <= value <= 3:
        return value
    problems.append(
        _("%(address)s: the level must be 0, 1, 2 or 3 (it is %(value)s).")
        % {"address": address, "value": value}
    )
    return None


def _justification(value, address: str, problems: list[str]) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    try:
        return clean_text(str(value), max_length=grid.MAX_JUSTIFICATION)
    except TextProblem as problem:
        problems.append(f"{address}: {problem.message}")
        return ""


def _key(package: Package, *, project, assessment_round) -> tuple[dict, list[list]]:
    """The signed header and the rows of the key sheet, read and checked
    before any other sheet is read."""
    titles = [sheet.title for sheet in package.sheets]
    if KEY_SHEET not in titles or len(package.worksheets) < 2:
        raise _not_from_this_round()
    key = package.sheets[titles.index(KEY_SHEET)]
    values = package.values(
        key,
        rows=_with_margin(package.limits.key_rows),
        columns=_with_margin(KEY_COLUMNS),
        keep=lambda _row, column: column <= KEY_COLUMNS,
    )
    try:
        header = signing.loads(str(values.get((1, 1)) or ""), salt=SALT)
    except signing.BadSignature:
        raise _not_from_this_round() from None
    if header.get("project") != project.pk or header.get("round") != assessment_round.pk:
        raise WorkbookRefused(
            [
                _("This workbook is of round %(theirs)s; this page is round %(ours)s.")
                % {"theirs": header.get("number"), "ours": assessment_round.number}
            ]
        )
    rows = sorted({row for row, _column in values if row >= 2})
    try:
        key_rows = [
            [int(r[0]), int(r[1]), int(r[2]), "" if r[3] in (None, "") else int(r[3]), r[4] or ""]
            for r in ([values.get((row, column)) for column in range(1, KEY_COLUMNS + 1)] for row in rows)
            if r[0] is not None
        ]
    except (TypeError, ValueError):
        key_rows = None
    if key_rows is None or key_digest(key_rows) != header.get("digest"):
        raise WorkbookRefused([_("The workbook's hidden key was changed; download the round again.")])
    return header, key_rows


def _answers(package: Package, key_rows: list[list]) -> tuple[Sheet, dict, Sheet, dict]:
    """The first two sheets, by position (a person may rename them), and the
    values of the cells the key names; each sheet may reach only as far as
    the key's grid, with a margin."""
    addresses = {(row, column) for _cell_id, row, column, *_then in key_rows}
    rows = max((row for row, _column in addresses), default=FIRST_ROW - 1)
    columns = max((column for _row, column in addresses), default=FIRST_COLUMN - 1)
    levels, justifications = package.worksheets[:2]
    found = [
        package.values(
            sheet,
            rows=_with_margin(rows),
            columns=_with_margin(columns),
            keep=lambda row, column: (row, column) in addresses,
        )
        for sheet in (levels, justifications)
    ]
    return levels, found[0], justifications, found[1]


# What a file that no spreadsheet program wrote raises while it is read.
DAMAGED = (
    Damaged,
    zipfile.BadZipFile,
    zlib.error,
    expat.ExpatError,
    CellCoordinatesException,
    KeyError,
    IndexError,
    ValueError,
    EOFError,
    OSError,
    NotImplementedError,
)


def read_grid_workbook(data: bytes, *, project, assessment_round) -> Reading:
    """What the person changed in a downloaded workbook, and which of those
    cells someone else changed since the download; WorkbookRefused with
    every problem (with its cell address) when anything is wrong. Nothing
    is saved here."""
    current = {cell.pk: cell for cell in Assessment.objects.filter(round=assessment_round)}
    limits = Limits.for_round(current.values())
    try:
        with _open(data, limits) as archive:
            package = Package(archive, limits)
            header, key_rows = _key(package, project=project, assessment_round=assessment_round)
            levels, level_values, justifications, justification_values = _answers(package, key_rows)
    except DAMAGED:
        raise _not_a_workbook() from None
    reading = Reading(downloaded_at=datetime.datetime.fromisoformat(header["at"]))
    problems: list[str] = []
    for cell_id, row, column, level_then, justification_then in key_rows:
        cell = current.get(cell_id)
        if cell is None:
            continue  # removed since the download with its mission or indicator
        address = f"{get_column_letter(column)}{row}"
        after = (
            _level(level_values.get((row, column)), f"{levels.title}!{address}", problems),
            _justification(
                justification_values.get((row, column)), f"{justifications.title}!{address}", problems
            ),
        )
        before = (None if level_then == "" else level_then, justification_then)
        if grid.cell_value(*after) == grid.cell_value(*before):
            reading.unchanged += 1
            continue
        now = (cell.level, cell.justification)
        change = Change(cell=cell, address=f"{levels.title}!{address}", before=before, after=after, now=now)
        if grid.cell_value(*now) == grid.cell_value(*after):
            reading.unchanged += 1  # someone already saved the same
        elif grid.cell_value(*now) != grid.cell_value(*before):
            reading.conflicts.append(change)
        else:
            reading.changes.append(change)
    if problems:
        raise WorkbookRefused(problems)
    return reading
