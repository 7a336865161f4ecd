"""A hostile workbook is refused before it costs anything (issue 22): each
file here is small on disk, and each is answered with a clear message within
seconds and a bounded amount of memory, where loading it whole held a worker
for half a minute and hundreds of megabytes."""

import io
import re
import shutil
import struct
import subprocess
import time
import tracemalloc
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from assessment.workbook_upload import Limits, WorkbookRefused, read_grid_workbook

pytestmark = pytest.mark.django_db

SECONDS = 5  # generous for a slow CI machine; each file here is answered in well under one
MEGABYTES = 150
LEVELS = "xl/worksheets/sheet1.xml"  # openpyxl writes the sheets in their order
JUSTIFICATIONS = "xl/worksheets/sheet2.xml"
KEY = "xl/worksheets/sheet4.xml"
MAIN = b'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
MEASURED: dict[str, tuple[float, float]] = {}  # for the report: -s prints them


def downloaded(client, project) -> bytes:
    response = client.get(reverse("assessment:workbook", args=[project.pk, 1]))
    assert response.status_code == 200
    return response.content


def rezipped(data: bytes, *, replace=None, first=(), extra=()) -> bytes:
    """The workbook's parts with some replaced (name → bytes or a writer),
    some written first, some added."""
    replace = replace or {}
    with zipfile.ZipFile(io.BytesIO(data)) as source:
        parts = {name: source.read(name) for name in source.namelist()}
    order = list(first) + [name for name in parts if name not in first]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in order:
            content = replace.get(name, parts[name])
            if callable(content):
                with archive.open(name, "w", force_zip64=False) as stream:
                    content(stream)
            else:
                archive.writestr(name, content)
        for name, content in extra:
            archive.writestr(name, content)
    return buffer.getvalue()


def sheet_writer(rows: int, row: bytes, *, head: bytes = b""):
    """A sheet of ``rows`` copies of one row, streamed into the zip: millions
    of cells that compress to almost nothing."""

    def write(stream):
        stream.write(b'<?xml version="1.0"?><worksheet ' + MAIN + b">" + head + b"<sheetData>")
        for _ in range(rows):
            stream.write(row)
        stream.write(b"</sheetData></worksheet>")

    return write


def measured(name: str, read) -> list[str]:
    """The refusal's messages, once the read was timed and, a second time,
    its peak of allocated memory traced; both asserted."""
    with translation.override("en"):
        started = time.perf_counter()
        with pytest.raises(WorkbookRefused) as refusal:
            read()
        seconds = time.perf_counter() - started
        tracemalloc.start()
        try:
            with pytest.raises(WorkbookRefused):
                read()
            peak = tracemalloc.get_traced_memory()[1] / 2**20
        finally:
            tracemalloc.stop()
    MEASURED[name] = (seconds, peak)
    print(f"\n{name}: {seconds:.3f} s, peak {peak:.1f} MB traced: {refusal.value.messages[0][:90]}")
    assert seconds < SECONDS, (name, seconds)
    assert peak < MEGABYTES, (name, peak)
    return refusal.value.messages


@pytest.fixture
def round_of(filled_project):
    assessment_round = filled_project.rounds.get()

    def read(data: bytes):
        return lambda: read_grid_workbook(data, project=filled_project, assessment_round=assessment_round)

    return read


@pytest.fixture
def genuine(client, filled_project, editor_a) -> bytes:
    client.force_login(editor_a)
    return downloaded(client, filled_project)


def test_a_genuine_workbook_stays_far_inside_the_limits(genuine, filled_project):
    limits = Limits.for_round(filled_project.rounds.get().cells.all())
    with zipfile.ZipFile(io.BytesIO(genuine)) as archive:
        assert sum(member.file_size for member in archive.infolist()) * 10 < limits.unpacked
        assert len(archive.infolist()) * 4 < 100


def test_a_sheet_of_millions_of_cells_is_refused_by_its_declared_size(genuine, round_of):
    """The 5.6 million cells of the issue, a few hundred KB on disk."""
    row = b"<row>" + b"<c><v>1</v></c>" * 2400 + b"</row>"
    data = rezipped(genuine, replace={LEVELS: sheet_writer(2334, row)})
    assert len(data) < 1024 * 1024
    messages = measured("a) 5.6 million cells", round_of(data))
    assert messages == ["The file unpacks to too much to be a workbook of this round."]


