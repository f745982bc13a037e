"""Reading policies: the two real examples, and variants written here in other layouts and wordings."""

import io
import json
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

from association.policy.importing import ParsedSection, PolicyReadError, parse_file, parse_policy
from association.policy.importing.approval import ordinal as _ordinal
from association.policy.importing.rules import decision_window as _decision_window
from association.policy.models import PolicyEvent, PolicyVersion

SEEDS = Path(settings.BASE_DIR).parent / "shared" / "seeds"
DEMO = Path(settings.BASE_DIR) / "association" / "fixtures" / "demo_policy.txt"
ALL_CHANNELS = [
    "interview",
    "phone",
    "social_media",
    "letter",
    "help_request",
    "volunteering",
    "website",
    "representative",
]
SEED_TOOLS = ["اللائحة الأساسية للجمعية", "دليل خدمات البحث الاجتماعي", "دليل سياسة الدعم للمستفيدين", "طلب دعم مستفيد"]


def _seed(prefix: str) -> Path:
    matches = sorted(SEEDS.glob(f"{prefix}_*.txt")) if SEEDS.is_dir() else []
    if not matches:
        pytest.skip("the shared seed policies are not on this machine")
    return matches[0]


def _kinds(parsed):
    return [s.kind for s in parsed.sections]


def _section(parsed, kind):
    return next(s for s in parsed.sections if s.kind == kind)


# --- the two real examples --------------------------------------------------------------------------


def test_first_example_reads_channels_tools_window_and_an_unfilled_approval():
    parsed = parse_file(_seed("001").read_bytes(), "001.txt")
    assert parsed.channels == ALL_CHANNELS
    assert parsed.tools == SEED_TOOLS
    assert parsed.decision_window_days == 14
    assert parsed.association.startswith("جمعية حياة")
    assert _kinds(parsed) == [
        "preamble",
        "general_goal",
        "detailed_goals",
        "practices",
        "channels",
        "tools",
        "procedure",
        "approval",
    ]
    # The letterhead between pages (الرقم/التاريخ, IBANs, spaced phone) is gone; the procedure is whole.
    procedure = _section(parsed, "procedure").items
    assert len(procedure) == 7
    assert not any("SA78" in item or "الرقم" in item for s in parsed.sections for item in s.items)
    # Its approval block has empty dates: nothing is invented.
    assert parsed.as_json()["board_approval"] == {
        "meeting": None,
        "decision_number": None,
        "date_gregorian": None,
        "date_hijri": None,
        "signatory": None,
        "signatory_title": None,
        "session": None,
        "quarter": None,
    }


def test_second_example_reads_the_board_meeting_and_both_dates():
    parsed = parse_file(_seed("003").read_bytes(), "003.txt")
    assert parsed.association == "جمعية الطاقة الخضراء"
    assert parsed.channels == ALL_CHANNELS
    assert parsed.tools == SEED_TOOLS
    assert parsed.decision_window_days == 14
    assert "practices" in _kinds(parsed)
    assert len(_section(parsed, "practices").items) == 5
    approval = parsed.as_json()["board_approval"]
    assert approval["meeting"] == 2
    assert approval["date_hijri"] == "1442-01-13"
    assert approval["date_gregorian"] == "2021-01-26"
    assert parsed.board_approval["session"] == "الأولى"  # kept as written
    # The table of contents did not become sections of its own.
    assert _kinds(parsed).count("preamble") == 1


# --- variants of our own ------------------------------------------------------------------------------

VARIANT_TXT = """\
بسم الله الرحمن الرحيم
المملكة العربية السعودية
جمعية رعاية الأسرة بالقرية
الرقم:
التاريخ:
المرفقات:

سياسة العلاقة مع المستفيدين

(1) مقدمة: تنظم جمعية رعاية الأسرة بالقرية بهذه الوثيقة صلتها بمن تخدمهم من الأسر.

(2) الهدف العام
أن تصل الخدمة إلى الأسرة في وقتها وبكرامة.

(3) الأهداف الخاصة :
o تقليل زمن الانتظار
o توضيح الحقوق والواجبات

حقوق المستفيد:
- أن يعامل باحترام
- أن تحفظ بياناته

■ قنوات التواصل
١- الحضور إلى مقر الجمعية
٢- الهاتف والجوال
٣- حسابات الجمعية على منصات التواصل
٤- البريد والمراسلات
٥- بوابة الجمعية الإلكترونية
٦- مناديب الفروع

SA03 8000 0000 6080 1016 7519
info@family.example.org
0 1 1 4 0 0 0 0 0 0
مصرف الراجحي
الرقم:
التاريخ:
المرفقات:

■ الأدوات
أ) نموذج طلب الخدمة
ب) الاستبانة الإلكترونية

■ آلية التعامل مع المستفيد
1) استقبال الطلب
2) تبلغ الأسرة بأن لجنة البحث تبت في الطلب خلال (10) أيام عمل من اكتماله
3) تسليم الخدمة

الاعتماد
اعتمدت هذه السياسة في الاجتماع الحادي عشر لمجلس الإدارة، القرار رقم 45-2023، بتاريخ 14/05/2023م.
الاسم: د. هند بنت محمد العمري  الصفة: رئيسة مجلس الإدارة
"""


