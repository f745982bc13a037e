"""The channels beneficiaries reach the association through: reference data the approved policy switches on.

The eight channels every association policy names always exist (stable codes, DESIGN.md): a data migration
created them, and ``channels_ensure_core`` restores any that went missing after every migrate (e.g. after a
database flush) and when the portal records an entry through one (``system_channel``).
"""

from django.db import models, transaction
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

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


class Channel(models.Model):
    """A way beneficiaries reach the association. The eight policy channels always exist (restored after
    every migrate, ``channels_ensure_core``); more may be added in admin. The approved policy switches the set
    staff may choose (``association.policy.services.policy_approve``)."""

    CORE_CODES = tuple(code for code, _name_ar, _name_en in CORE_CHANNELS)

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name_ar = models.CharField(_("Arabic name"), max_length=120)
    name_en = models.CharField(_("English name"), max_length=120)
    is_active = models.BooleanField(_("active"), default=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        db_table = "channels_log_channel"  # the table it had in channels_log, kept when the model moved here
        ordering = ["order", "pk"]
        verbose_name = _("channel")
        verbose_name_plural = _("channels")

    def __str__(self):
        return self.name

    @property
    def name(self) -> str:
        return self.name_en if (get_language() or "ar").startswith("en") else self.name_ar

    @property
    def is_core(self) -> bool:
        return self.code in self.CORE_CODES


def channels_ensure_core(*, using: str = "default", channel_model=None) -> int:
    """Create any of the eight channels that is missing; never changes or reactivates existing ones.
    Returns how many were created."""
    if channel_model is None:
        channel_model = Channel
    created = 0
    with transaction.atomic(using=using):
        existing = set(channel_model.objects.using(using).values_list("code", flat=True))
        for order, (code, name_ar, name_en) in enumerate(CORE_CHANNELS, start=1):
            if code not in existing:
                channel_model.objects.using(using).create(code=code, name_ar=name_ar, name_en=name_en, order=order)
                created += 1
    return created


def system_channel(code: str) -> Channel:
    """The channel an entry the portal records itself came through (``website`` for the public forms and
    survey answers), active or not.

    The approved policy's channel set says which channels staff may choose when they record a contact or
    answer a case; it never stops the public form or a survey follow-up, which arrive through the site
    whatever the policy lists. The eight core channels always exist; a missing one is restored here."""
    channel = Channel.objects.filter(code=code).first()
    if channel is None:
        channels_ensure_core()
        channel = Channel.objects.get(code=code)
    return channel