def test_cells_past_the_grid_are_refused_at_the_first_one(genuine, round_of):
    """Under the size cap, the cells are counted while they stream: the read
    stops at the first cell past the round's grid."""
    row = b"<row>" + b"<c><v>1</v></c>" * 1000 + b"</row>"
    data = rezipped(genuine, replace={LEVELS: sheet_writer(200, row)})
    messages = measured("a') 200,000 cells under the size cap", round_of(data))
    assert re.fullmatch(
        r"The sheet \S+ reaches cell \w+1, past this round's grid \(up to \w+\): .*", messages[0]
    )


def test_the_same_cell_a_million_times_is_refused_by_the_budget(genuine, round_of):
    row = b'<row r="4">' + b'<c r="C4"><v>1</v></c>' * 1000 + b"</row>"
    data = rezipped(genuine, replace={LEVELS: sheet_writer(150, row)})
    messages = measured("a'') one cell 150,000 times", round_of(data))
    assert messages == ["The workbook holds far more than this round's grid; download the round again."]


def test_a_huge_declared_dimension_is_refused(genuine, round_of):
    with zipfile.ZipFile(io.BytesIO(genuine)) as archive:
        levels = archive.read(LEVELS)
    levels = re.sub(rb'<dimension ref="[^"]*"', b'<dimension ref="A1:XFD1048576"', levels)
    messages = measured("b) dimension A1:XFD1048576", round_of(rezipped(genuine, replace={LEVELS: levels})))
    assert "reaches cell XFD1048576" in messages[0]


def test_a_zip_bomb_member_is_refused_by_its_declared_size(genuine, round_of):
    def bomb(stream):
        zeros = bytes(1024 * 1024)
        for _ in range(200):
            stream.write(zeros)

    data = rezipped(genuine, replace={KEY: bomb})
    assert len(data) < 1024 * 1024
    messages = measured("c) 200 MB member", round_of(data))
    assert messages == ["The file unpacks to too much to be a workbook of this round."]


def test_a_member_larger_than_it_declares_is_never_inflated_past_it(genuine, round_of):
    """zipfile stops at the declared size, and the checksum then fails."""

    def bomb(stream):
        sheet_writer(200_000, b"<row><c><v>1</v></c></row>")(stream)

    data = bytearray(rezipped(genuine, replace={KEY: bomb}))
    central = data.index(b"PK\x01\x02")
    while not data[central + 46 :].startswith(KEY.encode()):
        central = data.index(b"PK\x01\x02", central + 4)
    local = struct.unpack_from("<I", data, central + 42)[0]
    struct.pack_into("<I", data, central + 24, 4096)  # declared: 4 KB, in the directory
    struct.pack_into("<I", data, local + 22, 4096)  # and in the part's own header
    messages = measured("c') member declaring 4 KB of 200 MB", round_of(bytes(data)))
    assert messages == ["This is not an Excel workbook (.xlsx) downloaded from this round."]


def test_a_zip_of_many_members_is_refused_before_its_directory_is_read(genuine, round_of):
    data = rezipped(genuine, extra=[(f"{n:x}", b"") for n in range(60_000)])
    assert len(data) < 10 * 1024 * 1024
    messages = measured("d) 60,000 members", round_of(data))
    assert messages == ["The file holds too many parts to be a workbook of this round."]
    # An end record that understates the count does not get past the directory's size.
    end = data.rindex(b"PK\x05\x06")
    forged = bytearray(data)
    struct.pack_into("<HH", forged, end + 8, 20, 20)
    messages = measured("d') 60,000 members, the count forged", round_of(bytes(forged)))
    assert messages == ["The file holds too many parts to be a workbook of this round."]


def test_a_nested_archive_is_refused(genuine, round_of):
    messages = measured("nested archive", round_of(rezipped(genuine, extra=[("xl/embeddings/x.zip", b"PK")])))
    assert messages == [
        "The file holds another archive (xl/embeddings/x.zip); a workbook of this round holds none."
    ]


