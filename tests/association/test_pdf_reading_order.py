"""Every printed document draws its numbers, references, dates, amounts and IBANs in reading order and keeps
each on one line — read back from the PDF with the position of every word (``pdftotext -bbox``).

A line is rebuilt left to right from the words' positions, without spaces. Arabic words come out of the
text layer in drawing order (``صفحة`` as ``ةحفص``), so the checks look at what is drawn:

- the request number «1448-000001» is drawn year first, left to right, wherever it appears (the letterhead
  box used to draw «000001-1448»);
- every Hijri date has its «هـ» right beside it on its own line (drawn to its left, as it is read after it),
  every Gregorian date its «م»;
- an IBAN is printed in groups of four, in order, on one line;
- an amount reads «1,500.00» with «ريال» after it (never «1500,00»);
- the page counter reads «صفحة 1 من 4» on the first of four pages (it used to read «4 / 1»);
- the same with Arabic-Indic digits, when the association prints them.
"""

import datetime as dt
import html
import re
import subprocess
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import pytest
import time_machine

from association.kernel.pdf import document_kinds
from association.kernel.roles import Role
from association.kernel.text import to_arabic_digits
from association.models import AssociationProfile, BankAccount
from requests_app import services
from tests.association.factories import ApprovedPolicyVersionFactory
from tests.requests_app.factories import awaiting_committee, cast_votes

pytestmark = pytest.mark.django_db

RIYADH = ZoneInfo("Asia/Riyadh")
IBANS = ["SA0380000000608010167519", "SA4420000001234567891234"]
_WORD = re.compile(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*?)</word>')
DIGIT = "[0-9\u0660-\u0669]"


@dataclass
class Word:
    page: int
    x: float
    y: float
    text: str


def pdf_words(data: bytes) -> list[Word]:
    out = subprocess.run(["pdftotext", "-bbox", "-", "-"], input=data, capture_output=True, check=True).stdout
    words = []
    for number, page in enumerate(out.decode().split("<page ")[1:], start=1):
        for match in _WORD.finditer(page):
            x0, y0, _x1, y1, text = match.groups()
            words.append(Word(number, float(x0), (float(y0) + float(y1)) / 2, html.unescape(text)))
    return words


def pdf_lines(data: bytes) -> list[tuple[int, str]]:
    """(page, the line as drawn left to right without spaces), top to bottom."""
    lines: list[list[Word]] = []
    for word in sorted(pdf_words(data), key=lambda w: (w.page, w.y)):
        if lines and lines[-1][0].page == word.page and abs(lines[-1][0].y - word.y) < 3:
            lines[-1].append(word)
        else:
            lines.append([word])
    return [(line[0].page, "".join(w.text for w in sorted(line, key=lambda w: w.x))) for line in lines]


def lines_with_words(data: bytes) -> list[list[str]]:
    """Each line's words, left to right."""
    lines: list[list[Word]] = []
    for word in sorted(pdf_words(data), key=lambda w: (w.page, w.y)):
        if lines and lines[-1][0].page == word.page and abs(lines[-1][0].y - word.y) < 3:
            lines[-1].append(word)
        else:
            lines.append([word])
    return [[w.text for w in sorted(line, key=lambda w: w.x)] for line in lines]


@pytest.fixture(params=["western", "arabic_indic"])
def digits(request):
    AssociationProfile.objects.update_or_create(
        pk=1,
        defaults={
            "name": "جمعية البر بالاختبار",
            "phone": "0114000000",
            "email": "info2@example.org",
            "website": "https://example.org",
            "license_number": "1234",
            "document_digits": request.param,
        },
    )
    profile = AssociationProfile.objects.get(pk=1)
    for order, (iban, purpose) in enumerate(zip(IBANS, ["الزكاة", "التبرعات العامة"], strict=True)):
        BankAccount.objects.create(profile=profile, iban=iban, bank_name="مصرف الاختبار", purpose=purpose, order=order)
    return request.param


def _d(text: str, style: str) -> str:
    return to_arabic_digits(text) if style == "arabic_indic" else text


@pytest.fixture
def decided(officer, chair, make_user):
    with time_machine.travel(dt.datetime(2026, 11, 1, 10, 0, tzinfo=RIYADH), tick=False):
        support_request = awaiting_committee(officer)
    cast_votes(support_request, [make_user(Role.COMMITTEE_MEMBER), chair])
    with time_machine.travel(dt.datetime(2026, 11, 16, 10, 0, tzinfo=RIYADH), tick=False):
        services.committee_decide(
            support_request=support_request,
            actor=chair,
            outcome="approved",
            reasons="الأسرة مستحقة وفق البحث المؤرخ 1448-05-20 هـ",
            grant={"grant_kind": "cash", "grant_amount": 1500, "grant_period_months": 3},
        )
    support_request.refresh_from_db()
    return support_request


def _render(kind: str, pk: int) -> bytes:
    return document_kinds()[kind](pk)[0]


