"""Demo data of data protection (``seed_demo``, slot ``demo``): the retention periods, and requests about
people's data — one late (escalated by the sweep), one being answered, one erasure the manager cannot
approve while the person's support request is open. Idempotent."""

from association.demo import demo_clock, demo_day

from ..models import Beneficiary, RetentionRule, SubjectRequest
from . import services

RETENTION = [
    ("beneficiary", 3650, "عشر سنوات من آخر نشاط في الملف، وفق سياسة الجمعية للاحتفاظ بالسجلات"),
    ("outgoing_message", 730, "سنتان من إرسال الرسالة"),
]


def seed(*, users: dict, stdout, state: dict) -> None:
    for kind, days, note in RETENTION:
        RetentionRule.objects.get_or_create(kind=kind, defaults={"days": days, "note": note})
    if SubjectRequest.objects.exists():
        return
    officer = users["officer"]
    people = list(Beneficiary.objects.filter(requests__isnull=False).distinct().order_by("pk")[:2])
    # The erasure is asked by someone whose support request is still open: the manager's page says why it
    # cannot be approved yet.
    waiting = Beneficiary.objects.filter(requests__status="awaiting_committee").exclude(pk__in=[p.pk for p in people])
    people += list(waiting.distinct().order_by("pk")[:1])
    if len(people) < 3:
        return
    plan = [
        (people[0], SubjectRequest.Kind.ACCESS, 35, "طلب نسخة من بياناته لتقديمها إلى جهة أخرى"),
        (people[1], SubjectRequest.Kind.CORRECTION, 6, "تصحيح اسم الحي في العنوان"),
        (people[2], SubjectRequest.Kind.ERASURE, 3, "يطلب حذف بياناته بعد انتقاله إلى مدينة أخرى"),
    ]
    for person, kind, days_ago, details in plan:
        received = demo_day(days_ago, 10)
        with demo_clock(received):
            services.subject_request_create(
                beneficiary=person, kind=kind, received_on=received.date(), details=details, actor=officer
            )
    escalated = services.subject_requests_escalate()
    stdout.write(f"Data protection: 3 requests about people's data ({escalated} late, escalated to the managers)")
