"""Demo requests in every status of the lifecycle, walked through the real services.

Idempotent: each scenario is found again by its beneficiary and description, and skipped. A scenario
that needs an older submission (so the committee may decide today) is submitted through the service and
then has its submission moved back in time — the only thing here no service does, because demo history
cannot wait fourteen days.
"""

import base64
import datetime as dt
import struct
import zlib

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from beneficiaries import services as beneficiary_services
from beneficiaries.models import Beneficiary
from channels_log.models import Channel

from . import services
from .models import EligibilityRule, EligibilityRuleSet, ServiceType, StatusChange, SupportRequest

S = SupportRequest.Status
C = EligibilityRule.Criterion

RULES = [
    (C.INCOME_PER_PERSON_AT_MOST, 1000, 40),
    (C.HOUSEHOLD_SIZE_AT_LEAST, 5, 15),
    (C.EXPENSES_RATIO_AT_LEAST, 80, 15),
    (C.HOUSING_RENTED, 0, 15),
    (C.HEALTH_CONDITION, 0, 15),
]

# (beneficiary index in the demo registry, service code, final status, days since submission, description)
SCENARIOS = [
    (1, "financial_aid", S.DRAFT, None, "طلب مساعدة مالية لسداد فواتير الكهرباء المتأخرة."),
    (2, "rent_support", S.INCOMPLETE, None, "طلب دعم إيجار السكن؛ العقد ينتهي الشهر القادم."),
    (3, "food_basket", S.SUBMITTED, 0, "طلب سلة غذائية شهرية لأسرة من ستة أفراد."),
    (5, "medical_support", S.IN_RESEARCH, 33, "طلب دعم علاجي لجلسات غسيل الكلى."),
    (6, "food_basket", S.AWAITING_COMMITTEE, 5, "طلب سلة غذائية بعد انقطاع دخل رب الأسرة."),
    (7, "financial_aid", S.AWAITING_COMMITTEE, 16, "طلب مساعدة مالية لأسرة أرملة مع أربعة أبناء."),
    (9, "food_basket", S.APPROVED, 20, "طلب سلة غذائية لأسرة كبيرة العدد."),
    (10, "financial_aid", S.REJECTED, 21, "طلب مساعدة مالية لشراء سيارة خاصة."),
    (11, "food_basket", S.REGISTERED, 25, "طلب سلة غذائية رمضانية."),
    (13, "medical_support", S.SERVICE_DELIVERED, 28, "طلب دعم علاجي لشراء جهاز قياس السكر."),
    (14, "food_basket", S.CLOSED, 40, "طلب سلة غذائية لأسرة مسنّة."),
    (15, "food_basket", S.WITHDRAWN, None, "طلب سلة غذائية سحبه المستفيد بعد حصوله على عمل."),
]

AFTER_COMMITTEE = (S.APPROVED, S.REJECTED, S.REGISTERED, S.SERVICE_DELIVERED, S.CLOSED)


def _png() -> str:
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    width, height = 60, 20
    rows = b"".join(b"\x00" + bytes(255 if (x + y) % 7 else 0 for x in range(width)) for y in range(height))
    png = (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )
    return "data:image/png;base64," + base64.b64encode(png).decode()


def _rule_sets() -> None:
    for service_type in ServiceType.objects.all():
        rule_set, created = EligibilityRuleSet.objects.get_or_create(service_type=service_type, version=1)
        if created:
            for criterion, threshold, points in RULES:
                EligibilityRule.objects.create(
                    rule_set=rule_set, criterion=criterion, threshold=threshold, points=points
                )


def _supply_documents(support_request, officer, *, leave_one_missing=False) -> None:
    required = list(support_request.service_type.required_documents.all())
    if leave_one_missing:
        required = required[:-1]
    for document_type in required:
        document = support_request.beneficiary.documents.filter(document_type=document_type).first()
        if document is None:
            pdf = ContentFile(
                b"%PDF-1.4\n% demo document\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n", name="demo.pdf"
            )
            document = beneficiary_services.document_add(
                beneficiary=support_request.beneficiary, document_type=document_type, uploaded_file=pdf, actor=officer
            )
        beneficiary_services.document_verify(document=document, actor=officer)


def _move_back(support_request, days: int) -> None:
    """Demo only: the submission (and the steps so far) happened ``days`` ago."""
    if not days:
        return
    delta = dt.timedelta(days=days)
    SupportRequest.objects.filter(pk=support_request.pk).update(submitted_at=support_request.submitted_at - delta)
    for change in StatusChange.objects.filter(support_request=support_request):
        StatusChange.objects.filter(pk=change.pk).update(at=change.at - delta)
    support_request.refresh_from_db()


