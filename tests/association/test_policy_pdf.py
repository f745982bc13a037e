"""The policy PDF: cover, contents with page numbers, numbered sections, approval block, digits, text layer."""

import datetime as dt
import io

import pytest
from django.core.management import call_command
from pypdf import PdfReader

from association.kernel.pdf import document_kinds
from association.models import AssociationProfile

from .factories import ApprovedPolicyVersionFactory

pytestmark = pytest.mark.django_db

SECTIONS = [
    ("preamble", "تمهيد", []),
    ("general_goal", "الهدف العام", ["تقديم رعاية كريمة للمستفيد"]),
    ("channels", "القنوات المستخدمة للتواصل مع المستفيدين", ["المقابلة", "الاتصالات الهاتفية", "الموقع الإلكتروني"]),
    ("procedure", "ويتم التعامل مع المستفيد بالشكل التالي", ["الرد على الطلب خلال مدة لا تقل عن أسبوعين"]),
]


def _pages(data: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(data)).pages]


def _version():
    return ApprovedPolicyVersionFactory(
        title="سياسة تنظيم العلاقة مع المستفيدين",
        sections=SECTIONS,
        board_meeting=4,
        decision_number="77",
        approval_date=dt.date(2023, 8, 26),
        signatory_name="أ. سعد بن علي",
    )


def test_render_document_policy_writes_a_pdf(tmp_path):
    version = _version()
    out = tmp_path / "policy.pdf"
    call_command("render_document", "policy", str(version.pk), "-o", str(out), stdout=io.StringIO())
    assert out.read_bytes().startswith(b"%PDF")


def test_pdf_has_cover_contents_with_page_numbers_sections_and_approval():
    AssociationProfile.objects.create(name="جمعية الاختبار", document_digits=AssociationProfile.Digits.WESTERN)
    version = _version()
    data, filename = document_kinds()["policy"](version.pk)
    assert filename == f"policy-v{version.number}.pdf"
    pages = _pages(data)
    assert len(pages) >= 3
    # Cover: the title and the association.
    assert "سياسة تنظيم العلاقة مع المستفيدين" in pages[0]
    assert "جمعية الاختبار" in pages[0]
    # Contents: every heading, each with the page it starts on (sections start on page 3 here).
    contents = pages[1]
    for _kind, heading, _items in SECTIONS:
        assert heading in contents
    assert "3" in contents
    body = "\n".join(pages[2:])
    for _kind, heading, items in SECTIONS:
        assert heading in body
        for item in items:
            assert item in body
    # The approval block: meeting, decision number, signatory, date in both calendars.
    assert "أ. سعد بن علي" in body
    assert "77" in body
    assert "2023-08-26" in body
    assert "1445-02-10" in body


def test_pdf_uses_arabic_indic_digits_when_the_association_asks():
    AssociationProfile.objects.create(name="جمعية الاختبار", document_digits=AssociationProfile.Digits.ARABIC_INDIC)
    version = _version()
    data, _name = document_kinds()["policy"](version.pk)
    text = "\n".join(_pages(data))
    # Digit runs of right-to-left text may come out of the text layer reversed: look for either.
    assert "٢٠٢٣" in text or "٣٢٠٢" in text
    assert "2023" not in text
    assert "77" not in text


def test_text_layer_keeps_letters_amiri_draws_with_connectors():
    """خ before ي is drawn as two glyphs; without the repair every later خ vanished (الخضراء → الضراء)."""
    sections = [
        ("preamble", "تمهيد", ["جمعية الخير الخيرية", "الجير والحير"]),
        ("channels", "القنوات", ["الخطابات", "الموقع الإلكتروني", "الخضراء والخدمات"]),
    ]
    version = ApprovedPolicyVersionFactory(sections=sections)
    data, _name = document_kinds()["policy"](version.pk)
    body = "\n".join(_pages(data)[2:])
    for _kind, _heading, items in sections:
        for item in items:
            assert item in body


def test_a_printed_policy_imports_back():
    from association.policy.importing import parse_file

    sections = [
        ("preamble", "تمهيد", []),
        (
            "channels",
            "القنوات المستخدمة للتواصل مع المستفيدين",
            [
                "المقابلة",
                "الاتصالات الهاتفية",
                "وسائل التواصل الاجتماعي",
                "الخطابات",
                "خدمات طلب المساعدة",
                "خدمة التطوع",
                "الموقع الإلكتروني للجمعية",
                "مناديب الجمعية",
            ],
        ),
        ("tools", "الأدوات المتاحة لموظف علاقات المستفيدين", ["نماذج الاستقبال", "سجل الشكاوى"]),
        (
            "procedure",
            "ويتم التعامل مع المستفيد بالشكل التالي",
            [
                "استقبال المستفيد",
                "يرد على الطلب بالقبول أو الرفض خلال مدة لا تقل عن ثلاثة أسابيع",
            ],
        ),
    ]
    version = ApprovedPolicyVersionFactory(sections=sections)
    data, _name = document_kinds()["policy"](version.pk)
    parsed = parse_file(data, "policy.pdf")
    assert [s.kind for s in parsed.sections][:4] == ["preamble", "channels", "tools", "procedure"]
    assert parsed.channels == [
        "interview",
        "phone",
        "social_media",
        "letter",
        "help_request",
        "volunteering",
        "website",
        "representative",
    ]
    assert parsed.tools == ["نماذج الاستقبال", "سجل الشكاوى"]
    assert parsed.decision_window_days == 21


def test_contents_and_page_numbers_follow_the_digit_setting():
    AssociationProfile.objects.create(name="جمعية الاختبار", document_digits=AssociationProfile.Digits.ARABIC_INDIC)
    version = _version()
    data, _name = document_kinds()["policy"](version.pk)
    pages = _pages(data)
    # The contents page lists the page each section starts on, in Arabic-Indic digits: ٣.
    assert "٣" in pages[1]
    assert not any(ch in pages[1] for ch in "0123456789")
