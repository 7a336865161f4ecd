"""The grid's cells written in Python escape what people typed."""

from types import SimpleNamespace

from assessment.views.grid_cells import CellMarkup


def cell(**fields):
    base = dict(
        pk=7,
        indicator_id=3,
        level=2,
        justification="",
        shown_level=2,
        shown_justification="",
        error="",
        typed=False,
        conflicted=False,
        evidence_count=0,
        carried_over=False,
    )
    return SimpleNamespace(**{**base, **fields})


def test_typed_text_is_escaped_in_editable_and_read_only_cells():
    evil = '</textarea><script>alert(1)</script>"'
    for editable in (True, False):
        html = CellMarkup(round_url="/projects/1/rounds/1/", editable=editable).td(
            cell(justification=evil, shown_justification=evil), row=0, col=0, mission_id=5
        )
        assert "<script>" not in html
        assert "&lt;script&gt;" in html


def test_a_refused_level_is_shown_back_escaped_and_selected():
    html = CellMarkup(round_url="/r/", editable=True).td(
        cell(shown_level='9"><b>', error="ระดับต้องเป็น 0, 1, 2 หรือ 3"), row=1, col=2, mission_id=5
    )
    assert '<option value="9&quot;&gt;&lt;b&gt;" selected>' in html
    assert 'class="has-error"' in html
    assert 'href="/r/cells/7/"' in html
