"""Demo data for cases: a few cases from registered beneficiaries, handled on the days they came in (one
answered and closed, one answered, one that nobody answered and that was escalated to the manager).

Idempotent: each case is found again by its beneficiary and subject."""

import datetime as dt

from association.demo import demo_clock, demo_day, demo_national_id
from beneficiaries.models import Beneficiary
from beneficiaries.selectors import beneficiaries_with_national_id

# (registry index, kind, channel, subject, body, days ago received, what became of it)
DEMO_CASES = [
    (
        21,
        "complaint",
        "interview",
        "تأخر صرف المساعدة",
        "راجعت الجمعية ثلاث مرات ولم أعرف سبب تأخر صرف المساعدة الموعودة.",
        9,
        "closed",
    ),
    (
        22,
        "inquiry",
        "social_media",
        "مواعيد توزيع السلال الغذائية",
        "متى يبدأ توزيع السلال الغذائية لهذا الشهر؟ وهل يلزم الحضور شخصيًا؟",
        3,
        "answered",
    ),
    (
        23,
        "complaint",
        "phone",
        "لم يرد أحد على اتصالاتي",
        "اتصلت بالجمعية عدة مرات خلال الأسبوع الماضي ولم يرد أحد، وأحتاج إلى متابعة طلبي.",
        6,
        "escalated",
    ),
]


def _channel(Channel, code: str):
    """The demo's channel if the policy in force uses it, else the first channel it does use."""
    active = Channel.objects.filter(is_active=True).order_by("order", "pk")
    return active.filter(code=code).first() or active.first()


def seed(*, users: dict, stdout, state: dict) -> None:
    stdout.write(f"channels_log: {seed_cases(users=users)} new demo cases")


def seed_cases(*, users: dict) -> int:
    from association.channels import Channel
    from channels_log.contacts import services as contact_services

    from . import services
    from .models import Case

    officer = users["officer"]
    created = 0
    for index, kind, channel_code, subject, body, days_ago, outcome in DEMO_CASES:
        beneficiary = beneficiaries_with_national_id(
            Beneficiary.objects.all(), demo_national_id(index, resident=index % 6 == 5)
        ).first()
        if (
            beneficiary is None
            or Case.objects.filter(contact__beneficiary=beneficiary, contact__subject=subject).exists()
        ):
            continue
        channel = _channel(Channel, channel_code)
        with demo_clock(demo_day(days_ago, 10, 15)):
            case = contact_services.contact_record(
                actor=officer, channel=channel, purpose=kind, beneficiary=beneficiary, subject=subject, body=body
            ).case
        created += 1
        if outcome == "escalated":
            # Nobody took it up: the sweep escalated it to the managers once its first-response time passed.
            with demo_clock(case.first_response_due + dt.timedelta(minutes=10)):
                services.case_escalate(case_id=case.pk)
            continue
        with demo_clock(case.opened_at + dt.timedelta(hours=3)):
            case = services.case_answer(
                case=case,
                response="نعتذر عن التأخير؛ راجعنا طلبك وسيُصرف خلال أسبوع، وسنبلغك برسالة نصية."
                if kind == "complaint"
                else "يبدأ التوزيع يوم الأحد القادم في مقر الجمعية، ويمكن أن ينوب عنك أحد أفراد الأسرة بخطاب.",
                channel=_channel(Channel, "phone"),
                actor=officer,
            )
        if outcome == "closed":
            with demo_clock(case.opened_at + dt.timedelta(days=1)):
                services.case_set_outcome(case=case, outcome=Case.Outcome.UPHELD, actor=officer, note="تأخر إداري")
                services.case_close(case=case, actor=officer)
    return created