def test_the_key_is_checked_before_a_huge_sheet_placed_ahead_of_it(genuine, round_of):
    """A key that looks right but is not signed by this site, after a sheet of
    many cells: the sheet is never read."""
    with zipfile.ZipFile(io.BytesIO(genuine)) as archive:
        key = archive.read(KEY)
    forged = re.sub(rb"(<c r=\"A1\"[^>]*><is><t>[^<]*:)[^<]*<", rb"\1forged<", key)
    assert forged != key
    row = b"<row>" + b"<c><v>1</v></c>" * 1000 + b"</row>"
    data = rezipped(genuine, replace={LEVELS: sheet_writer(200, row), KEY: forged}, first=[LEVELS])
    messages = measured("e) forged key after a huge sheet", round_of(data))
    assert messages == ["This workbook was not downloaded from this round's grid."]


def test_a_tag_of_many_attributes_is_refused(genuine, round_of):
    """expat holds a whole tag before a handler sees it: a tag is refused at
    the first run without a "<" longer than any a workbook has."""
    attributes = b"".join(b' a%x=""' % n for n in range(400_000))
    key = (
        b'<?xml version="1.0"?><worksheet '
        + MAIN
        + b"><sheetData><row"
        + attributes
        + b"/></sheetData></worksheet>"
    )
    messages = measured("a tag of 400,000 attributes", round_of(rezipped(genuine, replace={KEY: key})))
    assert messages == ["The workbook holds far more than this round's grid; download the round again."]


def test_entities_are_refused(genuine, round_of):
    laughs = (
        b'<?xml version="1.0"?><!DOCTYPE worksheet [<!ENTITY a "aaaaaaaaaa">'
        + b"".join(b'<!ENTITY %c "%s">' % (98 + n, (b"&%c;" % (97 + n)) * 10) for n in range(9))
        + b"]><worksheet "
        + MAIN
        + b'><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&j;</t></is></c></row></sheetData></worksheet>'
    )
    messages = measured("billion laughs", round_of(rezipped(genuine, replace={KEY: laughs})))
    assert messages == ["This is not an Excel workbook (.xlsx) downloaded from this round."]


def test_the_page_shows_the_refusal(client, genuine, filled_project):
    row = b"<row>" + b"<c><v>1</v></c>" * 2400 + b"</row>"
    data = rezipped(genuine, replace={LEVELS: sheet_writer(2334, row)})
    client.cookies["django_language"] = "en"
    response = client.post(
        reverse("assessment:workbook_upload", args=[filled_project.pk, 1]),
        {"workbook": SimpleUploadedFile("round.xlsx", data)},
    )
    assert response.status_code == 400
    assert "The file unpacks to too much to be a workbook of this round." in response.content.decode()


def shared(sheet: str, strings: list[str]) -> str:
    """A sheet with its text moved to the shared strings, as Excel saves it."""

    def share(match):
        strings.append(match[3])
        return f'<c {match[1]}t="s"{match[2]}><v>{len(strings) - 1}</v></c>'

    return re.sub(r'<c ([^>]*?)t="inlineStr"([^>]*)><is><t[^>]*>(.*?)</t></is></c>', share, sheet)


def as_excel_saves_it(data: bytes, *, items=None, levels=None) -> bytes:
    """The workbook with its text in a shared strings part, as Excel and
    LibreOffice save it; ``items`` may change the part's <si> elements, and
    ``levels`` the levels sheet."""
    strings: list[str] = []
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        sheets = {
            name: shared(archive.read(name).decode(), strings) for name in (LEVELS, JUSTIFICATIONS, KEY)
        }
        rels = archive.read("xl/_rels/workbook.xml.rels").decode()
        types = archive.read("[Content_Types].xml").decode()
    table = [f"<si><t>{text}</t></si>" for text in strings]
    if items:
        table = items(strings, table)
    if levels:
        sheets[LEVELS] = levels(sheets[LEVELS])
    rels = rels.replace(
        "</Relationships>",
        '<Relationship Id="rId9" Target="sharedStrings.xml" Type="http://schemas.openxmlformats.org/'
        'officeDocument/2006/relationships/sharedStrings"/></Relationships>',
    )
    types = types.replace(
        "</Types>",
        '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-'
        'officedocument.spreadsheetml.sharedStrings+xml"/></Types>',
    )
    replace = {name: text.encode() for name, text in sheets.items()}
    replace.update({"xl/_rels/workbook.xml.rels": rels.encode(), "[Content_Types].xml": types.encode()})
    part = f'<?xml version="1.0"?><sst {MAIN.decode()} count="{len(table)}">{"".join(table)}</sst>'
    return rezipped(data, replace=replace, extra=[("xl/sharedStrings.xml", part.encode())])


