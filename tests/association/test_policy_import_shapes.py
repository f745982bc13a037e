"""The import on self-written documents of every shape real policies take (issue 13, item 3): tables written with
«|», «مايلي» and «ما يلي», a heading sharing a line with the item before it, two practices lists, numbering gaps,
text copied from a PDF (words reversed in each line, numbers glued to words, «هـ» glued to a date, bullets), the
full board approval and its warnings, and the letterhead proposed for the profile. None of these is a shared seed."""

import io
import json
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import translation

from association.policy.importing import parse_file, parse_policy

SHAPES = Path(__file__).parent / "policy_shapes"


@pytest.fixture(autouse=True)
def arabic():
    with translation.override("ar"):
        yield


def _parse(name: str):
    return parse_file((SHAPES / name).read_bytes(), name)


def _section(parsed, kind, index=0):
    return [s for s in parsed.sections if s.kind == kind][index]


def _messages(parsed) -> list[tuple[int, str]]:
    return [(w.line, w.message) for w in parsed.warnings]


def test_a_channels_table_written_with_pipes_gives_one_item_a_row():
    parsed = _parse("pipe_tables.txt")
    channels = _section(parsed, "channels")
    # Header and rule rows are not items; the number cells are dropped; the first text cell names the channel.
    assert [item.split(" — ")[0] for item in channels.items] == [
        "الاستقبال في مقر الجمعية",
        "الرقم الموحد",
        "البوابة الإلكترونية",
        "حسابات الجمعية في منصات التواصل",
    ]
    # «والمتابعة عبر الموقع» in a description cell does not add the website twice nor out of order.
    assert parsed.channels == ["interview", "phone", "website", "social_media"]
    # A table without a rule row: its header is recognised by its words.
    assert parsed.tools == ["نموذج التسجيل", "دليل الخدمات"]
    # «الرد خلال يوم عمل» describes a channel: it is not the committee's decision window.
    assert parsed.decision_window_days is None
    table_lines = [line for line, message in _messages(parsed) if "«|»" in message]
    assert table_lines == [10, 17]  # one warning a table, on its first row


def test_mayali_and_ma_yali_both_introduce_lists():
    parsed = _parse("mayali.txt")
    practices = _section(parsed, "practices")
    assert practices.heading == "الممارسات في تقديم الخدمة"
    assert practices.items == ["الاستماع الجيد للمستفيد", "سرعة إنجاز المعاملات"]
    # «عبر مايلي:» introduces the channels list, it is not a heading of its own.
    assert [s.kind for s in parsed.sections].count("channels") == 1
    assert parsed.channels == ["interview", "phone"]
    assert _section(parsed, "procedure").heading == "ويتم التعامل مع المستفيد كما يلي"
    assert parsed.decision_window_days == 10


def test_a_heading_sharing_a_line_with_the_previous_item_opens_its_section():
    parsed = _parse("heading_shares_line.txt")
    assert [s.kind for s in parsed.sections] == [
        "preamble",
        "general_goal",
        "detailed_goals",
        "channels",
        "tools",
        "approval",
    ]
    assert _section(parsed, "preamble").items == ["تضع الجمعية هذه السياسة لتنظيم علاقتها بالمستفيدين."]
    assert _section(parsed, "general_goal").items == ["تقديم خدمة متميزة للمستفيد."]
    assert _section(parsed, "detailed_goals").items == ["تسهيل الإجراءات", "قياس رضا المستفيد."]
    assert _section(parsed, "channels").items[-1] == "الموقع الإلكتروني للجمعية"
    assert parsed.tools == ["دليل الإجراءات", "نموذج الطلب"]
    assert parsed.board_approval["meeting"] == 3
    shared = [line for line, message in _messages(parsed) if "ورد في سطر البند" in message]
    assert shared == [5, 9, 12, 14]


def test_two_practices_sections_services_and_programs():
    parsed = _parse("two_practices.txt")
    practices = [s for s in parsed.sections if s.kind == "practices"]
    assert [p.heading for p in practices] == ["الممارسات في تقديم الخدمات", "الممارسات في تقديم البرامج والمشاريع"]
    assert practices[1].items == ["استطلاع احتياج المستفيدين قبل البرنامج", "قياس الأثر بعد كل برنامج"]
    assert parsed.channels == ["interview", "phone", "representative"]


def test_a_second_practices_list_opened_by_a_sentence_inside_the_first():
    parsed = _parse("practices_in_sentences.txt")
    practices = [s for s in parsed.sections if s.kind == "practices"]
    assert [p.heading for p in practices] == ["الممارسات في تقديم الخدمات", "الممارسات في تقديم البرامج"]
    assert practices[0].list_items == ["الرد على الاستفسارات بسرعة", "توثيق الطلبات"]
    assert practices[1].items == ["إشراك المستفيد في تصميم البرنامج", "متابعة البرنامج بالتقارير"]