def _scenario(index, code, final, days, description, users) -> SupportRequest | None:
    from association.management.commands.seed_demo import demo_national_id

    beneficiary = Beneficiary.objects.filter(national_id=demo_national_id(index, resident=(index % 6 == 5))).first()
    if beneficiary is None or SupportRequest.objects.filter(beneficiary=beneficiary, description=description).exists():
        return None
    officer, chair = users["officer"], users["chair"]
    members = [users["member1"], users["member2"], users["member3"]]
    channel = Channel.objects.filter(is_active=True).order_by("order", "pk")[index % 8]
    sr = services.support_request_create_draft(
        beneficiary=beneficiary,
        service_type=ServiceType.objects.get(code=code),
        channel=channel,
        description=description,
        actor=officer,
    )
    if final == S.DRAFT:
        return sr
    if final == S.INCOMPLETE:
        _supply_documents(sr, officer, leave_one_missing=True)
        return services.support_request_return_incomplete(
            support_request=sr, actor=officer, note="إحضار أصل الهوية للمطابقة"
        )
    _supply_documents(sr, officer)
    services.declaration_sign(support_request=sr, actor=officer, signature_data=_png())
    if final == S.WITHDRAWN:
        return services.support_request_withdraw(support_request=sr, actor=officer, reason="حصل المستفيد على عمل")
    sr = services.support_request_submit(support_request=sr, actor=officer)
    _move_back(sr, days)
    if final == S.SUBMITTED:
        return sr
    if final == S.IN_RESEARCH or index == 7:
        study = services.research_refer(
            support_request=sr,
            actor=officer,
            researcher=users["researcher"],
            reason="الحالة تحتاج زيارة ميدانية للتحقق من الدخل والسكن",
        )
        study = services.study_record(
            study=study,
            actor=users["researcher"],
            data={
                "visit_date": timezone.localdate() - dt.timedelta(days=max((days or 1) - 2, 0)),
                "income_sources": "ضمان اجتماعي",
                "monthly_income": 3200,
                "monthly_expenses": 3000,
                "housing": "rented",
                "household_size": 5,
                "household_notes": "أم وأربعة أبناء في مدارس",
            },
        )
        if final == S.IN_RESEARCH:
            return sr
        services.study_recommend(
            study=study,
            actor=users["researcher"],
            recommendation="approve",
            reasons="الدخل للفرد دون الحد والسكن بالإيجار",
        )
    else:
        services.support_request_send_to_committee(support_request=sr, actor=officer)
    vote = "reject" if final == S.REJECTED else "approve"
    for member in members:
        services.committee_vote(support_request=sr, actor=member, vote=vote, note="")
    if final == S.AWAITING_COMMITTEE:
        return sr
    outcome = S.REJECTED if final == S.REJECTED else S.APPROVED
    services.committee_decide(
        support_request=sr,
        actor=chair,
        outcome=outcome,
        reasons="لا تنطبق شروط الخدمة على الطلب" if outcome == S.REJECTED else "الأسرة مستحقة وفق نتيجة البحث",
        grant=None
        if outcome == S.REJECTED
        else {
            "grant_kind": "in_kind" if code == "food_basket" else "cash",
            "grant_amount": None if code == "food_basket" else 1500,
            "grant_items": "سلة غذائية شهرية" if code == "food_basket" else "",
            "grant_period_months": 3,
        },
    )
    if final in (S.APPROVED, S.REJECTED):
        return sr
    services.support_request_register(support_request=sr, actor=officer)
    if final == S.REGISTERED:
        return sr
    services.delivery_record(
        support_request=sr,
        actor=officer,
        delivered_on=timezone.localdate(),
        what="الدفعة الأولى",
        quantity=1,
        amount=None,
        receipt_confirmed=final == S.CLOSED,
        receipt_note="وقّع المستفيد على الاستلام" if final == S.CLOSED else "",
    )
    if final == S.CLOSED:
        services.support_request_close(support_request=sr, actor=officer, reason="اكتمل تقديم الخدمة")
    return sr


@transaction.atomic
def seed(*, users: dict, stdout) -> None:
    _rule_sets()
    created = [sr for scenario in SCENARIOS if (sr := _scenario(*scenario, users)) is not None]
    stdout.write(f"Support requests: {len(created)} new demo requests across the lifecycle.")
