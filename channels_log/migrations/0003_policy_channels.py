"""The eight channels every association policy names (stable codes, DESIGN.md)."""

from django.db import migrations

# The eight channels as they were when this migration was written (the live list is
# association.channels.CORE_CHANNELS; a migration keeps its own copy so it never changes with the code).
CHANNELS = [
    ("interview", "المقابلة", "In-person interview"),
    ("phone", "الاتصالات الهاتفية", "Phone calls"),
    ("social_media", "وسائل التواصل الاجتماعي", "Social media"),
    ("letter", "الخطابات", "Letters"),
    ("help_request", "خدمات طلب المساعدة", "Help-request services"),
    ("volunteering", "خدمة التطوع", "Volunteering service"),
    ("website", "الموقع الإلكتروني", "Website"),
    ("representative", "مناديب الجمعية / مندوبو المكاتب الفرعية", "Association and branch-office representatives"),
]


def add_channels(apps, schema_editor):
    Channel = apps.get_model("channels_log", "Channel")
    for order, (code, name_ar, name_en) in enumerate(CHANNELS, start=1):
        Channel.objects.update_or_create(code=code, defaults={"name_ar": name_ar, "name_en": name_en, "order": order})


class Migration(migrations.Migration):
    dependencies = [("channels_log", "0002_initial")]

    operations = [migrations.RunPython(add_channels, migrations.RunPython.noop)]
