"""Default wording (Arabic and English, SMS and email) for every message event; edited later in admin.
A rerun never overwrites wording an admin has changed."""

from django.db import migrations

REF = "{% if reference %} {{ reference }}{% endif %}"
LINK = "{% if url %} {{ url }}{% endif %}"

# event: (Arabic subject, Arabic text, English subject, English text)
TEXTS = {
    "request_received": (
        "استلام طلبك" + REF,
        "استلمنا طلبك" + REF + "{% if service %} ({{ service }}){% endif %}. يُعرض الطلب على لجنة البحث، "
        "ويصدر قرارها بالقبول أو الاعتذار خلال مدة لا تقل عن أسبوعين.",
        "Your request" + REF + " is received",
        "We received your request" + REF + "{% if service %} ({{ service }}){% endif %}. It goes to the research "
        "committee, which answers (accept or decline) in no less than two weeks.",
    ),
    "request_incomplete": (
        "طلبك" + REF + " غير مكتمل",
        "طلبك" + REF + " غير مكتمل{% if missing %}، ينقصه: {{ missing }}{% endif %}. نرجو استكماله لدى الجمعية.",
        "Your request" + REF + " is incomplete",
        "Your request" + REF + " is incomplete{% if missing %}; missing: {{ missing }}{% endif %}. "
        "Please complete it with the association.",
    ),
    "decision_made": (
        "قرار لجنة البحث في طلبك" + REF,
        "صدر قرار لجنة البحث في طلبك" + REF + "{% if outcome %}: {{ outcome }}{% endif %}." + LINK,
        "Decision on your request" + REF,
        "The research committee decided on your request" + REF + "{% if outcome %}: {{ outcome }}{% endif %}." + LINK,
    ),
    "survey_invitation": (
        "{% if reminder %}تذكير: {% endif %}شاركنا رأيك في خدماتنا",
        "{% if reminder %}تذكير: {% endif %}يهمنا رأيك في الخدمة التي تلقيتها؛ تقييمك يساعدنا على التحسين:" + LINK,
        "{% if reminder %}Reminder: {% endif %}Tell us what you think",
        "{% if reminder %}Reminder: {% endif %}Your opinion of the service you received helps us improve:" + LINK,
    ),
    "complaint_answered": (
        "الرد على ملاحظتك" + REF,
        "تم الرد على ملاحظتك" + REF + "{% if answer %}: {{ answer }}{% endif %}." + LINK,
        "We answered your message" + REF,
        "We answered your message" + REF + "{% if answer %}: {{ answer }}{% endif %}." + LINK,
    ),
    "decision_window_open": (
        "الطلب" + REF + " جاهز لقرار اللجنة",
        "انقضت مهلة القرار للطلب" + REF + "، ويمكن للجنة البت فيه الآن." + LINK,
        "Request" + REF + " is ready for the committee's decision",
        "The decision window of request" + REF + " is over; the committee may decide now." + LINK,
    ),
    "request_overdue": (
        "الطلب" + REF + " متأخر",
        "الطلب" + REF + " تجاوز موعده{% if due_date %} ({{ due_date }}){% endif %} دون إنجاز." + LINK,
        "Request" + REF + " is overdue",
        "Request" + REF + " is past its due date{% if due_date %} ({{ due_date }}){% endif %}." + LINK,
    ),
    "escalated": (
        "تصعيد الطلب" + REF,
        "صُعِّد إليكم الطلب" + REF + "{% if reason %}: {{ reason }}{% endif %}." + LINK,
        "Request" + REF + " escalated",
        "Request" + REF + " is escalated to you{% if reason %}: {{ reason }}{% endif %}." + LINK,
    ),
    "case_escalated": (
        "تصعيد الحالة" + REF,
        "صُعِّدت إليكم الحالة" + REF + " لتجاوزها مدة الرد{% if reason %}: {{ reason }}{% endif %}." + LINK,
        "Case" + REF + " escalated",
        "Case" + REF + " is escalated to you: it passed its response time{% if reason %} ({{ reason }}){% endif %}."
        + LINK,
    ),
}

SIGN_AR = '{{ association_name|default:"الجمعية" }}'
SIGN_EN = '{{ association_name|default:"The association" }}'
GREET_AR = "السلام عليكم {% firstof beneficiary_name user_name %}،\n\n"
GREET_EN = "Dear {% firstof beneficiary_name user_name %},\n\n"


def add_templates(apps, schema_editor):
    MessageTemplate = apps.get_model("channels_log", "MessageTemplate")
    for event, (subject_ar, text_ar, subject_en, text_en) in TEXTS.items():
        rows = [
            ("sms", "ar", "", f"{SIGN_AR}: {text_ar}"),
            ("sms", "en", "", f"{SIGN_EN}: {text_en}"),
            ("email", "ar", subject_ar, f"{GREET_AR}{text_ar}\n\nمع التحية،\n{SIGN_AR}"),
            ("email", "en", subject_en, f"{GREET_EN}{text_en}\n\nKind regards,\n{SIGN_EN}"),
        ]
        for channel, language, subject, body in rows:
            MessageTemplate.objects.get_or_create(
                event=event, channel=channel, language=language, defaults={"subject": subject, "body": body}
            )


class Migration(migrations.Migration):
    dependencies = [("channels_log", "0005_outgoing_messages")]

    operations = [migrations.RunPython(add_templates, migrations.RunPython.noop)]
