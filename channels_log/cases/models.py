"""Cases: an inquiry, complaint, suggestion or follow-up that must be answered within its working-day
targets, with its append-only history."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from association.channels import Channel
from association.kernel.identifiers import validate_mobile
from channels_log.contacts.models import ContactEntry, user_pk


class CaseQuerySet(models.QuerySet):
    def visible_to(self, user):
        pk = user_pk(user)
        return self.none() if pk is None else self.exclude(staff_subject_id=pk)


class ResponseTarget(models.Model):
    """How many working days the association gives itself to first respond to and to resolve a case
    of one kind (set in admin)."""

    DEFAULTS = {"inquiry": (1, 1), "complaint": (1, 5), "suggestion": (2, 10), "follow_up": (2, 5)}

    kind = models.CharField(
        _("kind"),
        max_length=20,
        unique=True,
        choices=[
            ("inquiry", _("Inquiry")),
            ("complaint", _("Complaint")),
            ("suggestion", _("Suggestion")),
            ("follow_up", _("Follow-up of a low satisfaction score")),
        ],
    )
    first_response_days = models.PositiveSmallIntegerField(_("first response within (working days)"))
    resolution_days = models.PositiveSmallIntegerField(_("resolution within (working days)"))

    class Meta:
        ordering = ["kind"]
        verbose_name = _("response target")
        verbose_name_plural = _("response targets")

    def __str__(self):
        return self.get_kind_display()

    @classmethod
    def days_for(cls, kind: str) -> tuple[int, int]:
        row = cls.objects.filter(kind=kind).values_list("first_response_days", "resolution_days").first()
        return tuple(row) if row else cls.DEFAULTS[kind]


class Case(models.Model):
    """An inquiry, complaint or suggestion that must be answered, opened from the contact that brought it."""

    class Kind(models.TextChoices):
        INQUIRY = "inquiry", _("Inquiry")
        COMPLAINT = "complaint", _("Complaint")
        SUGGESTION = "suggestion", _("Suggestion")
        # Opened by the surveys app for a low score: evaluation leads to improvement, not to a complaint.
        FOLLOW_UP = "follow_up", _("Follow-up of a low satisfaction score")

    class Status(models.TextChoices):
        OPEN = "open", pgettext_lazy("case status", "Open")
        IN_PROGRESS = "in_progress", _("In progress")
        ANSWERED = "answered", _("Answered")
        CLOSED = "closed", pgettext_lazy("case status", "Closed")

    class Outcome(models.TextChoices):
        UPHELD = "upheld", _("Upheld")
        PARTLY_UPHELD = "partly_upheld", _("Partly upheld")
        REJECTED = "rejected", pgettext_lazy("case outcome", "Rejected")
        REFERRED = "referred", _("Referred to a support request")

    reference = models.CharField(_("reference number"), max_length=16, unique=True, editable=False)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.OPEN, editable=False, db_index=True
    )
    contact = models.OneToOneField(
        ContactEntry, on_delete=models.PROTECT, related_name="case", verbose_name=_("contact entry")
    )
    # Copied from the contact (or the beneficiary's file) so the sender can look the case up.
    mobile = models.CharField(_("mobile"), max_length=13, blank=True, validators=[validate_mobile])
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assigned_cases",
        verbose_name=_("assignee"),
    )
    staff_subject = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="complaints_about",
        verbose_name=_("staff member complained about"),
    )
    support_request = models.ForeignKey(
        "requests_app.SupportRequest",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cases",
        verbose_name=_("support request"),
    )
    branch = models.ForeignKey(
        "association.Branch",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cases",
        verbose_name=_("branch"),
    )
    # What else the inquiry or complaint is about, named by an app above (``program:5``): the contact form offers
    # what the ``case_about_choices`` registry slot gives; the app shows its cases by this key.
    about = models.CharField(_("about"), max_length=40, blank=True, db_index=True)
    contests_decision = models.BooleanField(_("contests the committee's decision"), default=False)
    response = models.TextField(_("response"), blank=True)
    response_channel = models.ForeignKey(
        Channel, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("answered through")
    )
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices, blank=True)
    outcome_note = models.TextField(_("outcome note"), blank=True)
    opened_at = models.DateTimeField(_("opened at"), db_index=True)
    first_response_due = models.DateTimeField(_("first response due"))
    resolution_due = models.DateTimeField(_("resolution due"))
    first_response_at = models.DateTimeField(_("first responded at"), null=True, blank=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    escalated_at = models.DateTimeField(_("escalated at"), null=True, blank=True, db_index=True)
    # The public sender asked to be told by SMS when the case is answered (the form's opt-in, on by default).
    sms_updates = models.BooleanField(_("tell the sender by SMS"), default=False)

    objects = CaseQuerySet.as_manager()

    class Meta:
        ordering = ["-opened_at", "-pk"]
        indexes = [
            # The list's order, for keyset pagination (association.kernel.pagination).
            models.Index(fields=["opened_at", "id"], name="case_opened_idx"),
            # The list narrowed by one of its filters (status, kind, branch, «mine») walks an index in the list's
            # order from either end, wherever in time the matching cases lie.
            *(
                models.Index(fields=[field, "opened_at", "id"], name=f"case_{field}_opened_idx")
                for field in ("status", "kind", "branch", "assignee")
            ),
            # The reports (channels_log.cases.reports): every column they read of the period's cases, so
            # PostgreSQL answers from the index alone.
            models.Index(
                fields=[
                    "opened_at",
                    "kind",
                    "status",
                    "branch",
                    "first_response_at",
                    "answered_at",
                    "first_response_due",
                    "resolution_due",
                ],
                name="case_report_idx",
            ),
        ]
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        permissions = [
            ("assign_case", _("Can assign cases")),
            ("view_case_reports", _("Can view contact and case reports")),
        ]

    def __str__(self):
        return self.reference

    def get_absolute_url(self):
        return reverse("channels_log:case_detail", kwargs={"pk": self.pk})

    def is_overdue(self, now=None) -> bool:
        now = now or timezone.now()
        if self.status in (self.Status.ANSWERED, self.Status.CLOSED):
            return False
        return (self.first_response_at is None and now > self.first_response_due) or now > self.resolution_due


class CaseEvent(models.Model):
    """Append-only history of a case: every status change, assignment, outcome and escalation."""

    class Action(models.TextChoices):
        OPENED = "opened", pgettext_lazy("case event", "Opened")
        ASSIGNED = "assigned", _("Assigned")
        STARTED = "started", _("Work started")
        ANSWERED = "answered", pgettext_lazy("case event", "Answered")
        CLOSED = "closed", pgettext_lazy("case event", "Closed")
        REOPENED = "reopened", _("Reopened")
        OUTCOME = "outcome", _("Outcome recorded")
        ESCALATED = "escalated", _("Escalated to the manager")
        APPEAL = "appeal", _("Appeal opened")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events", verbose_name=_("case"))
    action = models.CharField(_("action"), max_length=20, choices=Action.choices)
    old_status = models.CharField(_("from"), max_length=20, choices=Case.Status.choices, blank=True)
    new_status = models.CharField(_("to"), max_length=20, choices=Case.Status.choices, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    note = models.TextField(_("note"), blank=True)
    at = models.DateTimeField(_("at"), db_index=True)

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("case event")
        verbose_name_plural = _("case events")

    def __str__(self):
        return f"{self.case}: {self.get_action_display()}"