def test_a_variant_layout_with_other_numbering_colons_and_letterhead():
    parsed = parse_file(VARIANT_TXT.encode(), "variant.txt")
    assert parsed.association == "جمعية رعاية الأسرة بالقرية"
    assert parsed.title == "سياسة العلاقة مع المستفيدين"
    assert _kinds(parsed) == [
        "preamble",
        "general_goal",
        "detailed_goals",
        "other",
        "channels",
        "tools",
        "procedure",
        "approval",
    ]
    assert _section(parsed, "preamble").items[0].startswith("تنظم جمعية")
    assert _section(parsed, "detailed_goals").items == ["تقليل زمن الانتظار", "توضيح الحقوق والواجبات"]
    assert _section(parsed, "other").heading == "حقوق المستفيد"
    assert parsed.channels == ["interview", "phone", "social_media", "letter", "website", "representative"]
    assert parsed.tools == ["نموذج طلب الخدمة", "الاستبانة الإلكترونية"]
    assert parsed.decision_window_days == 10
    # The letterhead between the channels and the tools left nothing behind.
    assert len(_section(parsed, "channels").items) == 6
    approval = parsed.as_json()["board_approval"]
    assert approval == {
        "meeting": 11,
        "session": None,
        "quarter": None,
        "signatory_title": "رئيسة مجلس الإدارة",
        "decision_number": "45-2023",
        "date_gregorian": "2023-05-14",
        "date_hijri": "1444-10-24",
        "signatory": "د. هند بنت محمد العمري",
    }


THIRD_VARIANT_TXT = """\
جمعية الوفاء الخيرية بمحافظة الخرج
سياسة تنظيم العلاقة مع المستفيدين

فهرس المحتويات
التمهيد 2
الأهداف 2
القنوات 3

أولًا: التمهيد
تلتزم الجمعية بخدمة المستفيدين وفق أنظمة المملكة.
ثانيًا - الأهداف
1/ رفع رضا المستفيدين
2/ اختصار الإجراءات
ثالثًا) القنوات المعتمدة للتواصل
* مكتب الاستقبال (المقابلة المباشرة)
* الرقم الموحد والهاتف
* حساب الجمعية في تويتر وسناب شات
رابعًا: الأدوات
* نموذج تسجيل مستفيد
خامسًا: آلية التعامل مع المستفيد
* تستقبل الطلبات وتدرس، وتبت لجنة البحث فيها في غضون خمسة عشر يوماً من اكتمالها
سادسًا: الاعتماد
اعتمد مجلس الإدارة هذه السياسة في اجتماعه رقم (٥) المنعقد يوم الأحد ٥ ربيع الأول ١٤٤٥هـ.
المعتمد: رئيس مجلس الإدارة / الشيخ فهد بن عبدالله الدوسري
"""


def test_ordinal_adverb_headings_month_names_and_a_labelled_signatory():
    parsed = parse_file(THIRD_VARIANT_TXT.encode(), "third.txt")
    assert parsed.association == "جمعية الوفاء الخيرية بمحافظة الخرج"
    assert _kinds(parsed) == ["preamble", "detailed_goals", "channels", "tools", "procedure", "approval"]
    assert _section(parsed, "preamble").heading == "التمهيد"
    assert parsed.channels == ["interview", "phone", "social_media"]
    assert parsed.tools == ["نموذج تسجيل مستفيد"]
    assert parsed.decision_window_days == 15
    assert parsed.as_json()["board_approval"] == {
        "meeting": 5,
        "session": None,
        "quarter": None,
        "signatory_title": "رئيس مجلس الإدارة",
        "decision_number": None,
        "date_gregorian": "2023-09-20",
        "date_hijri": "1445-03-05",
        "signatory": "الشيخ فهد بن عبدالله الدوسري",
    }


