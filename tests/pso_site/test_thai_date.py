import datetime
import zoneinfo

from django.template import Context, Template
from django.utils import translation

from pso_site.lib.dates import format_date, format_datetime, format_year


def test_thai_date_uses_thai_months_and_the_buddhist_era():
    assert format_date(datetime.date(2001, 10, 9), language="th") == "9 ตุลาคม 2544"
    assert format_date(datetime.date(2004, 10, 8), language="th") == "8 ตุลาคม 2547"
    assert format_date(datetime.date(2000, 9, 22), language="th") == "22 กันยายน 2543"


def test_short_thai_date_abbreviates_the_month():
    assert format_date(datetime.date(2001, 10, 9), short=True, language="th") == "9 ต.ค. 2544"


def test_official_thai_date_names_the_era():
    assert format_date(datetime.date(2001, 10, 9), era=True, language="th") == "9 ตุลาคม พ.ศ. 2544"
    assert format_date(datetime.date(2001, 10, 9), era=True, language="en") == "9 October 2001"
    rendered = Template('{{ d|thai_date:"era" }}').render(Context({"d": datetime.date(2001, 10, 9)}))
    assert rendered == "9 ตุลาคม พ.ศ. 2544"


def test_english_keeps_the_gregorian_year():
    assert format_date(datetime.date(2001, 10, 9), language="en") == "9 October 2001"
    assert format_date(datetime.date(2001, 10, 9), short=True, language="en") == "9 Oct 2001"


def test_aware_datetimes_are_shown_in_bangkok_time():
    late_utc = datetime.datetime(2001, 10, 8, 20, 30, tzinfo=zoneinfo.ZoneInfo("UTC"))
    assert format_datetime(late_utc, language="th") == "9 ต.ค. 2544 03:30"


def test_cycle_years_follow_the_language():
    assert format_year(2001, language="th") == "2544"
    assert format_year(2001, language="en") == "2001"


def test_template_filter_follows_the_active_language():
    template = Template('{{ d|thai_date }} / {{ d|thai_date:"short" }}')
    context = Context({"d": datetime.date(2001, 10, 9)})
    with translation.override("th"):
        assert template.render(context) == "9 ตุลาคม 2544 / 9 ต.ค. 2544"
    with translation.override("en"):
        assert template.render(context) == "9 October 2001 / 9 Oct 2001"


def test_empty_values_render_as_nothing():
    assert format_date(None) == ""
    assert format_datetime(None) == ""


def test_codes_stay_on_one_line_in_free_text():
    from pso_site.templatetags.scores import nobreak_codes

    assert (
        str(nobreak_codes("ผ่าน P.S.O. 1101 แล้ว <b>"))
        == 'ผ่าน <span class="code">P.S.O. 1101</span> แล้ว &lt;b&gt;'
    )
