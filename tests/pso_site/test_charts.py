"""The radar chart keeps every label inside its drawing (issue 25: the
longest criterion name was cut off): labels are measured as Sarabun sets
them, and the measure agrees with WeasyPrint's own layout."""

import re
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders

from pso_site.lib.charts import LABEL_MAX_WIDTH, RadarSeries, label_lines, radar_svg, text_width

LONG = [
    "ตรวจสอบจากภายนอกและประชาชน",
    "ระบบป้องกันผลลัพธ์บั้นปลายที่ไม่พึงปรารถนา",
    "ความผาสุก คุณภาพชีวิตของประชาชนโดยรวม",
    "การสื่อสารสองทางและการรับฟังความคิดเห็น",
    "การนำองค์การ",
    "ผลลัพธ์",
    "การวางแผนเชิงยุทธศาสตร์ การมุ่งเน้นผู้รับบริการและผู้มีส่วนได้ส่วนเสีย",
]


def weasyprint_width(text: str) -> float:
    """The width WeasyPrint (Pango and HarfBuzz) gives the text in Sarabun at 13 px."""
    from weasyprint import HTML

    font = Path(finders.find("fonts/sarabun/Sarabun_400Regular.ttf")).as_uri()
    html = (
        f"<style>@font-face {{ font-family: M; src: url({font}); }}"
        f"span {{ font: 13px M; white-space: nowrap }}</style><p><span>{text}</span></p>"
    )
    page = HTML(string=html).render().pages[0]

    def boxes(box):
        yield box
        for child in getattr(box, "children", []):
            yield from boxes(child)

    return sum(box.width for box in boxes(page._page_box) if type(box).__name__ == "TextBox")


@pytest.mark.pdf
@pytest.mark.parametrize("text", LONG[:4])
def test_labels_are_measured_as_they_are_set(text):
    assert text_width(text) == pytest.approx(weasyprint_width(text), rel=0.03, abs=1)


def test_long_labels_break_at_spaces_only():
    assert label_lines("ความผาสุก คุณภาพชีวิตของประชาชนโดยรวม") == ["ความผาสุก", "คุณภาพชีวิตของประชาชนโดยรวม"]
    # A phrase wider than a line keeps its line: Thai is never broken inside a word.
    assert label_lines(LONG[1]) == [LONG[1]] and text_width(LONG[1]) > LABEL_MAX_WIDTH
    assert label_lines("การนำองค์การ") == ["การนำองค์การ"]


@pytest.mark.parametrize("count", [3, 5, 7])
@pytest.mark.parametrize("size", [380, 420])
def test_every_label_and_the_legend_are_inside_the_drawing(count, size):
    labels = (LONG * 2)[:count]
    series = [
        RadarSeries("ระดับปัจจุบัน (รอบที่ 2)", [1] * count),
        RadarSeries("ค่าเป้าหมาย", [3] * count, dashed=True),
        RadarSeries("ระดับที่คณะกรรมการให้", [2] * count),
    ]
    svg = radar_svg(labels=labels, series=series, size=size)
    left, top, width, height = (float(n) for n in re.search(r'viewBox="([^"]+)"', svg).group(1).split())
    texts = re.findall(r'<text x="([\d.-]+)" y="([\d.-]+)"[^>]*text-anchor="(\w+)"[^>]*>(.*?)</text>', svg)
    assert len(texts) == count
    for x, y, anchor, inner in texts:
        lines = re.findall(r"<tspan[^>]*>(.*?)</tspan>", inner)
        assert "".join(lines).replace(" ", "") in {label.replace(" ", "") for label in labels}
        widest = max(text_width(line) for line in lines)
        start = {"start": float(x), "end": float(x) - widest, "middle": float(x) - widest / 2}[anchor]
        assert left <= start and start + widest <= left + width, (inner, left, width)
        last_baseline = float(y) + 15 * (len(lines) - 1)
        assert top <= float(y) - 13 and last_baseline + 4 <= top + height
    for x, y, name in re.findall(r'<text x="([\d.-]+)" y="([\d.]+)" dx="18"[^>]*>(.*?)</text>', svg):
        assert left <= float(x) and float(x) + 18 + text_width(name) <= left + width
        assert float(y) <= top + height