def test_our_demo_policy_reads_signatory_decision_and_practices():
    parsed = parse_file(DEMO.read_bytes(), DEMO.name)
    assert parsed.channels == ALL_CHANNELS
    assert parsed.tools == ["نماذج الاستقبال", "الاستبانات الإلكترونية", "سجل الشكاوى والمقترحات", "دليل الخدمات"]
    assert _section(parsed, "practices").items[0].startswith("إشاعة ثقافة")
    assert parsed.as_json()["board_approval"] == {
        "meeting": 3,
        "session": None,
        "quarter": None,
        "signatory_title": "رئيس مجلس الإدارة",
        "decision_number": "3/12",
        "date_gregorian": "2024-09-08",
        "date_hijri": "1446-03-05",
        "signatory": "أ. عبدالرحمن بن سالم القحطاني",
    }


def test_pdf_text_with_numbering_moved_and_digits_reversed():
    """What pypdf gives for right-to-left lines: numbers at the other end, digit runs reversed."""
    lines = [
        ":. القنوات المستخدمة للتواصل مع المستفيدين1",
        ". المقابلة1.1",
        ". الاتصالات الهاتفية1.2",
        ". التطوع1.3",
        "ويتم التعامل مع المستفيد بالشكل التالي2",
        ". الرد على الطلب خلال مدة لا تقل عن ثلاثة أسابيع2.1",
        "اعتماد مجلس الإدارة3",
        "/ ٥١ تم اعتماد السياسة في اجتماع مجلس الإدارة (الرابع) المنعقد بتاريخ",
        "٧٤٤١ هـ",
    ]
    parsed = parse_policy(lines, source="pdf")
    assert parsed.channels == ["interview", "phone", "volunteering"]
    assert _section(parsed, "channels").items == ["المقابلة", "الاتصالات الهاتفية", "التطوع"]
    assert parsed.decision_window_days == 21
    assert parsed.board_approval["meeting"] == 4
    # "٧٤٤١" is 1447 read backwards; the day is joined across the line break only by the year's side.
    assert parsed.board_approval["date_hijri"] is None or parsed.board_approval["date_hijri"].startswith("1447")


def test_dates_in_year_first_and_day_first_orders_and_both_digit_sets():
    for text, hijri, gregorian in [
        ("تم اعتماد السياسة في اجتماع مجلس الإدارة الأول بتاريخ ١٤٤٥/٠٢/١٠ هـ", "1445-02-10", "2023-08-26"),
        ("تم اعتماد السياسة في اجتماع مجلس الإدارة الأول بتاريخ 10-2-1445هـ", "1445-02-10", "2023-08-26"),
        ("تم اعتماد السياسة في اجتماع مجلس الإدارة الأول بتاريخ 2023/8/26 م", "1445-02-10", "2023-08-26"),
        ("تم اعتماد السياسة في اجتماع مجلس الإدارة الأول بتاريخ ٢٦/٨/٢٠٢٣م", "1445-02-10", "2023-08-26"),
    ]:
        parsed = parse_policy(["اعتماد مجلس الإدارة", text])
        assert parsed.board_approval["date_hijri"] == hijri, text
        assert parsed.board_approval["date_gregorian"] == gregorian, text
        assert parsed.board_approval["meeting"] == 1


@pytest.mark.parametrize(
    ("words", "number"),
    [
        ("الأول", 1),
        ("الثاني", 2),
        ("الثالث", 3),
        ("الخامس", 5),
        ("العاشر", 10),
        ("الحادي عشر", 11),
        ("الثاني عشر", 12),
        ("العشرون", 20),
        ("الخامس والعشرين", 25),
        ("(7)", 7),
        ("رقم ٩", 9),
    ],
)
def test_meeting_ordinals(words, number):
    assert _ordinal(words) == number


@pytest.mark.parametrize(
    ("sentence", "days"),
    [
        ("والرد عليه بشأن قبوله أو رفضه خلال مدة لا تقل عن أسبوعين", 14),
        ("تبت لجنة البحث في الطلب خلال ثلاثة أسابيع", 21),
        ("ترد اللجنة خلال (10) أيام عمل", 10),
        ("يرد على الطلب بالقبول أو الرفض خلال شهر", 30),
        ("ترد اللجنة في مدة لا تقل عن ١٥ يوما", 15),
        ("يرفع الطلب للجنة البحث لدراسته", None),
    ],
)
def test_decision_window_from_the_procedure(sentence, days):
    section = ParsedSection(kind="procedure", heading="الإجراءات", entries=[(True, sentence)])
    assert _decision_window([section]) == days


# --- .docx and .pdf files -------------------------------------------------------------------------------