def test_a_workbook_saved_as_excel_saves_it_is_read(genuine, round_of):
    """Excel and LibreOffice keep text in shared strings (with formatting runs
    and phonetic guides), and some programs write cells without addresses:
    the reading does not depend on how openpyxl wrote the download."""
    workbook = load_workbook(io.BytesIO(genuine))
    workbook.worksheets[0]["C4"] = 3
    workbook.worksheets[1]["D5"] = "เขียนใหม่ & <ตรง>"
    buffer = io.BytesIO()
    workbook.save(buffer)

    def formatted(strings, table):
        d5 = next(index for index, text in enumerate(strings) if "&amp; &lt;" in text)
        table[d5] = (
            '<si><r><rPr><b/></rPr><t>เขียนใหม่</t></r><r><t xml:space="preserve"> &amp; &lt;ตรง&gt;</t></r>'
            '<rPh sb="0" eb="1"><t>ph</t></rPh></si>'
        )
        return table

    def without_addresses(levels):
        return re.sub(r' r="[A-Z]+\d+"', "", levels)  # cells placed by their order in the row

    reading = round_of(as_excel_saves_it(buffer.getvalue(), items=formatted, levels=without_addresses))()
    assert sorted(change.address for change in reading.changes) == ["ระดับ!C4", "ระดับ!D5"]
    assert [change.after for change in reading.changes if change.address == "ระดับ!D5"] == [
        (2, "เขียนใหม่ & <ตรง>")
    ]


def test_more_text_than_the_round_holds_is_refused(genuine, round_of):
    """Shared strings are kept in memory: their characters are counted (one
    character outside Thai and Latin makes Python keep 4 bytes for each)."""
    long = "😀" + "a" * 32000

    def padded(strings, table):
        return table + [f"<si><t>{long}</t></si>"] * 150

    messages = measured(
        "4.8 million characters of shared text", round_of(as_excel_saves_it(genuine, items=padded))
    )
    assert messages == ["The workbook holds far more than this round's grid; download the round again."]


def test_a_cell_of_more_text_than_a_spreadsheet_holds_is_refused(genuine, round_of):
    def longest(strings, table):
        return table + [f"<si><t>{'a' * 40_000}</t></si>"]

    messages = measured("a cell of 40,000 characters", round_of(as_excel_saves_it(genuine, items=longest)))
    assert messages == ["The workbook holds far more than this round's grid; download the round again."]


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed")
def test_a_workbook_saved_again_by_libreoffice_is_read(genuine, round_of, filled_project, tmp_path):
    workbook = load_workbook(io.BytesIO(genuine))
    workbook.worksheets[0]["C4"] = 3
    workbook.worksheets[1]["D5"] = "แก้ใน LibreOffice"
    workbook.save(tmp_path / "filled.xlsx")
    subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation=file://{tmp_path}/profile",
            "--headless",
            "--convert-to",
            "xlsx:Calc MS Excel 2007 XML",
            "--outdir",
            str(tmp_path / "saved"),
            str(tmp_path / "filled.xlsx"),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    saved = (tmp_path / "saved" / "filled.xlsx").read_bytes()
    with zipfile.ZipFile(io.BytesIO(saved)) as archive:
        assert (
            b"LibreOffice" in archive.read("docProps/app.xml")
            and "xl/sharedStrings.xml" in archive.namelist()
        )
    reading = round_of(saved)()
    assert sorted(change.address for change in reading.changes) == ["ระดับ!C4", "ระดับ!D5"]
    assert reading.unchanged == filled_project.rounds.get().cells.count() - 2 and not reading.conflicts
