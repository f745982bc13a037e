"""What programs tell people through the outbox (``channels_log.messaging.registry``), registered in
``ProgramsConfig.ready``: the proposer is told each step of the lifecycle, a volunteer their approval, an attendee
their attendance link, and a permit's owner that it is about to expire."""

from django.utils.translation import gettext_lazy as _

from channels_log.messaging.registry import LINK, REF, message_event_register, message_subject_register

SUBJECT_KIND = "program"
TITLE = "{% if title %} «{{ title }}»{% endif %}"

PROGRAM_RECEIVED = "program_received"
PROGRAM_STEP = "program_step"
PROGRAM_APPROVED = "program_approved"
PROGRAM_REJECTED = "program_rejected"
VOLUNTEER_APPROVED = "volunteer_approved"
ATTENDANCE_LINK = "program_attendance_link"
PERMIT_EXPIRING = "program_permit_expiring"

# event: (label, essential, {language: (email subject, text)}). Values: ``reference``, ``title``, ``status``
# (the new step in words), ``decider`` (the deciding body), ``reason``, ``url``, ``permit``, ``expires_on``.
EVENTS = {
    PROGRAM_RECEIVED: (
        _("Program proposal received"),
        True,
        {
            "ar": (
                "استلام مقترح البرنامج" + REF,
                "استلمنا مقترحكم للبرنامج" + TITLE + " برقم" + REF + "، وسنبلغكم بكل مرحلة من مراحل دراسته.",
            ),
            "en": (
                "Program proposal" + REF + " received",
                "We received your program proposal" + TITLE + REF + "; we will tell you of each step.",
            ),
        },
    ),
    PROGRAM_STEP: (
        _("Program moved to a new step"),
        True,
        {
            "ar": (
                "البرنامج" + REF + ": {{ status }}",
                "انتقل البرنامج" + TITLE + REF + " إلى مرحلة: {{ status }}.",
            ),
            "en": (
                "Program" + REF + ": {{ status }}",
                "The program" + TITLE + REF + " moved to: {{ status }}.",
            ),
        },
    ),
    PROGRAM_APPROVED: (
        _("Program approved"),
        True,
        {
            "ar": (
                "اعتماد البرنامج" + REF,
                "اعتمد {{ decider|default:'صاحب الصلاحية' }} البرنامج" + TITLE + REF + "، وسنبلغكم بموعد تنفيذه.",
            ),
            "en": (
                "Program" + REF + " approved",
                "{{ decider|default:'The deciding body' }} approved the program" + TITLE + REF + ".",
            ),
        },
    ),
    PROGRAM_REJECTED: (
        _("Program not approved"),
        True,
        {
            "ar": (
                "الاعتذار عن البرنامج" + REF,
                "نعتذر عن عدم اعتماد البرنامج" + TITLE + REF + "{% if reason %}: {{ reason }}{% endif %}.",
            ),
            "en": (
                "Program" + REF + " not approved",
                "The program" + TITLE + REF + " was not approved{% if reason %}: {{ reason }}{% endif %}.",
            ),
        },
    ),
    VOLUNTEER_APPROVED: (
        _("Volunteer approved"),
        True,
        {
            "ar": ("اعتماد تطوعك", "يسرنا اعتمادك متطوعًا لدى الجمعية، وسنتواصل معك لتكليفك بالبرامج."),
            "en": ("You are approved as a volunteer", "You are approved as a volunteer; we will contact you."),
        },
    ),
    ATTENDANCE_LINK: (
        _("Program attendance link"),
        True,
        {
            "ar": (
                "رابط تسجيل حضورك" + TITLE,
                "لتسجيل حضورك في" + TITLE + " افتح الرابط عند وصولك (يستخدم مرة واحدة)." + LINK,
            ),
            "en": (
                "Your attendance link" + TITLE,
                "To record your attendance at" + TITLE + ", open the link when you arrive (single use)." + LINK,
            ),
        },
    ),
    PERMIT_EXPIRING: (
        _("Program permit about to expire"),
        True,
        {
            "ar": (
                "قرب انتهاء تصريح البرنامج" + REF,
                "ينتهي تصريح {{ permit }} للبرنامج" + TITLE + REF + " في {{ expires_on }}؛ نرجو تجديده." + LINK,
            ),
            "en": (
                "A permit of program" + REF + " expires soon",
                "The permit {{ permit }} of program"
                + TITLE
                + REF
                + " expires on {{ expires_on }}; please renew it."
                + LINK,
            ),
        },
    ),
}
SAMPLE = {
    "reference": "P-2026-0001",
    "title": "برنامج التوعية الأسرية",
    "status": "بانتظار التصاريح",
    "decider": "مدير الجمعية",
    "reason": "تعارض الموعد مع برنامج آخر",
    "permit": "وزارة الشؤون الإسلامية 4471",
    "expires_on": "2026-12-31",
}


def describe_programs(ids: list[int]) -> dict[int, tuple[str, str]]:
    """The programs messages are about, for the messages pages (one query)."""
    from .models import Program

    return {p.pk: (str(p), p.get_absolute_url()) for p in Program.objects.filter(pk__in=ids)}


def register() -> None:
    for code, (label, essential, texts) in EVENTS.items():
        message_event_register(code, label, essential=essential, subject_kind=SUBJECT_KIND, texts=texts, sample=SAMPLE)
    message_subject_register(SUBJECT_KIND, label=_("Program"), describe=describe_programs)