def _date_problems(lines) -> list[str]:
    year = DIGIT + "{4}"
    problems = []
    for page, line in lines:
        hijri = re.findall(f"(?<!{DIGIT})[1\u0661][4\u0664]{DIGIT}{{2}}-{DIGIT}{{2}}-{DIGIT}{{2}}", line)
        gregorian = re.findall(f"(?<!{DIGIT})[2\u0662][0\u0660]{DIGIT}{{2}}-{DIGIT}{{2}}-{DIGIT}{{2}}", line)
        if len(re.findall(f"ـ?ه(?=[1\u0661][4\u0664]{DIGIT}{{2}}-)", line)) != len(hijri):
            problems.append(f"page {page}: a Hijri date without its هـ beside it: {line}")
        if len(re.findall(f"م(?=[2\u0662][0\u0660]{DIGIT}{{2}}-)", line)) != len(gregorian):
            problems.append(f"page {page}: a Gregorian date without its م beside it: {line}")
        if re.search(f"{DIGIT}{{2}}-{DIGIT}{{2}}-{year}", line):
            problems.append(f"page {page}: a date drawn day first: {line}")
    if not any(re.search(f"{year}-{DIGIT}{{2}}-{DIGIT}{{2}}", line) for _page, line in lines):
        problems.append("no date printed")
    return problems


def _number_problems(lines, number, style) -> list[str]:
    number = _d(number, style)
    year, serial = number.split("-")
    with_serial = [line for _page, line in lines if re.search(f"(?<!{DIGIT}){serial}(?!{DIGIT})", line)]
    if not with_serial:
        return ["the request number is not printed"]
    return [f"the request number drawn out of order: {line}" for line in with_serial if number not in line]


def _iban_problems(data) -> list[str]:
    lines = lines_with_words(data)
    problems = []
    for iban in IBANS:
        groups = [iban[i : i + 4] for i in range(0, len(iban), 4)]
        if not any(words[i : i + len(groups)] == groups for words in lines for i in range(len(words))):
            problems.append(f"{iban} is not printed in order in groups of four on one line")
    return problems


def _counter_problems(lines, style) -> list[str]:
    pages = max(page for page, _line in lines)
    problems = []
    for number in range(1, pages + 1):
        expected = _d(f"{pages}نم{number}ةحفص", style)  # «صفحة 1 من 4» as drawn
        if not any(expected in line for page, line in lines if page == number):
            problems.append(f"page {number} of {pages}: no «صفحة {number} من {pages}»")
    return problems


@pytest.mark.parametrize("kind", ["acknowledgment", "declaration", "decision", "minutes"])
def test_request_documents_read_in_order(kind, decided, digits):
    data = _render(kind, decided.pk)
    lines = pdf_lines(data)
    problems = _number_problems(lines, decided.number, digits) + _date_problems(lines)
    problems += _iban_problems(data) + _counter_problems(lines, digits)
    # The masked ID reads as it is masked: the dots, then the last four digits.
    if kind in ("acknowledgment", "declaration"):
        masked = _d(decided.beneficiary.national_id_masked, digits)
        if digits == "arabic_indic":
            masked = masked.replace("•", "*")  # a bullet beside ٠ would read as another zero
        if not any(masked in line for _page, line in lines):
            problems.append(f"the masked ID is not drawn as {masked}")
    assert not problems, "\n".join(problems)


def test_the_decision_letter_prints_the_amount_with_a_decimal_point(decided, digits):
    lines = pdf_lines(_render("decision", decided.pk))
    amount = "١٬٥٠٠٫٠٠" if digits == "arabic_indic" else "1,500.00"
    # «1,500.00 ريال»: the currency after the amount, drawn to its left; nowhere «1500,00».
    assert sum(f"لاير{amount}" in line for _page, line in lines) >= 2  # the sentence and the table
    assert not any(re.search(f"1500{DIGIT}*,|١٥٠٠٫|1500,00", line) for _page, line in lines)
    # The request number in the decision sentence, and the date the reasons cite, in order as well.
    assert any(re.search("ـ?ه" + _d("1448-05-20", digits), line) for _page, line in lines)


def test_policy_reads_in_order_with_its_page_counter(digits):
    paragraph = "اعتمد مجلس الإدارة هذه السياسة بتاريخ 1446-03-05 هـ الموافق 2024-09-08 م. " * 6
    sections = [
        ("preamble", "تمهيد", []),
        ("channels", "القنوات", [f"القناة رقم {n} المعتمدة للتواصل مع المستفيدين" for n in range(1, 40)]),
        ("procedure", "الإجراءات", ["الرد خلال مدة لا تقل عن أسبوعين"]),
    ]
    version = ApprovedPolicyVersionFactory(sections=sections, decision_number="3/12", approval_date=dt.date(2024, 9, 8))
    first = version.sections.get(kind="preamble")
    first.paragraphs = [paragraph]
    first.save()
    data = _render("policy", version.pk)
    lines = pdf_lines(data)
    assert max(page for page, _line in lines) >= 3
    problems = _counter_problems(lines, digits) + _date_problems(lines) + _iban_problems(data)
    if not any(_d("3/12", digits) in line for _page, line in lines):
        problems.append("the board's decision number is not drawn as 3/12")
    assert not problems, "\n".join(problems)