def _docx_bytes() -> bytes:
    import docx

    document = docx.Document()
    letterhead = document.add_table(rows=1, cols=2)
    letterhead.cell(0, 0).text = "جمعية النور للخدمات الاجتماعية"
    letterhead.cell(0, 1).text = "الرقم:\nالتاريخ:\nالمرفقات:"
    document.add_paragraph("سياسة تنظيم العلاقة مع المستفيدين")
    document.add_heading("مقدمة", level=1)
    document.add_paragraph("تعمل الجمعية على خدمة المستفيدين بعدل ووضوح.")
    document.add_heading("قنوات التواصل مع المستفيدين", level=1)
    # Channels laid out in a table, two per row, as some associations print them.
    table = document.add_table(rows=2, cols=2)
    table.cell(0, 0).text = "المقابلات"
    table.cell(0, 1).text = "الخطابات"
    table.cell(1, 0).text = "طلبات المساعدة"
    table.cell(1, 1).text = "وسائل التواصل الاجتماعي"
    document.add_heading("الأدوات المتاحة لموظف علاقات المستفيدين", level=1)
    document.add_paragraph("سجل الزيارات", style="List Number")
    document.add_paragraph("نموذج الإقرار", style="List Number")
    document.add_heading("إجراءات التعامل مع المستفيد", level=1)
    document.add_paragraph("يرفع الطلب إلى لجنة البحث للبت فيه.", style="List Bullet")
    document.add_heading("اعتماد مجلس الإدارة", level=1)
    document.add_paragraph("تم اعتماد هذه السياسة في اجتماع مجلس الإدارة السادس بتاريخ 1446/7/1 هـ")
    document.add_paragraph("رئيس مجلس الإدارة: م. خالد بن فهد")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def test_docx_paragraphs_headings_lists_and_tables():
    parsed = parse_file(_docx_bytes(), "policy.docx")
    assert parsed.association == "جمعية النور للخدمات الاجتماعية"
    assert _kinds(parsed) == ["preamble", "channels", "tools", "procedure", "approval"]
    assert parsed.channels == ["interview", "letter", "help_request", "social_media"]
    assert parsed.tools == ["سجل الزيارات", "نموذج الإقرار"]
    assert parsed.decision_window_days is None
    approval = parsed.as_json()["board_approval"]
    assert approval["meeting"] == 6
    assert approval["date_hijri"] == "1446-07-01"
    assert approval["date_gregorian"] == "2025-01-01"
    assert approval["signatory"] == "م. خالد بن فهد"


def _pdf_bytes() -> bytes:
    from weasyprint import HTML

    from association.kernel.pdf import STATIC_PREFIX, _url_fetcher

    html = f"""<html lang="ar" dir="rtl"><head><style>
      @font-face {{ font-family: "Amiri"; src: url("{STATIC_PREFIX}fonts/amiri/Amiri-Regular.ttf"); }}
      body {{ font-family: "Amiri"; direction: rtl; }}</style></head><body>
      <p>سياسة تنظيم العلاقة مع المستفيدين</p>
      <h2>الهدف العام:</h2><p>تقديم أفضل رعاية للمستفيد.</p>
      <h2>القنوات:</h2><p>- المقابلة</p><p>- الهاتف</p><p>- الموقع الإلكتروني</p><p>- التطوع</p>
      <h2>ويتم التعامل مع المستفيد كما يلي:</h2><p>- ترد لجنة البحث على الطلب خلال مدة لا تقل عن أسبوعين.</p>
      <h2>اعتماد مجلس الإدارة</h2>
      <p>تم اعتماد السياسة في اجتماع مجلس الإدارة الثاني بقرار رقم 12 بتاريخ 2024/03/10م</p>
      </body></html>"""
    return HTML(string=html, url_fetcher=_url_fetcher()).write_pdf()


def test_pdf_file_is_read_through_its_text_layer():
    parsed = parse_file(_pdf_bytes(), "policy.pdf")
    assert "general_goal" in _kinds(parsed)
    assert parsed.channels == ["interview", "phone", "website", "volunteering"]
    assert parsed.decision_window_days == 14
    approval = parsed.as_json()["board_approval"]
    assert approval["meeting"] == 2
    assert approval["date_gregorian"] == "2024-03-10"
    assert approval["date_hijri"] == "1445-08-29"


def test_unreadable_files_are_refused():
    with pytest.raises(PolicyReadError):
        parse_file(b"PK\x03\x04 not really a zip", "broken.docx")
    with pytest.raises(PolicyReadError):
        parse_file(b"%PDF-1.4 broken", "broken.pdf")
    with pytest.raises(PolicyReadError):
        parse_file(b"\x00\x01", "image.png")


