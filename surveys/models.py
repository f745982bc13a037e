"""Satisfaction surveys: versioned questionnaires, single-use invitations, responses, improvement actions.

A survey (``Survey``) is a family of versions. Only a draft version can be edited; publishing freezes it,
and a change to a published survey is a new draft version. An invitation and its response point at the
exact version that was sent and answered, so later edits never rewrite what a beneficiary saw.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _


def _in_english() -> bool:
    return (get_language() or "ar").startswith("en")


class Survey(models.Model):
    code = models.SlugField(_("code"), max_length=40, unique=True)
    name_ar = models.CharField(_("Arabic name"), max_length=200)
    name_en = models.CharField(_("English name"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("survey")
        verbose_name_plural = _("surveys")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("surveys:detail", kwargs={"pk": self.pk})

    @property
    def name(self) -> str:
        return (self.name_en or self.name_ar) if _in_english() else self.name_ar

    def published_version(self):
        """The version new invitations get: the latest published one."""
        return self.versions.filter(status=SurveyVersion.Status.PUBLISHED).order_by("-number").first()


class SurveyVersion(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")
        RETIRED = "retired", _("Retired")

    survey = models.ForeignKey(Survey, on_delete=models.PROTECT, related_name="versions", verbose_name=_("survey"))
    number = models.PositiveSmallIntegerField(_("version"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT, editable=False, db_index=True
    )
    title_ar = models.CharField(_("Arabic title"), max_length=200)
    title_en = models.CharField(_("English title"), max_length=200, blank=True)
    intro_ar = models.TextField(_("Arabic introduction"), blank=True)
    intro_en = models.TextField(_("English introduction"), blank=True)
    anonymous = models.BooleanField(
        _("anonymous"),
        default=False,
        help_text=_("Responses keep no link to the beneficiary, and a low score opens no follow-up."),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True, editable=False)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
        verbose_name=_("published by"),
    )

    class Meta:
        ordering = ["survey", "-number"]
        verbose_name = _("survey version")
        verbose_name_plural = _("survey versions")
        constraints = [
            models.UniqueConstraint(fields=["survey", "number"], name="survey_version_number_unique"),
            models.UniqueConstraint(fields=["survey"], condition=Q(status="draft"), name="survey_one_draft"),
        ]

    def __str__(self):
        return f"{self.title} (v{self.number})"

    def get_absolute_url(self):
        return reverse("surveys:version", kwargs={"pk": self.pk})

    @property
    def title(self) -> str:
        return (self.title_en or self.title_ar) if _in_english() else self.title_ar

    @property
    def intro(self) -> str:
        return (self.intro_en or self.intro_ar) if _in_english() else self.intro_ar

    @property
    def is_editable(self) -> bool:
        return self.status == self.Status.DRAFT

    @property
    def status_style(self) -> str:
        """The badge colour of the status (templates compare no status strings)."""
        return {self.Status.PUBLISHED: "success", self.Status.DRAFT: "warning"}.get(self.status, "secondary")


class Question(models.Model):
    class Kind(models.TextChoices):
        RATING = "rating", _("Rating 1–5")
        SCORE = "score", _("Score 0–10")
        SINGLE = "single", _("Single choice")
        MULTIPLE = "multiple", _("Multiple choice")
        TEXT = "text", _("Free text")

    CHOICE_KINDS = (Kind.SINGLE, Kind.MULTIPLE)
    RANGES = {Kind.RATING: (1, 5), Kind.SCORE: (0, 10)}

    version = models.ForeignKey(
        SurveyVersion, on_delete=models.CASCADE, related_name="questions", verbose_name=_("survey version")
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    text_ar = models.CharField(_("Arabic wording"), max_length=300)
    text_en = models.CharField(_("English wording"), max_length=300, blank=True)
    required = models.BooleanField(_("required"), default=True)

    class Meta:
        ordering = ["version", "order", "pk"]
        verbose_name = _("question")
        verbose_name_plural = _("questions")

    def __str__(self):
        return self.text

    @property
    def text(self) -> str:
        return (self.text_en or self.text_ar) if _in_english() else self.text_ar

    @property
    def field_name(self) -> str:
        return f"q{self.pk}"


class Choice(models.Model):
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="choices", verbose_name=_("question"))
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    text_ar = models.CharField(_("Arabic wording"), max_length=200)
    text_en = models.CharField(_("English wording"), max_length=200, blank=True)

    class Meta:
        ordering = ["question", "order", "pk"]
        verbose_name = _("choice")
        verbose_name_plural = _("choices")

    def __str__(self):
        return self.text

    @property
    def text(self) -> str:
        return (self.text_en or self.text_ar) if _in_english() else self.text_ar


class SurveySettings(models.Model):
    """One row (pk=1), edited in admin: how long a link lives, when the reminder goes, what is a low score."""

    valid_days = models.PositiveSmallIntegerField(
        _("link valid for (days)"), default=14, validators=[MinValueValidator(1)]
    )
    reminder_after_days = models.PositiveSmallIntegerField(
        _("reminder after (days)"), default=3, validators=[MinValueValidator(1)]
    )
    low_rating_threshold = models.PositiveSmallIntegerField(
        _("low rating threshold (1–5)"),
        default=2,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
        help_text=_("A rating at or below this opens a follow-up."),
    )
    low_score_threshold = models.PositiveSmallIntegerField(
        _("low score threshold (0–10)"),
        default=4,
        validators=[MaxValueValidator(10)],
        help_text=_("A score at or below this opens a follow-up."),
    )

    class Meta:
        verbose_name = _("survey settings")
        verbose_name_plural = _("survey settings")

    def __str__(self):
        return str(_("Survey settings"))

    @classmethod
    def load(cls) -> "SurveySettings":
        return cls.objects.get_or_create(pk=1)[0]


class Trigger(models.TextChoices):
    SERVICE_DELIVERED = "service_delivered", _("Service delivered")
    DECISION_MADE = "decision_made", _("Decision made")
    COMPLAINT_CLOSED = "complaint_closed", _("Complaint closed")
    SESSION_HELD = "session_held", _("Program session held")
    BATCH = "batch", _("Batch chosen by staff")
    IN_PERSON = "in_person", _("In person")


EVENT_TRIGGERS = (Trigger.SERVICE_DELIVERED, Trigger.DECISION_MADE, Trigger.COMPLAINT_CLOSED, Trigger.SESSION_HELD)


class SendChannel(models.TextChoices):
    SMS = "sms", _("SMS")
    EMAIL = "email", _("Email")
    IN_PERSON = "in_person", _("In person (printed QR code)")


class TriggerRule(models.Model):
    """Admin-editable: whether an event invites the beneficiary, after how many days, to which survey."""

    trigger = models.CharField(
        _("event"), max_length=20, unique=True, choices=[(t.value, t.label) for t in EVENT_TRIGGERS]
    )
    enabled = models.BooleanField(_("enabled"), default=False)
    delay_days = models.PositiveSmallIntegerField(_("delay (days)"), default=1)
    survey = models.ForeignKey(
        Survey, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("survey")
    )
    send_channel = models.CharField(
        _("sent by"),
        max_length=10,
        choices=[(SendChannel.SMS, SendChannel.SMS.label), (SendChannel.EMAIL, SendChannel.EMAIL.label)],
        default=SendChannel.SMS,
    )

    class Meta:
        ordering = ["trigger"]
        verbose_name = _("invitation trigger")
        verbose_name_plural = _("invitation triggers")

    def __str__(self):
        return self.get_trigger_display()

    def clean(self):
        if self.enabled and self.survey_id is None:
            raise ValidationError({"survey": _("Choose the survey this event invites to, or leave it off.")})


class Invitation(models.Model):
    """A single-use link to one survey version. ``related_key`` names the event that caused it
    (``support_request:12``, ``case:7``) so an event invites once."""

    token = models.CharField(_("token"), max_length=64, unique=True, editable=False)
    version = models.ForeignKey(
        SurveyVersion, on_delete=models.PROTECT, related_name="invitations", verbose_name=_("survey version")
    )
    beneficiary = models.ForeignKey(
        "beneficiaries.Beneficiary",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="survey_invitations",
        verbose_name=_("beneficiary"),
    )
    trigger = models.CharField(_("source"), max_length=20, choices=Trigger.choices)
    related_key = models.CharField(_("related event"), max_length=60, blank=True)
    support_request = models.ForeignKey(
        "requests_app.SupportRequest",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="survey_invitations",
        verbose_name=_("support request"),
    )
    # What an app above surveys says the survey is about, by a key it gives (``program:5``): results per program
    # without surveys knowing programs (``session_attendees`` registry slot).
    subject_key = models.CharField(_("about"), max_length=40, blank=True, db_index=True)
    send_channel = models.CharField(_("sent by"), max_length=10, choices=SendChannel.choices, default=SendChannel.SMS)
    scheduled_for = models.DateTimeField(_("send at"), db_index=True)
    expires_at = models.DateTimeField(_("expires at"))
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True, editable=False)
    reminded_at = models.DateTimeField(_("reminded at"), null=True, blank=True, editable=False)
    used_at = models.DateTimeField(_("used at"), null=True, blank=True, editable=False)
    # Set when the link is answered for a request: "<request id>:<source>". Unique, so a request gets one
    # answer per source however many invitations staff print for it (surveys.services.response_submit).
    answered_key = models.CharField(_("request and source answered"), max_length=60, blank=True, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        constraints = [
            models.UniqueConstraint(
                fields=["trigger", "related_key"], condition=~Q(related_key=""), name="invitation_once_per_event"
            ),
            models.UniqueConstraint(
                fields=["answered_key"], condition=~Q(answered_key=""), name="one_answer_per_request_and_source"
            ),
        ]

    def __str__(self):
        return f"{self.version} — #{self.pk}"

    def get_absolute_url(self):
        """The public page (no login): the token is the only key."""
        return reverse("surveys:answer", kwargs={"token": self.token})

    def absolute_url(self) -> str:
        return settings.SITE_URL.rstrip("/") + self.get_absolute_url()

    def is_expired(self, now=None) -> bool:
        return (now or timezone.now()) >= self.expires_at

    @property
    def is_used(self) -> bool:
        return self.used_at is not None


class Response(models.Model):
    """One submitted questionnaire. An anonymous response holds no invitation, request or beneficiary,
    and only the day it was given (a time of day could be matched with the invitation's ``used_at``)."""

    version = models.ForeignKey(
        SurveyVersion, on_delete=models.PROTECT, related_name="responses", verbose_name=_("survey version")
    )
    invitation = models.OneToOneField(
        Invitation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="response",
        verbose_name=_("invitation"),
    )
    is_anonymous = models.BooleanField(_("anonymous"), default=False)
    trigger = models.CharField(_("source"), max_length=20, choices=Trigger.choices)
    support_request = models.ForeignKey(
        "requests_app.SupportRequest",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="survey_responses",
        verbose_name=_("support request"),
    )
    service_type = models.ForeignKey(
        "requests_app.ServiceType",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="survey_responses",
        verbose_name=_("request type"),
    )
    channel = models.ForeignKey(
        "association.Channel",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="survey_responses",
        verbose_name=_("channel"),
    )
    subject_key = models.CharField(_("about"), max_length=40, blank=True, db_index=True)
    language = models.CharField(_("language"), max_length=5, blank=True)
    # How the answer came in: the link sent by SMS or email, or the printed code handed over in person.
    collected_via = models.CharField(_("collected via"), max_length=10, choices=SendChannel.choices, blank=True)
    submitted_on = models.DateField(_("submitted on"), db_index=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    is_low = models.BooleanField(_("low score"), default=False)
    # The response's own share of the results (``FIGURES``), kept beside it so the results page sums responses
    # instead of joining every answer to its question: written with the answers (``services.response_submit``),
    # recomputable from them at any time (``services.response_figures_refresh``, ``manage.py survey_figures``).
    answer_count = models.PositiveSmallIntegerField(_("answers"), default=0, editable=False)
    rating_n = models.PositiveSmallIntegerField(_("ratings"), default=0, editable=False)
    satisfied = models.PositiveSmallIntegerField(_("ratings of 4 or 5"), default=0, editable=False)
    score_n = models.PositiveSmallIntegerField(_("scores"), default=0, editable=False)
    promoters = models.PositiveSmallIntegerField(_("scores of 9 or 10"), default=0, editable=False)
    detractors = models.PositiveSmallIntegerField(_("scores of 0 to 6"), default=0, editable=False)
    follow_up = models.ForeignKey(
        "channels_log.ContactEntry",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("follow-up"),
    )

    class Meta:
        ordering = ["-submitted_on", "-pk"]
        verbose_name = _("response")
        verbose_name_plural = _("responses")
        permissions = [("view_results", _("Can view survey results and export them"))]
        constraints = [
            models.CheckConstraint(
                condition=Q(is_anonymous=False)
                | Q(
                    invitation__isnull=True,
                    support_request__isnull=True,
                    submitted_at__isnull=True,
                    follow_up__isnull=True,
                ),
                name="anonymous_response_unlinked",
            ),
        ]

    def __str__(self):
        return f"{self.version} — {self.submitted_on}"


# Each stored figure of a response: how many of its answers match (CSAT counts ratings of 4–5 among the
# 1–5 ratings; NPS scores of 9–10 and 0–6 among the 0–10 scores). The one definition the figures are written from.
FIGURES = {
    "answer_count": Q(),
    "rating_n": Q(question__kind=Question.Kind.RATING),
    "satisfied": Q(question__kind=Question.Kind.RATING, number__gte=4),
    "score_n": Q(question__kind=Question.Kind.SCORE),
    "promoters": Q(question__kind=Question.Kind.SCORE, number__gte=9),
    "detractors": Q(question__kind=Question.Kind.SCORE, number__lte=6),
}


class Answer(models.Model):
    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="answers", verbose_name=_("response"))
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="answers", verbose_name=_("question"))
    number = models.SmallIntegerField(_("number"), null=True, blank=True)
    text = models.TextField(_("text"), blank=True)
    choices = models.ManyToManyField(Choice, blank=True, related_name="answers", verbose_name=_("choices"))

    class Meta:
        ordering = ["response", "question__order"]
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        constraints = [
            models.UniqueConstraint(fields=["response", "question"], name="one_answer_per_question"),
        ]

    def __str__(self):
        return f"{self.question}: {self.number if self.number is not None else self.text}"


