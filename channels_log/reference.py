"""Reference data that must always exist: the eight channels every association policy names."""

from django.db import transaction

# Stable codes (DESIGN.md) with their Arabic and English names.
CORE_CHANNELS = [
    ("interview", "المقابلة", "In-person interview"),
    ("phone", "الاتصالات الهاتفية", "Phone calls"),
    ("social_media", "وسائل التواصل الاجتماعي", "Social media"),
    ("letter", "الخطابات", "Letters"),
    ("help_request", "خدمات طلب المساعدة", "Help-request services"),
    ("volunteering", "خدمة التطوع", "Volunteering service"),
    ("website", "الموقع الإلكتروني", "Website"),
    ("representative", "مناديب الجمعية / مندوبو المكاتب الفرعية", "Association and branch-office representatives"),
]


def channels_ensure_core(*, using: str = "default", channel_model=None) -> int:
    """Create any of the eight channels that is missing; never changes or reactivates existing ones.
    Returns how many were created."""
    if channel_model is None:
        from .models import Channel as channel_model
    created = 0
    with transaction.atomic(using=using):
        existing = set(channel_model.objects.using(using).values_list("code", flat=True))
        for order, (code, name_ar, name_en) in enumerate(CORE_CHANNELS, start=1):
            if code not in existing:
                channel_model.objects.using(using).create(code=code, name_ar=name_ar, name_en=name_en, order=order)
                created += 1
    return created
