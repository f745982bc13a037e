"""The decision message says the decision as a sentence: «قررت لجنة البحث الموافقة على طلبكم رقم … المقدَّم
بتاريخ …؛ وذلك للأسباب الآتية: …» (the ``outcome`` it receives is now that sentence, see
``requests_app.wording``), not «صدر قرار لجنة البحث في طلبك …: معتمدة.».

Only templates that still read as shipped are changed; wording an admin has edited is left as it is (it
receives the sentence too, which reads after «:» as well).
"""

import importlib

from django.db import migrations

REF = "{% if reference %} {{ reference }}{% endif %}"
LINK = "{% if url %} {{ url }}{% endif %}"

# language: the text of the message, without greeting and signature
NEW_TEXT = {
    "ar": "{% if outcome %}قررت لجنة البحث {{ outcome }}.{% else %}صدر قرار لجنة البحث في طلبك"
    + REF
    + ".{% endif %}"
    + LINK,
    "en": "{% if outcome %}The research committee decided {{ outcome }}.{% else %}The research committee decided on "
    "your request" + REF + ".{% endif %}" + LINK,
}


def _shipped():
    return importlib.import_module("channels_log.migrations.0006_default_message_templates")


def _bodies(text_ar: str, text_en: str) -> dict[tuple[str, str], str]:
    shipped = _shipped()
    return {
        ("sms", "ar"): f"{shipped.SIGN_AR}: {text_ar}",
        ("sms", "en"): f"{shipped.SIGN_EN}: {text_en}",
        ("email", "ar"): f"{shipped.GREET_AR}{text_ar}\n\nمع التحية،\n{shipped.SIGN_AR}",
        ("email", "en"): f"{shipped.GREET_EN}{text_en}\n\nKind regards,\n{shipped.SIGN_EN}",
    }


def _replace(apps, old: dict, new: dict):
    MessageTemplate = apps.get_model("channels_log", "MessageTemplate")
    for (channel, language), body in old.items():
        MessageTemplate.objects.filter(event="decision_made", channel=channel, language=language, body=body).update(
            body=new[(channel, language)]
        )


def reword(apps, schema_editor):
    _subject_ar, text_ar, _subject_en, text_en = _shipped().TEXTS["decision_made"]
    _replace(apps, _bodies(text_ar, text_en), _bodies(NEW_TEXT["ar"], NEW_TEXT["en"]))


def restore(apps, schema_editor):
    _subject_ar, text_ar, _subject_en, text_en = _shipped().TEXTS["decision_made"]
    _replace(apps, _bodies(NEW_TEXT["ar"], NEW_TEXT["en"]), _bodies(text_ar, text_en))


class Migration(migrations.Migration):
    dependencies = [("channels_log", "0008_staff_subject_visibility_and_public_sms")]

    operations = [migrations.RunPython(reword, restore)]
