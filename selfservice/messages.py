"""What the self-service pages tell people through the outbox (``channels_log.messaging.registry``),
registered in ``SelfServiceConfig.ready``: the sign-in code, the receipt of an online request, and a short
"something changed, see your page" with the link to /my/ at each later step (``subscribers``)."""

from django.utils.translation import gettext_lazy as _

from channels_log.messaging.registry import REF, message_event_register

SIGN_IN_CODE = "my_sign_in_code"
RECEIVED_ONLINE = "my_request_received_online"
UPDATE = "my_update"
MY_LINK = "{% if url %} {{ url }}{% endif %}"

# ``step`` names what happened (``subscribers.STEPS``); the wording of each is here, editable in admin.
STEPS_AR = (
    '{% if step == "submitted" %}اكتمل طلبك' + REF + " وأُحيل إلى الدراسة"
    '{% elif step == "incomplete" %}طلبك' + REF + " ينقصه ما يلزم لاستكماله، ويمكنك رفعه من صفحتك"
    '{% elif step == "decision" %}صدر القرار في طلبك' + REF + ""
    '{% elif step == "delivery" %}سُجِّل تسليم الخدمة لطلبك' + REF + "، ونرجو تأكيد الاستلام من صفحتك"
    '{% elif step == "case_closed" %}أُغلقت رسالتك' + REF + " بعد الرد عليها"
    "{% else %}يوجد جديد في طلبك" + REF + "{% endif %}."
)
STEPS_EN = (
    '{% if step == "submitted" %}Your request' + REF + " is complete and goes to study"
    '{% elif step == "incomplete" %}Your request' + REF + " is missing something; you can upload it on your page"
    '{% elif step == "decision" %}The decision on your request' + REF + " is out"
    '{% elif step == "delivery" %}The delivery of your request' + REF + " is recorded; please confirm receipt on "
    "your page"
    '{% elif step == "case_closed" %}Your message' + REF + " is answered and closed"
    "{% else %}There is news on your request" + REF + "{% endif %}."
)


def register() -> None:
    # Values the templates may use: ``code``, ``minutes``, ``reference``, ``service``, ``step``, ``url``.
    message_event_register(
        SIGN_IN_CODE,
        _("Self-service sign-in code"),
        texts={
            "ar": (
                "رمز الدخول",
                "رمز الدخول إلى صفحتك: {{ code }}، صالح {{ minutes }} دقائق. لا تشاركه مع أحد.",
            ),
            "en": (
                "Your sign-in code",
                "Your sign-in code: {{ code }}, valid {{ minutes }} minutes. Share it with no one.",
            ),
        },
        sample={"code": "123456", "minutes": "5"},
    )
    message_event_register(
        RECEIVED_ONLINE,
        _("Request received online"),
        subject_kind="support_request",
        texts={
            "ar": (
                "وصل طلبك",
                "وصل طلبك{% if service %} ({{ service }}){% endif %} عبر الموقع، وسيتحقق موظف الجمعية من بياناتك "
                "ومستنداتك ثم يعرضه للدراسة. تابعه من صفحتك:" + MY_LINK,
            ),
            "en": (
                "Your request is received",
                "We received your request{% if service %} ({{ service }}){% endif %} online; an officer will verify "
                "your data and documents and then put it forward for study. Follow it on your page:" + MY_LINK,
            ),
        },
        sample={"service": "سلة غذائية", "url": "https://example.org/my/"},
    )
    message_event_register(
        UPDATE,
        _("Self-service: news on a request or message"),
        essential=False,
        texts={
            "ar": ("جديد في صفحتك", STEPS_AR + " التفاصيل في صفحتك:" + MY_LINK),
            "en": ("News on your page", STEPS_EN + " Details on your page:" + MY_LINK),
        },
        sample={"step": "decision", "reference": "1447-000001", "url": "https://example.org/my/"},
    )