class ImprovementAction(models.Model):
    """What the association decided after studying results: evaluation as a tool for improvement."""

    class Kind(models.TextChoices):
        DECISION = "decision", _("Decision")
        RECOMMENDATION = "recommendation", _("Recommendation")

    class Status(models.TextChoices):
        OPEN = "open", pgettext_lazy("improvement action status", "Open")
        IN_PROGRESS = "in_progress", _("In progress")
        DONE = "done", _("Done")
        CANCELLED = "cancelled", _("Cancelled")

    # Where an action may go, and the permission each step needs: the whole lifecycle on one screen
    # (``association.kernel.lifecycle.transition`` applies it).
    TRANSITIONS = {
        Status.OPEN: {
            Status.IN_PROGRESS: "surveys.change_improvementaction",
            Status.DONE: "surveys.change_improvementaction",
            Status.CANCELLED: "surveys.change_improvementaction",
        },
        Status.IN_PROGRESS: {
            Status.OPEN: "surveys.change_improvementaction",
            Status.DONE: "surveys.change_improvementaction",
            Status.CANCELLED: "surveys.change_improvementaction",
        },
        Status.DONE: {Status.IN_PROGRESS: "surveys.change_improvementaction"},
        Status.CANCELLED: {Status.OPEN: "surveys.change_improvementaction"},
    }

    survey = models.ForeignKey(
        Survey, on_delete=models.PROTECT, null=True, blank=True, related_name="actions", verbose_name=_("survey")
    )
    service_type = models.ForeignKey(
        "requests_app.ServiceType",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("request type"),
    )
    channel = models.ForeignKey(
        "association.Channel",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("channel"),
    )
    finding = models.TextField(_("finding"))
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.RECOMMENDATION)
    decision = models.TextField(_("decision or recommendation"))
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="improvement_actions", verbose_name=_("owner")
    )
    due_date = models.DateField(_("due date"))
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.OPEN, editable=False, db_index=True
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+", verbose_name=_("created by")
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True, editable=False)

    class Meta:
        ordering = ["due_date", "pk"]
        verbose_name = _("improvement action")
        verbose_name_plural = _("improvement actions")

    def __str__(self):
        return self.decision[:80]

    def get_absolute_url(self):
        return reverse("surveys:action_edit", kwargs={"pk": self.pk})

    def is_overdue(self, today=None) -> bool:
        today = today or timezone.localdate()
        return self.status in (self.Status.OPEN, self.Status.IN_PROGRESS) and self.due_date < today


class AuditEntry(models.Model):
    """Append-only record of every write in the surveys app. A response submission is recorded with
    the response only — never the invitation — so the audit cannot join an anonymous answer to a person."""

    at = models.DateTimeField(_("at"), db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    action = models.CharField(_("action"), max_length=40)
    object_type = models.CharField(_("object type"), max_length=40)
    object_id = models.PositiveBigIntegerField(_("object id"))
    old_value = models.CharField(_("from"), max_length=40, blank=True)
    new_value = models.CharField(_("to"), max_length=40, blank=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("survey audit entry")
        verbose_name_plural = _("survey audit log")

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.object_type}#{self.object_id}"
