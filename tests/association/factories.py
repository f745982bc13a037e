import datetime as dt

import factory
from django.db.models import Max
from django.utils import timezone

from association.policy.models import PolicySection, PolicyVersion


class PolicyVersionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PolicyVersion
        skip_postgeneration_save = True

    # The next free number, as the services number versions.
    number = factory.LazyFunction(lambda: (PolicyVersion.objects.aggregate(n=Max("number"))["n"] or 0) + 1)
    title = "سياسة تنظيم العلاقة مع المستفيدين"
    association_name = "جمعية الاختبار"
    channels = factory.LazyFunction(lambda: ["interview", "phone", "website"])
    tools = factory.LazyFunction(lambda: ["نماذج الاستقبال", "سجل الشكاوى"])
    decision_window_days = 14

    @factory.post_generation
    def sections(obj, create, extracted, **kwargs):
        if not create:
            return
        for order, (kind, heading, items) in enumerate(
            extracted
            or [
                ("preamble", "تمهيد", []),
                (
                    "channels",
                    "القنوات المستخدمة للتواصل مع المستفيدين",
                    ["المقابلة", "الاتصال الهاتفي", "الموقع الإلكتروني"],
                ),
                ("procedure", "ويتم التعامل مع المستفيد بالشكل التالي", ["الرد خلال مدة لا تقل عن أسبوعين"]),
            ]
        ):
            PolicySection.objects.create(
                version=obj,
                order=order,
                kind=kind,
                heading=heading,
                items=items,
                paragraphs=["تضع الجمعية هذه السياسة لتنظيم علاقتها بالمستفيدين."] if kind == "preamble" else [],
            )


class ApprovedPolicyVersionFactory(PolicyVersionFactory):
    status = PolicyVersion.Status.APPROVED
    board_meeting = 2
    board_session = 1
    decision_number = "7/2"
    approval_date = dt.date(2021, 1, 26)
    signatory_name = "أ. سعد بن علي"
    signatory_title = "رئيس مجلس الإدارة"
    approved_at = factory.LazyFunction(timezone.now)
