"""Demo requests in every status of the lifecycle, walked through the real services on the days they
happened (``demo_clock``): opened, documents handed in and verified, the declaration signed, submitted,
researched, voted on, decided after the committee's window, registered, delivered, closed — each step
after the one before, so the demo reads like a real association's file.

Idempotent: each scenario is found again by its beneficiary and description, and skipped.
"""

import base64
import datetime as dt
import struct
import zlib

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from association.channels import Channel
from association.policy.procedure import procedure_in_force
from beneficiaries import services as beneficiary_services
from beneficiaries.models import Beneficiary
from beneficiaries.selectors import beneficiaries_with_national_id

from . import services
from .models import EligibilityRule, EligibilityRuleSet, ServiceType, SupportRequest

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

SERVICE_TYPES = [
    ("financial_aid", "مساعدة مالية", ["national_id", "family_card", "income_proof", "bank_letter"]),
    ("food_basket", "سلة غذائية", ["national_id", "family_card"]),
    ("rent_support", "دعم إيجار السكن", ["national_id", "family_card", "income_proof", "lease"]),
    ("medical_support", "دعم علاجي", ["national_id", "medical_report"]),
]


def seed_catalogue(*, users: dict, stdout, state: dict) -> None:
    """The services the demo association offers, each with the documents it requires."""
    from beneficiaries.models import DocumentType

    for code, name, docs in SERVICE_TYPES:
        service, created = ServiceType.objects.get_or_create(code=code, defaults={"name": name})
        if created:
            service.required_documents.set(DocumentType.objects.filter(code__in=docs))