def test_numbering_gaps_are_read_and_warned_about_with_their_line():
    parsed = _parse("numbering_gaps.txt")
    assert parsed.channels == ["interview", "phone", "letter", "website"]
    assert len(parsed.tools) == 4
    gaps = [(line, message) for line, message in _messages(parsed) if "يقفز الترقيم" in message]
    assert gaps == [
        (7, "يقفز الترقيم من 2 إلى 5؛ قد يكون هنا بند ناقص."),
        (14, "يقفز الترقيم من 3 إلى 7؛ قد يكون هنا بند ناقص."),
    ]
    # Letters (أ- ب-) and a list that restarts at 1 are not gaps.
    assert _section(parsed, "procedure").items == ["استقبال الطلب", "دراسته"]


def test_text_copied_from_a_pdf_with_each_line_backwards_is_read_in_order():
    parsed = _parse("scrambled_pdf.txt")
    assert parsed.title == "سياسة تنظيم العلاقة مع المستفيدين"
    assert parsed.association == "جمعية السلام الخيرية في القريات"
    assert [s.kind for s in parsed.sections] == ["general_goal", "channels", "tools", "procedure", "approval"]
    assert _section(parsed, "channels").items == [
        "المقابلة",
        "الاتصالات الهاتفية",
        "وسائل التواصل الاجتماعي",
        "الموقع الالكتروني للجمعية",
    ]
    # Wingdings bullets («\uf0b7») mark the tools.
    assert parsed.tools == ["اللائحة الأساسية للجمعية", "دليل دعم المستفيدين"]
    assert parsed.decision_window_days == 10
    approval = parsed.board_approval
    assert (approval["meeting"], approval["date_hijri"], approval["date_gregorian"]) == (2, "1442-01-13", "2020-09-01")
    assert any("معكوسة الترتيب" in message for _line, message in _messages(parsed))
    # The weekday written (Tuesday) is that date's: no weekday warning.
    assert not any("يوافق يوم" in message for _line, message in _messages(parsed))


def test_numbers_glued_to_words_and_several_items_on_one_line():
    parsed = _parse("glued_numbers.txt")
    assert _section(parsed, "channels").items == ["المقابلة", "الهاتف", "الموقع الإلكتروني", "مندوبو المكاتب الفرعية"]
    assert parsed.channels == ["interview", "phone", "website", "representative"]
    assert parsed.decision_window_days == 21  # «عن21يوما»
    approval = parsed.board_approval
    assert approval["decision_number"] == "3/7"
    assert approval["meeting"] == 5
    # «١٤٤٥/٠٣/٠٥هـالموافق»: the mark glued to the date and to the next word.
    assert (approval["date_hijri"], approval["date_gregorian"]) == ("1445-03-05", "2023-09-20")
    assert (4, "تضمن هذا السطر 4 بنود متتالية، فقُرئت بنودًا منفصلة.") in _messages(parsed)


def test_bulleted_items_on_one_line_and_trailing_pdf_numbers():
    lines = [
        "سياسة تنظيم العلاقة مع المستفيدين",
        "القنوات:",
        "● المقابلة ● الهاتف ● الخطابات",
        "الأدوات:",
        "➢ سجل المراجعين",
        "❖ دليل الخدمات",
    ]
    parsed = parse_policy(lines)
    assert parsed.channels == ["interview", "phone", "letter"]
    assert parsed.tools == ["سجل المراجعين", "دليل الخدمات"]


# --- the board approval ---------------------------------------------------------------------------------


def _approval(sentence: str, *extra: str, title: str = "سياسة تنظيم العلاقة مع المستفيدين"):
    return parse_policy([title, "القنوات:", "- المقابلة", "اعتماد مجلس الإدارة", sentence, *extra])


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        (
            "تم اعتماد السياسة بقرار مجلس الإدارة رقم م/3-23 بتاريخ 1445/11/20هـ",
            {"decision_number": "م/3-23", "meeting": None, "date_hijri": "1445-11-20"},
        ),
        (
            "اعتمد مجلس الإدارة السياسة بالقرار رقم (17) في جلسته الثانية بتاريخ 2024/05/28م",
            {"decision_number": "17", "session": "الثانية", "date_gregorian": "2024-05-28"},
        ),
        (
            "تم اعتماد السياسة في اجتماع مجلس الإدارة الرابع في الجلسة رقم 3 خلال الربع الثاني من عام 2024م",
            {"meeting": 4, "session": "3", "quarter": "الربع الثاني من عام 2024م"},
        ),
        (
            "تم اعتماد هذه السياسة للربع الأول بقرار رقم ق 5/1445 بتاريخ ١٤٤٥/٠٨/٠١هـ",
            {"quarter": "الربع الأول", "decision_number": "ق 5/1445", "date_hijri": "1445-08-01"},
        ),
    ],
)
def test_approval_records_of_every_shape(sentence, expected):
    approval = _approval(sentence).as_json()["board_approval"]
    for key, value in expected.items():
        assert approval[key] == value, key


