"""Thai text in our PDFs extracts exactly (the /ActualText extension point)."""

import time
from pathlib import Path

import pytest
import weasyprint.draw

from pso_site.lib import pdf

pytestmark = pytest.mark.pdf

FONT = (
    Path(__file__).resolve().parents[2] / "static" / "fonts" / "sarabun" / "Sarabun_400Regular.ttf"
).as_uri()
BOLD = (Path(__file__).resolve().parents[2] / "static" / "fonts" / "sarabun" / "Sarabun_700Bold.ttf").as_uri()
WORDS = [
    "สำนักงานจังหวัดลำปาง",
    "ความครอบคลุม",
    "น้ำ",
    "ผู้ใหญ่",
    "กิจกรรมที่ดำเนินการแล้ว",
    "40.93",
    "9 ตุลาคม 2544",
    "P.S.O. 1101",
]
HTML = f"""<html><head><style>
@font-face {{ font-family: Sarabun; src: url('{FONT}'); }}
@font-face {{ font-family: Sarabun; src: url('{BOLD}'); font-weight: 700; }}
body {{ font-family: Sarabun; }}
</style></head><body>
<h1>แผนงานที่ 1 ระบบข้อมูล</h1>
<p>{" ".join(WORDS)}</p>
<table><tr><td>ความน่าเชื่อถือ</td><td>ความทันสมัย</td></tr></table>
<p style="width: 120mm">{"สำนักงานจังหวัดลำปางน้ำผู้ใหญ่กิจกรรมที่ดำเนินการแล้ว" * 12}</p>
</body></html>"""


def squeeze(text: str) -> str:
    return "".join(text.split())


@pytest.fixture(scope="module")
def rendered():
    return pdf.render_pdf(HTML)


def test_thai_words_extract_verbatim(rendered):
    text = pdf.extract_text(rendered)
    for word in WORDS:
        assert word in text, word
    assert "แผนงานที่ 1 ระบบข้อมูล" in text
    assert "ความน่าเชื่อถือ" in text and "ความทันสมัย" in text


def test_wrapped_thai_paragraph_extracts_every_word(rendered):
    squeezed = squeeze(pdf.extract_text(rendered))
    assert squeezed.count("สำนักงานจังหวัดลำปางน้ำผู้ใหญ่กิจกรรมที่ดำเนินการแล้ว") == 12


def test_sarabun_is_embedded(rendered):
    assert any("Sarabun" in name for name in pdf.embedded_fonts(rendered))


def test_the_same_html_gives_the_same_bytes(rendered):
    # A second later: no clock in the bytes (fontTools dates its subset fonts
    # unless SOURCE_DATE_EPOCH is set; pso_site.lib.pdf sets it).
    time.sleep(1.1)
    assert pdf.render_pdf(HTML) == rendered


def test_without_the_extension_point_thai_extraction_is_wrong(monkeypatch):
    """Guards the test itself: WeasyPrint alone garbles these words."""
    pdf.install_actual_text()
    monkeypatch.setattr(weasyprint.draw, "draw_text", pdf._original_draw_text)
    plain = pdf.HTML(string=HTML).render().write_pdf()
    text = pdf.extract_text(plain)
    assert "สำนักงานจังหวัดลำปาง" not in text or "น้ำ" not in text


def test_an_unknown_weasyprint_version_is_refused(monkeypatch):
    monkeypatch.setattr(pdf, "_original_draw_text", None)
    monkeypatch.setattr(pdf.weasyprint, "__version__", "71.0")
    monkeypatch.setattr(weasyprint.draw, "draw_text", weasyprint.draw.draw_text)
    with pytest.raises(RuntimeError, match="WeasyPrint 70"):
        pdf.install_actual_text()
