"""Dates, references and codes on right-to-left pages are isolated left-to-right runs that do not break: one
markup (``association.kernel.bidi``) behind the ``|hijri``, ``|dual_date``, ``|dual_datetime``, ``|ltr`` filters."""

import datetime as dt
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.template import Context, Template
from django.utils.html import strip_tags

from association.kernel import bidi
from association.kernel.numbers import ARABIC_INDIC_DIGITS, digits

GREGORIAN = dt.date(1990, 5, 21)  # 26 Shawwal 1410
RUN = re.compile(r'<bdi dir="ltr" class="ltr-run"(?: data-digits="latin")?>(.*?)</bdi>')
UNIT = re.compile(r'<span class="ltr-unit">(<bdi dir="ltr" class="ltr-run">.*?</bdi>) (هـ|م|ريال)</span>')
MARKS = "\u200e\u200f\u061c\u2066\u2067\u2068\u2069\u202a\u202b\u202c\u202d\u202e"


def render(source: str, **context) -> str:
    return Template(source).render(Context(context))


def test_each_date_is_an_isolated_unbreakable_run_with_its_calendar_mark():
    html = render("{{ d|dual_date }}", d=GREGORIAN)
    units = UNIT.findall(html)
    assert [(RUN.search(run).group(1), mark) for run, mark in units] == [("1990-05-21", "م"), ("1410-10-26", "هـ")]
    # The two dates may go on two lines, between them, never inside one.
    assert UNIT.sub("", html) == " — "
    assert not any(mark in html for mark in MARKS), "no invisible bidi marks"


@pytest.mark.parametrize("filter_name", ["hijri", "dual_date", "dual_datetime", "gregorian"])
def test_every_date_filter_gives_isolated_runs(filter_name):
    moment = dt.datetime(1990, 5, 21, 21, 30, tzinfo=dt.UTC)
    html = render(f"{{{{ m|{filter_name} }}}}", m=moment)
    digits_outside_runs = re.sub(r"<bdi[^>]*>.*?</bdi>", "", html)
    assert not re.search(r"\d", digits_outside_runs), html
    assert UNIT.search(html)


@pytest.mark.parametrize("value", [None, ""])
def test_no_date_is_empty_so_default_applies(value):
    assert render("{{ d|dual_date|default:'—' }}|{{ d|hijri|default:'—' }}", d=value) == "—|—"


def test_references_phones_and_masked_ids_are_runs_and_user_text_is_escaped():
    html = render("{{ n|ltr }}|{{ x|ltr }}", n="1448-000005", x='<b>"1"</b>')
    assert html == (
        '<bdi dir="ltr" class="ltr-run">1448-000005</bdi>|'
        '<bdi dir="ltr" class="ltr-run">&lt;b&gt;&quot;1&quot;&lt;/b&gt;</bdi>'
    )


def test_an_iban_is_printed_in_groups_of_four_and_keeps_western_digits():
    with digits(ARABIC_INDIC_DIGITS):
        html = render("{{ i|iban }}", i="sa03 8000 0000 6080 1016 7519")
    assert html == '<bdi dir="ltr" class="ltr-run" data-digits="latin">SA03 8000 0000 6080 1016 7519</bdi>'


def test_with_arabic_indic_digits_each_group_of_digits_is_isolated():
    """«١٤٤٨-٠٠٠٠٠٥» inside a left-to-right run is still drawn reversed by the bidi algorithm (Arabic-Indic digits
    are Arabic numbers; a hyphen does not join two of them): each group is its own isolate."""
    with digits(ARABIC_INDIC_DIGITS):
        html = str(bidi.ltr("1448-000005"))
    assert html == ('<bdi dir="ltr" class="ltr-run"><bdi dir="ltr">١٤٤٨</bdi>-<bdi dir="ltr">٠٠٠٠٠٥</bdi></bdi>')


def test_with_arabic_indic_digits_a_masked_number_is_masked_with_stars():
    """«••••••٠٠٩٨»: the bullets would read as more Arabic-Indic zeros (٠ is a dot)."""
    with digits(ARABIC_INDIC_DIGITS):
        assert strip_tags(str(bidi.ltr("••••••0098"))) == "******٠٠٩٨"
    assert strip_tags(str(bidi.ltr("••••••0098"))) == "••••••0098"


def test_free_text_keeps_its_dates_whole_and_escapes_the_rest():
    html = str(bidi.ltr_runs("اعتُمدت في 1446/03/05 هـ الموافق 2024-09-08 م <script>، ورقم A1-2 ومن 10:30"))
    assert '<span class="ltr-unit"><bdi dir="ltr" class="ltr-run">1446/03/05</bdi> هـ</span>' in html
    assert '<span class="ltr-unit"><bdi dir="ltr" class="ltr-run">2024-09-08</bdi> م</span>' in html
    assert "&lt;script&gt;" in html and "<script>" not in html
    assert "A1-2" in html and 'ltr-run">1-2' not in html  # part of a code: left as written
    assert '<bdi dir="ltr" class="ltr-run">10:30</bdi>' in html
    # «م» of «من» is a word, not the Gregorian mark.
    assert strip_tags(html).endswith("ومن 10:30")


def test_the_stylesheet_keeps_runs_isolated_and_on_one_line():
    css = Path(settings.BASE_DIR, "static/css/portal.css").read_text()
    run = re.search(r"\.ltr-run\s*\{([^}]*)\}", css).group(1)
    unit = re.search(r"\.ltr-unit\s*\{([^}]*)\}", css).group(1)
    assert "unicode-bidi: isolate" in run and "white-space: nowrap" in run and "direction: ltr" in run
    assert "white-space: nowrap" in unit
