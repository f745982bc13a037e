"""What support requests tell people through the outbox (``channels_log.messaging.registry``), registered in
``RequestsAppConfig.ready``: the lifecycle's message events with their default wording, and the support
request as a record messages are about (linked from the messages pages)."""

from django.utils.translation import gettext_lazy as _

from channels_log.messaging.registry import LINK, REF, message_event_register, message_subject_register

SUBJECT_KIND = "support_request"
SERVICE = "{% if service %} ({{ service }}){% endif %}"

# event: (label, essential, {language: (email subject, text)}). Values each template may use: ``reference``
# (the request's number), ``service``, ``url``, ``missing``, ``outcome`` (the decision as a sentence,
# ``requests_app.wording``), ``due_date``, ``reason``.
# The procedure of the request (``association.policy.procedure``, kept on the request at submission): ``decider``
# (the deciding body's name as the policy writes it), ``committee`` (a committee decides: its votes, «قرارها»)
# and ``window`` (the minimum wait, worded «أسبوعين», «10 أيام»…; empty: no window).
COMMITTEE = "{% if committee or not decider %}"
DECIDER = '{{ decider|default:"لجنة البحث" }}'
EVENTS = {
    "request_received": (
        _("Request received"),
        True,
        {
            "ar": (
                "استلام طلبك" + REF,
                "استلمنا طلبك" + REF + SERVICE + ". يُعرض الطلب على " + DECIDER + "، ويصدر " + COMMITTEE + "قرارها"
                "{% else %}القرار{% endif %} بالقبول أو الاعتذار {% if window %}خلال مدة لا تقل عن {{ window }}"
                "{% elif decider %}فور اكتمال دراسته، دون مهلة انتظار{% else %}خلال مدة لا تقل عن أسبوعين{% endif %}.",
            ),
            "en": (
                "Your request" + REF + " is received",
                "We received your request" + REF + SERVICE + ". It goes to " + COMMITTEE + "the research committee"
                "{% else %}{{ decider }}{% endif %}, which answers (accept or decline) {% if window %}in no less than "
                "{{ window }}{% elif decider %}as soon as it is studied, with no waiting period{% else %}in no less "
                "than two weeks{% endif %}.",
            ),
        },
    ),
    "request_incomplete": (
        _("Request incomplete"),
        True,
        {
            "ar": (
                "طلبك" + REF + " غير مكتمل",
                "طلبك"
                + REF
                + " غير مكتمل{% if missing %}، ينقصه: {{ missing }}{% endif %}. نرجو استكماله لدى الجمعية.",
            ),
            "en": (
                "Your request" + REF + " is incomplete",
                "Your request" + REF + " is incomplete{% if missing %}; missing: {{ missing }}{% endif %}. "
                "Please complete it with the association.",
            ),
        },
    ),
    "decision_made": (
        _("Decision made"),
        True,
        {
            "ar": (
                "قرار " + DECIDER + " في طلبك" + REF,
                "{% if outcome %}" + COMMITTEE + "قررت " + DECIDER + " {{ outcome }}{% else %}صدر قرار {{ decider }} "
                "ب{{ outcome }}{% endif %}.{% else %}صدر قرار " + DECIDER + " في طلبك" + REF + ".{% endif %}" + LINK,
            ),
            "en": (
                "Decision on your request" + REF,
                "{% if outcome %}" + COMMITTEE + "The research committee{% else %}{{ decider }}{% endif %} decided "
                "{{ outcome }}.{% else %}" + COMMITTEE + "The research committee{% else %}{{ decider }}{% endif %} "
                "decided on your request" + REF + ".{% endif %}" + LINK,
            ),
        },
    ),
    "decision_window_open": (
        _("Decision window open"),
        False,
        {
            "ar": (
                "الطلب" + REF + " جاهز " + COMMITTEE + "لقرار اللجنة{% else %}للقرار{% endif %}",
                "{% if window or not decider %}انقضت مهلة القرار للطلب"
                + REF
                + "{% else %}اكتملت دراسة الطلب"
                + REF
                + "{% endif %}، "
                + COMMITTEE
                + "ويمكن للجنة البت فيه الآن{% else %}ويمكن البت فيه الآن ({{ decider }})"
                "{% endif %}." + LINK,
            ),
            "en": (
                "Request"
                + REF
                + " is ready for "
                + COMMITTEE
                + "the committee's decision{% else %}a decision{% endif %}",
                "{% if window or not decider %}The decision window of request"
                + REF
                + " is over{% else %}Request"
                + REF
                + " is studied{% endif %}; "
                + COMMITTEE
                + "the committee may decide now{% else %}"
                "{{ decider }} may decide now{% endif %}." + LINK,
            ),
        },
    ),
    "request_overdue": (
        _("Request overdue"),
        True,
        {
            "ar": (
                "الطلب" + REF + " متأخر",
                "الطلب" + REF + " تجاوز موعده{% if due_date %} ({{ due_date }}){% endif %} دون إنجاز." + LINK,
            ),
            "en": (
                "Request" + REF + " is overdue",
                "Request" + REF + " is past its due date{% if due_date %} ({{ due_date }}){% endif %}." + LINK,
            ),
        },
    ),
    "escalated": (
        _("Request escalated"),
        True,
        {
            "ar": (
                "تصعيد الطلب" + REF,
                "صُعِّد إليكم الطلب" + REF + "{% if reason %}: {{ reason }}{% endif %}." + LINK,
            ),
            "en": (
                "Request" + REF + " escalated",
                "Request" + REF + " is escalated to you{% if reason %}: {{ reason }}{% endif %}." + LINK,
            ),
        },
    ),
}
SAMPLE = {
    "service": "سلة غذائية",
    "missing": "عقد الإيجار",
    "outcome": "الموافقة على طلبكم رقم R-2026-0001",
    "decider": "لجنة البحث",
    "committee": "1",
    "window": "أسبوعين",
}


def describe_requests(ids: list[int]) -> dict[int, tuple[str, str]]:
    """The requests messages are about, for the messages pages: their number and page (one query)."""
    from .models import SupportRequest

    return {r.pk: (str(r), r.get_absolute_url()) for r in SupportRequest.objects.filter(pk__in=ids)}


def register() -> None:
    for code, (label, essential, texts) in EVENTS.items():
        message_event_register(code, label, essential=essential, subject_kind=SUBJECT_KIND, texts=texts, sample=SAMPLE)
    message_subject_register(SUBJECT_KIND, label=_("Support request"), describe=describe_requests)