def seed_intake_drafts(*, users: dict, stdout, state: dict) -> None:
    """Every fourth person registered in this run came back yesterday to ask for a food basket: the draft
    waits for the documents."""
    from association.demo import demo_clock, demo_day

    if not procedure_in_force().individual_requests:
        return
    channels = list(Channel.objects.filter(is_active=True))
    for i, beneficiary in state.get("registered", []):
        if i % 4 == 0:
            with demo_clock(demo_day(1, 9 + i // 4)):
                services.support_request_create_draft(
                    beneficiary=beneficiary,
                    service_type=ServiceType.objects.get(code="food_basket"),
                    channel=channels[i % len(channels)],
                    description="طلب سلة غذائية شهرية للأسرة.",
                    actor=users["officer"],
                )


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
                beneficiary=support_request.beneficiary,
                document_type=document_type,
                uploaded_file=pdf,
                actor=officer,
                issued_on=timezone.localdate(),  # issued the day it is handed in: valid at submission
            )
        beneficiary_services.document_verify(document=document, actor=officer)


def _timeline(final, days) -> tuple[dt.datetime, dt.datetime | None]:
    """When the request was opened and submitted: ``days`` since submission, or for one never submitted,
    opened a few days ago."""
    now = timezone.now()
    if days is None:
        opened_days_ago = {S.DRAFT: 2, S.INCOMPLETE: 6, S.WITHDRAWN: 10}[final]
        return now - dt.timedelta(days=opened_days_ago, hours=3), None
    submitted = now - dt.timedelta(days=days, hours=2)
    return submitted - dt.timedelta(days=1), submitted


def _explain_and_sign(sr, index, users, *, at) -> None:
    """Step 3 where the policy names it (every other applicant needed the researcher to explain the procedure),
    then the declaration."""
    from association.demo import demo_clock

    officer = users["officer"]
    with demo_clock(at - dt.timedelta(minutes=20)):
        if services.explanation_required():
            services.procedure_explanation_record(
                support_request=sr,
                actor=officer,
                explanation="referred" if index % 2 else "clear",
                researcher=users["researcher"] if index % 2 else None,
                note="شرح مراحل الطلب ومن يبت فيه ومتى" if index % 2 else "",
            )
    with demo_clock(at):
        services.declaration_sign(support_request=sr, actor=officer, signature_data=_png())


def _votes(sr, members, final, submitted) -> dt.datetime:
    """The committee's votes, where a committee decides; when the request is ready for the decision."""
    from association.demo import demo_clock

    day = dt.timedelta(days=1)
    ready = submitted + 4 * day + dt.timedelta(hours=1)  # sent on by then, by research or straight away
    if sr.uses_committee:
        vote = "reject" if final == S.REJECTED else "approve"
        for order, member in enumerate(members):
            ready = submitted + 5 * day - dt.timedelta(hours=1) + order * dt.timedelta(minutes=20)
            with demo_clock(ready):
                services.committee_vote(support_request=sr, actor=member, vote=vote, note="")
    return ready


def _scenario(index, code, final, days, description, users) -> SupportRequest | None:
    from association.demo import demo_clock, demo_national_id

    beneficiary = beneficiaries_with_national_id(
        Beneficiary.objects.all(), demo_national_id(index, resident=(index % 6 == 5))
    ).first()
    if beneficiary is None or SupportRequest.objects.filter(beneficiary=beneficiary, description=description).exists():
        return None
    officer, chair, researcher = users["officer"], users["chair"], users["researcher"]
    members = [users["member1"], users["member2"], users["member3"]]
    channels = list(Channel.objects.filter(is_active=True).order_by("order", "pk"))  # those the policy names
    channel = channels[index % len(channels)]
    opened, submitted = _timeline(final, days)
    day = dt.timedelta(days=1)

    with demo_clock(opened):
        sr = services.support_request_create_draft(
            beneficiary=beneficiary,
            service_type=ServiceType.objects.get(code=code),
            channel=channel,
            description=description,
            actor=officer,
        )
    if final == S.DRAFT:
        return sr
    # The documents come an hour later (the applicant fetched them from home).
    with demo_clock(opened + dt.timedelta(hours=1)):
        _supply_documents(sr, officer, leave_one_missing=final == S.INCOMPLETE)
    if final == S.INCOMPLETE:
        with demo_clock(opened + day):
            return services.support_request_return_incomplete(
                support_request=sr, actor=officer, note="إحضار أصل الهوية للمطابقة"
            )
    _explain_and_sign(sr, index, users, at=(submitted or opened + dt.timedelta(hours=2)) - dt.timedelta(minutes=30))
    if final == S.WITHDRAWN:
        with demo_clock(timezone.now() - 3 * day):
            return services.support_request_withdraw(support_request=sr, actor=officer, reason="حصل المستفيد على عمل")
    with demo_clock(submitted):
        sr = services.support_request_submit(support_request=sr, actor=officer)
    if final == S.SUBMITTED:
        return sr
    if final == S.IN_RESEARCH or index == 7:
        with demo_clock(submitted + day):
            study = services.research_refer(
                support_request=sr,
                actor=officer,
                researcher=researcher,
                reason="الحالة تحتاج زيارة ميدانية للتحقق من الدخل والسكن",
            )
        with demo_clock(submitted + 3 * day):
            study = services.study_record(
                study=study,
                actor=researcher,
                data={
                    "visit_date": timezone.localdate(),
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
        with demo_clock(submitted + 4 * day):
            services.study_recommend(
                study=study,
                actor=researcher,
                recommendation="approve",
                reasons="الدخل للفرد دون الحد والسكن بالإيجار",
            )
    else:
        with demo_clock(submitted + day):
            services.support_request_send_to_committee(support_request=sr, actor=officer)
    ready = _votes(sr, members, final, submitted)
    if final == S.AWAITING_COMMITTEE:
        return sr
    # Who decides (the chair; the manager where the policy names no committee) does so on the first morning the
    # policy's window allows — or, with no window, the morning after the request is ready.
    decided = max(services.decidable_from(sr), ready) + dt.timedelta(hours=10)
    outcome = S.REJECTED if final == S.REJECTED else S.APPROVED
    with demo_clock(decided):
        services.committee_decide(
            support_request=sr,
            actor=chair if sr.uses_committee else users["manager"],
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
    with demo_clock(decided + day):
        services.support_request_register(support_request=sr, actor=officer)
    if final == S.REGISTERED:
        return sr
    with demo_clock(decided + 3 * day):
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
        with demo_clock(decided + 5 * day):
            services.support_request_close(support_request=sr, actor=officer, reason="اكتمل تقديم الخدمة")
    return sr


@transaction.atomic
def seed(*, users: dict, stdout, state: dict) -> None:
    _rule_sets()
    if not procedure_in_force().individual_requests:
        stdout.write("Support requests: none — the policy in force runs no individual support requests.")
        return
    created = [sr for scenario in SCENARIOS if (sr := _scenario(*scenario, users)) is not None]
    # Today's sweep: the chairs hear of requests that became decidable, the managers of overdue ones.
    services.reminders_sweep()
    stdout.write(f"Support requests: {len(created)} new demo requests across the lifecycle.")
