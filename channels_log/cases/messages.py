"""What cases tell people through the outbox (``channels_log.messaging.registry``), registered in
``ChannelsLogConfig.ready``: the answer to the sender and the escalation to the managers, and the case as a
record messages are about (linked from the messages pages)."""

from django.utils.translation import gettext_lazy as _

from channels_log.messaging.registry import LINK, REF, message_event_register, message_subject_register

SUBJECT_KIND = "case"
ANSWERED = "complaint_answered"
ESCALATED = "case_escalated"


def describe_cases(ids: list[int]) -> dict[int, tuple[str, str]]:
    """The cases messages are about, for the messages pages: their reference and page (one query)."""
    from .models import Case

    return {case.pk: (case.reference, case.get_absolute_url()) for case in Case.objects.filter(pk__in=ids)}


def register() -> None:
    # Values the templates may use: ``reference`` (the case's), ``answer``, ``url``, ``reason``.
    message_event_register(
        ANSWERED,
        _("Complaint answered"),
        subject_kind=SUBJECT_KIND,
        texts={
            "ar": (
                "الرد على ملاحظتك" + REF,
                "تم الرد على ملاحظتك" + REF + "{% if answer %}: {{ answer }}{% endif %}." + LINK,
            ),
            "en": (
                "We answered your message" + REF,
                "We answered your message" + REF + "{% if answer %}: {{ answer }}{% endif %}." + LINK,
            ),
        },
        sample={"answer": "تمت معالجة ملاحظتك"},
    )
    message_event_register(
        ESCALATED,
        _("Case escalated"),
        subject_kind=SUBJECT_KIND,
        texts={
            "ar": (
                "تصعيد الحالة" + REF,
                "صُعِّدت إليكم الحالة" + REF + " لتجاوزها مدة الرد{% if reason %}: {{ reason }}{% endif %}." + LINK,
            ),
            "en": (
                "Case" + REF + " escalated",
                "Case"
                + REF
                + " is escalated to you: it passed its response time{% if reason %} ({{ reason }}){% endif %}."
                + LINK,
            ),
        },
    )
    message_subject_register(SUBJECT_KIND, label=_("Case"), describe=describe_cases)