# --- the command ------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_import_policy_json_prints_the_contract_and_saves_nothing(tmp_path):
    path = tmp_path / "policy.txt"
    path.write_text(VARIANT_TXT, encoding="utf-8")
    out = io.StringIO()
    call_command("import_policy", str(path), "--json", stdout=out)
    data = json.loads(out.getvalue())
    assert set(data) == {
        "association",
        "title",
        "sections",
        "channels",
        "tools",
        "decision_window_days",
        "board_approval",
        "procedure",
        "warnings",
        "letterhead",
    }
    assert data["procedure"]["individual_decider"] in ("committee", "manager", "competent_body")
    assert set(data["board_approval"]) == {
        "meeting",
        "decision_number",
        "session",
        "quarter",
        "date_gregorian",
        "date_hijri",
        "signatory",
        "signatory_title",
    }
    assert all(set(w) == {"line", "text", "message"} for w in data["warnings"])
    assert all(set(s) == {"kind", "heading", "items"} for s in data["sections"])
    assert data["decision_window_days"] == 10
    assert not PolicyVersion.objects.exists()


@pytest.mark.django_db
def test_import_policy_creates_a_draft_with_its_audit_row(manager):
    out = io.StringIO()
    call_command("import_policy", str(DEMO), "--user", manager.username, stdout=out)
    version = PolicyVersion.objects.get()
    assert version.status == PolicyVersion.Status.DRAFT
    assert version.channels == ALL_CHANNELS
    assert version.decision_window_days == 14
    assert version.board_meeting == 3
    assert version.decision_number == "3/12"
    assert str(version.approval_date) == "2024-09-08"
    assert version.signatory_name == "أ. عبدالرحمن بن سالم القحطاني"
    assert version.sections.count() == 9  # two practices sections: services, then programs and volunteering
    assert version.sections.filter(kind="practices").order_by("order").first().items[0].startswith("إشاعة")
    event = PolicyEvent.objects.get(version=version)
    assert (event.action, event.actor) == (PolicyEvent.Action.IMPORTED, manager)


def test_several_channels_in_one_line_and_an_item_that_looks_like_a_heading():
    parsed = parse_policy(
        [
            "قنوات التواصل:",
            "- المقابلة، الاتصال الهاتفي، البريد.",
            "- قنوات التواصل الاجتماعي",
            "- مندوبو الجمعية",
            "الأدوات:",
            "- نموذج الطلب",
        ]
    )
    assert [s.kind for s in parsed.sections] == ["channels", "tools"]
    assert parsed.channels == ["interview", "phone", "letter", "social_media", "representative"]


def _seed_as_docx(text: str) -> bytes:
    import docx

    document = docx.Document()
    for line in text.splitlines():
        document.add_paragraph(line)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _seed_as_pdf(text: str) -> bytes:
    from django.utils.html import escape
    from weasyprint import HTML

    from association.kernel.pdf import STATIC_PREFIX, _url_fetcher
    from association.kernel.pdf_text import repair_text_layer

    body = "".join(f"<p>{escape(line) or '&nbsp;'}</p>" for line in text.splitlines())
    html = f"""<html lang="ar" dir="rtl"><head><style>
      @font-face {{ font-family: "Amiri"; src: url("{STATIC_PREFIX}fonts/amiri/Amiri-Regular.ttf"); }}
      body {{ font-family: "Amiri"; direction: rtl; }} p {{ margin: 0; }}</style></head><body>{body}</body></html>"""
    return repair_text_layer(HTML(string=html, url_fetcher=_url_fetcher()).write_pdf())


@pytest.mark.parametrize(("builder", "name"), [(_seed_as_docx, "policy.docx"), (_seed_as_pdf, "policy.pdf")])
def test_the_second_example_reads_the_same_from_docx_and_pdf(builder, name):
    parsed = parse_file(builder(_seed("003").read_text(encoding="utf-8")), name)
    assert parsed.channels == ALL_CHANNELS
    assert parsed.tools == SEED_TOOLS
    assert parsed.decision_window_days == 14
    approval = parsed.as_json()["board_approval"]
    assert approval["meeting"] == 2
    assert approval["date_gregorian"] == "2021-01-26"


@pytest.mark.parametrize("number", [1, 2, 9, 10, 11, 12, 19, 20, 21, 25, 40])
def test_ordinal_words_read_back_as_their_number(number):
    from association.policy.models import arabic_ordinal

    assert _ordinal(arabic_ordinal(number)) == number