def test_the_signatory_and_title_are_read_and_both_optional():
    signed = _approval("تم اعتماد السياسة بقرار رقم 17 بتاريخ 1445/11/20هـ", "رئيس مجلس الإدارة / م. سلطان الحربي")
    approval = signed.as_json()["board_approval"]
    assert (approval["signatory"], approval["signatory_title"]) == ("م. سلطان الحربي", "رئيس مجلس الإدارة")
    unsigned = _approval("تم اعتماد السياسة بقرار رقم 17 بتاريخ 1445/11/20هـ").as_json()["board_approval"]
    assert (unsigned["signatory"], unsigned["signatory_title"]) == (None, None)


def test_the_dates_are_kept_as_written_beside_the_parsed_day():
    parsed = _approval("تم اعتماد السياسة بقرار رقم 4 يوم الثلاثاء ٢٠/١١/١٤٤٥هـ الموافق ٢٨/٠٥/٢٠٢٤م")
    data = parsed.version_data()
    assert data["approval_date_hijri_text"] == "يوم الثلاثاء ٢٠/١١/١٤٤٥هـ"
    assert data["approval_date_gregorian_text"] == "٢٨/٠٥/٢٠٢٤م"
    assert str(data["approval_date"]) == "2024-05-28"
    assert parsed.warnings == []


def test_a_weekday_that_is_not_the_dates_is_warned_about():
    parsed = _approval("تم اعتماد السياسة بقرار رقم 4 يوم الأحد 1445/11/20هـ الموافق 2024/05/28م")
    assert (5, "يذكر المستند يوم «الأحد»، لكن ذلك التاريخ يوافق يوم الثلاثاء.") in _messages(parsed)


def test_hijri_and_gregorian_that_are_different_days_are_warned_about():
    parsed = _approval("تم اعتماد السياسة بقرار رقم 4 بتاريخ 1445/11/20هـ الموافق 2024/06/28م")
    messages = [message for _line, message in _messages(parsed)]
    assert any("لا يوافقان اليوم نفسه" in m and "31" in m for m in messages)


def test_an_approval_sentence_naming_another_policy_is_warned_about():
    parsed = _approval("تم اعتماد سياسة الشكاوى والمقترحات في اجتماع مجلس الإدارة الأول بتاريخ 1445/11/20هـ")
    assert any("سياسة أخرى («سياسة الشكاوى والمقترحات»)" in m for _line, m in _messages(parsed))
    own = _approval("تم اعتماد سياسة تنظيم العلاقة مع المستفيدين في اجتماع مجلس الإدارة الأول بتاريخ 1445/11/20هـ")
    assert not any("سياسة أخرى" in m for _line, m in _messages(own))


def test_a_blank_approval_date_is_warned_about():
    parsed = _approval("تم اعتماد السياسة في اجتماع مجلس الإدارة بتاريخ / / هـ")
    assert (5, "تاريخ الاعتماد متروك فارغًا في المستند؛ أدخله من محضر مجلس الإدارة.") in _messages(parsed)


# --- the letterhead ---------------------------------------------------------------------------------------


def test_letterhead_details_are_read_for_the_profile():
    parsed = _parse("letterhead.txt")
    assert parsed.letterhead == {
        "license_number": "3371",
        "city": "عرعر",
        "phone": "0146621234",
        "email": "amal.care@example.org.sa",
        "ibans": ["SA0380000000608010167519", "SA2380000000123456789012"],
    }
    # The letterhead is not read as policy text.
    assert _section(parsed, "channels").items == ["المقابلة", "الهاتف"]


def test_a_spaced_out_mobile_number_and_an_invalid_iban():
    parsed = parse_policy(
        [
            "جمعية البركة بتبوك",
            "0 5 0 1 2 3 4 5 6 7",
            "SA0000000000000000000000",
            "سياسة العلاقة",
            "القنوات:",
            "- الهاتف",
        ]
    )
    assert parsed.letterhead["phone"] == "0501234567"
    assert parsed.letterhead["city"] == "تبوك"
    assert parsed.letterhead["ibans"] == []  # the check digits do not match


@pytest.mark.django_db
def test_the_command_prints_warnings_with_their_lines_and_the_profile_name_check(tmp_path):
    from association.models import AssociationProfile

    AssociationProfile(name="جمعية أخرى تماما").save()
    out = io.StringIO()
    call_command("import_policy", str(SHAPES / "numbering_gaps.txt"), "--json", stdout=out)
    data = json.loads(out.getvalue())
    assert {"line": 7, "text": "٥. الخطابات", "message": "يقفز الترقيم من 2 إلى 5؛ قد يكون هنا بند ناقص."} in data[
        "warnings"
    ]
    assert data["warnings"][0]["message"] == (
        "يذكر المستند اسم الجمعية «جمعية الوفاء الخيرية»، بينما الاسم في ملف الجمعية «جمعية أخرى تماما»."
    )
    AssociationProfile(name="جمعية الوفاء الخيرية").save()
    out = io.StringIO()
    call_command("import_policy", str(SHAPES / "numbering_gaps.txt"), "--json", stdout=out)
    assert not any("ملف الجمعية" in w["message"] for w in json.loads(out.getvalue())["warnings"])
