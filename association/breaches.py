"""The personal data breach register (PDPL): what happened, when it was found, whom it touched, and whether
the authority (within 72 hours) and the people affected were told. Reminders go to the managers, once each,
from a periodic sweep (``breach_reminders``)."""

import datetime as dt

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import models, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .kernel.permissions import authorize
from .kernel.roles import Role

AUTHORITY_HOURS = 72
# The reminder about the authority goes this many hours before its deadline (or at once when recorded late).
AUTHORITY_REMINDER_BEFORE_HOURS = 24


class Breach(models.Model):
    title = models.CharField(gettext_lazy("what happened"), max_length=200)
    description = models.TextField(gettext_lazy("description"), max_length=5000)
    data_kinds = models.CharField(
        gettext_lazy("data concerned"), max_length=300, help_text=gettext_lazy("e.g. names, mobiles, health notes")
    )
    occurred_at = models.DateTimeField(gettext_lazy("happened at"), null=True, blank=True)
    discovered_at = models.DateTimeField(gettext_lazy("found at"))
    affected_count = models.PositiveIntegerField(gettext_lazy("people affected"), default=0)
    affected_description = models.CharField(gettext_lazy("who is affected"), max_length=300, blank=True)
    measures = models.TextField(gettext_lazy("measures taken"), blank=True, max_length=5000)
    authority_notified_at = models.DateTimeField(gettext_lazy("authority notified at"), null=True, blank=True)
    subjects_notified_at = models.DateTimeField(gettext_lazy("people affected notified at"), null=True, blank=True)
    recorded_at = models.DateTimeField(gettext_lazy("recorded at"), auto_now_add=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        editable=False,
        verbose_name=gettext_lazy("recorded by"),
    )
    authority_reminded_at = models.DateTimeField(null=True, blank=True, editable=False)
    subjects_reminded_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-discovered_at", "-pk"]
        verbose_name = gettext_lazy("personal data breach")
        verbose_name_plural = gettext_lazy("personal data breaches")

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("breach_edit", kwargs={"pk": self.pk})

    def clean(self):
        now = timezone.now()
        errors = {}
        if self.discovered_at and self.discovered_at > now + dt.timedelta(minutes=5):
            errors["discovered_at"] = _("The date is in the future.")
        if self.occurred_at and self.discovered_at and self.occurred_at > self.discovered_at:
            errors["occurred_at"] = _("It cannot have happened after it was found.")
        for name in ("authority_notified_at", "subjects_notified_at"):
            value = getattr(self, name)
            if value and self.discovered_at and value < self.discovered_at:
                errors[name] = _("Notified before the breach was found?")
        if errors:
            raise ValidationError(errors)

    @property
    def authority_due(self) -> dt.datetime:
        return self.discovered_at + dt.timedelta(hours=AUTHORITY_HOURS)

    def authority_late(self, now=None) -> bool:
        now = now or timezone.now()
        if self.authority_notified_at:
            return self.authority_notified_at > self.authority_due
        return now > self.authority_due


@transaction.atomic
def breach_save(*, breach: Breach, actor) -> Breach:
    """Record a breach or update what is known of it."""
    authorize(actor, "association.change_breach" if breach.pk else "association.add_breach")
    if breach.pk is None:
        breach.recorded_by = actor
    breach.full_clean()
    breach.save()
    return breach


def _tell_managers(subject: str, body: str) -> None:
    users = get_user_model().objects.filter(is_active=True).exclude(email="")
    managers = users.filter(models.Q(groups__name=Role.MANAGER) | models.Q(is_superuser=True)).distinct()
    recipients = list(managers.values_list("email", flat=True))
    if recipients:
        send_mail(subject, body, None, recipients)


def _remind(pk: int, *, field: str, due_filter: models.Q, subject: str, now) -> bool:
    with transaction.atomic():
        breach = Breach.objects.select_for_update().filter(due_filter, pk=pk, **{f"{field}__isnull": True}).first()
        if breach is None:
            return False
        setattr(breach, field, now)
        breach.save(update_fields=[field])
        url = settings.SITE_URL.rstrip("/") + breach.get_absolute_url()
        body = _("Breach: %(title)s. Found at %(found)s. Authority deadline: %(due)s. %(url)s") % {
            "title": breach.title,
            "found": timezone.localtime(breach.discovered_at).strftime("%Y-%m-%d %H:%M"),
            "due": timezone.localtime(breach.authority_due).strftime("%Y-%m-%d %H:%M"),
            "url": url,
        }
        transaction.on_commit(lambda: _tell_managers(subject, body))
    return True


def seed_demo(*, users: dict, stdout, state: dict) -> None:
    """``seed_demo`` (slot ``demo``): one breach found two days ago, the authority not told yet. Idempotent."""
    if Breach.objects.exists():
        return
    manager = users["manager"]
    breach = Breach(
        title="إرسال كشف مستفيدين إلى بريد إلكتروني خاطئ",
        description="أرسل أحد الموظفين ملف Excel بأسماء المستفيدين وجوالاتهم إلى عنوان بريد خارجي بالخطأ.",
        data_kinds="الأسماء، أرقام الجوال، المدن",
        discovered_at=timezone.now() - dt.timedelta(hours=50),
        affected_count=38,
        affected_description="مستفيدو حي النسيم",
        measures="طُلب من المستلم حذف الرسالة وأكّد ذلك كتابيًا.",
    )
    breach_save(breach=breach, actor=manager)
    stdout.write("Data protection: 1 breach in the register (the authority's 72 hours run)")


def breach_reminders(*, now=None) -> dict[str, int]:
    """Periodic: once per breach, remind the managers to notify the authority (24 hours before the 72-hour
    deadline, or at once past it) and, once the deadline is reached, to notify the people affected."""
    now = now or timezone.now()
    authority_from = now - dt.timedelta(hours=AUTHORITY_HOURS - AUTHORITY_REMINDER_BEFORE_HOURS)
    authority = models.Q(authority_notified_at__isnull=True, discovered_at__lte=authority_from)
    subjects = models.Q(
        subjects_notified_at__isnull=True,
        affected_count__gt=0,
        discovered_at__lte=now - dt.timedelta(hours=AUTHORITY_HOURS),
    )
    done = {"authority": 0, "subjects": 0}
    for pk in Breach.objects.filter(authority, authority_reminded_at__isnull=True).values_list("pk", flat=True):
        done["authority"] += _remind(
            pk,
            field="authority_reminded_at",
            due_filter=authority,
            subject=_("Notify the data protection authority of a breach"),
            now=now,
        )
    for pk in Breach.objects.filter(subjects, subjects_reminded_at__isnull=True).values_list("pk", flat=True):
        done["subjects"] += _remind(
            pk,
            field="subjects_reminded_at",
            due_filter=subjects,
            subject=_("Notify the people affected by a breach"),
            now=now,
        )
    return done
