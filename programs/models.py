"""Programs, activities and volunteers: who proposes a program, its lifecycle, permits, sessions and attendance,
volunteers and their hours, decisions and follow-up reports.

A program proposal comes from a volunteer, a beneficiary (the registry), an organisation or community group, or
the supervising body. Its status moves only through ``services`` (``association.kernel.lifecycle.transition``
with ``transitions.TRANSITIONS``), each step leaving a ``ProgramStatusChange`` row.
"""

import datetime as dt
import uuid

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from association.kernel.crypto import BlindIndexField, EncryptedCharField, refresh_blind_indexes
from association.kernel.identifiers import validate_mobile, validate_national_id
from association.kernel.text import mask


def _in_english() -> bool:
    return (get_language() or "ar").startswith("en")


class Organisation(models.Model):
    """A requester that is not a person: a mosque, a school, a waqf and its nazir, a neighbourhood committee, a
    ministry office. Individuals are beneficiaries (the registry) or volunteers."""

    class Kind(models.TextChoices):
        MOSQUE = "mosque", _("Mosque")
        SCHOOL = "school", _("School")
        WAQF = "waqf", _("Waqf")
        NEIGHBOURHOOD = "neighbourhood", _("Neighbourhood committee")
        MINISTRY_OFFICE = "ministry_office", _("Ministry office")
        COMMUNITY_GROUP = "community_group", _("Community group")
        OTHER = "other", _("Other organisation")

    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    contact_person = models.CharField(_("contact person"), max_length=200)
    contact_title = models.CharField(
        _("contact person's capacity"), max_length=120, blank=True, help_text=_("e.g. imam, principal, nazir")
    )
    contact_mobile = models.CharField(_("contact mobile"), max_length=13, validators=[validate_mobile])
    city = models.CharField(_("city or district"), max_length=120, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("programs:organisation_edit", kwargs={"pk": self.pk})


class ProgramKind(models.Model):
    """Awareness program, lecture, course, waqf service, project…, with the permits each needs."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name_ar = models.CharField(_("Arabic name"), max_length=120)
    name_en = models.CharField(_("English name"), max_length=120, blank=True)

    class Meta:
        ordering = ["name_ar"]
        verbose_name = _("program kind")
        verbose_name_plural = _("program kinds")

    def __str__(self):
        return self.name

    @property
    def name(self) -> str:
        return (self.name_en or self.name_ar) if _in_english() else self.name_ar


class PermitRequirement(models.Model):
    """A permit a kind of program needs before it may be scheduled, and the authority that issues it."""

    kind = models.ForeignKey(
        ProgramKind, on_delete=models.CASCADE, related_name="permit_requirements", verbose_name=_("program kind")
    )
    name = models.CharField(_("permit"), max_length=200)
    authority = models.CharField(_("issuing authority"), max_length=200)

    class Meta:
        ordering = ["kind", "pk"]
        verbose_name = _("required permit")
        verbose_name_plural = _("required permits")

    def __str__(self):
        return f"{self.name} — {self.authority}"


class Volunteer(models.Model):
    """A volunteer: applied through the volunteering channel, approved, then assigned to programs and sessions."""

    class Status(models.TextChoices):
        APPLIED = "applied", _("Applied")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", pgettext_lazy("volunteer status", "Rejected")
        INACTIVE = "inactive", _("Inactive")

    class Availability(models.TextChoices):
        WEEKDAYS = "weekdays", _("Weekdays")
        EVENINGS = "evenings", _("Evenings")
        WEEKENDS = "weekends", _("Weekends")
        FLEXIBLE = "flexible", _("Flexible")

    full_name = models.CharField(_("full name"), max_length=200)
    # Encrypted at rest (association.kernel.crypto); found and kept unique by its keyed hash, the same hash the
    # registry's national IDs have (purpose "national_id").
    national_id = EncryptedCharField(_("national ID or iqama"), max_length=10, validators=[validate_national_id])
    national_id_hash = BlindIndexField(source="national_id", purpose="national_id", unique=True)
    mobile = models.CharField(_("mobile"), max_length=13, validators=[validate_mobile])
    email = models.EmailField(_("email"), blank=True)
    skills = models.TextField(_("skills"), max_length=2000)
    availability = models.CharField(_("availability"), max_length=20, choices=Availability.choices)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.APPLIED, editable=False, db_index=True
    )
    channel = models.ForeignKey(
        "association.Channel", on_delete=models.PROTECT, related_name="+", verbose_name=_("received through")
    )
    applied_at = models.DateTimeField(_("applied at"), default=timezone.now)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+", verbose_name=_("recorded by")
    )

    class Meta:
        ordering = ["full_name", "pk"]
        verbose_name = _("volunteer")
        verbose_name_plural = _("volunteers")
        permissions = [("approve_volunteer", _("Can approve volunteers"))]

    def __str__(self):
        return self.full_name

    def get_absolute_url(self):
        return reverse("programs:volunteer_detail", kwargs={"pk": self.pk})

    def validate_unique(self, exclude=None):
        """One volunteer per ID, checked by its keyed hash and reported on the ID field."""
        exclude = set(exclude or ())
        super().validate_unique(exclude=exclude | {"national_id_hash"})
        if "national_id" in exclude or not self.national_id:
            return
        refresh_blind_indexes(self)
        if Volunteer.objects.filter(national_id_hash=self.national_id_hash).exclude(pk=self.pk).exists():
            from django.core.exceptions import ValidationError

            raise ValidationError({"national_id": _("A volunteer with this ID number is already registered.")})

    @property
    def national_id_masked(self) -> str:
        return mask(self.national_id)


class VolunteerStatusChange(models.Model):
    volunteer = models.ForeignKey(Volunteer, on_delete=models.CASCADE, related_name="status_changes")
    old_status = models.CharField(_("from"), max_length=20, choices=Volunteer.Status.choices)
    new_status = models.CharField(_("to"), max_length=20, choices=Volunteer.Status.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    reason = models.TextField(_("reason"), blank=True)
    at = models.DateTimeField(_("at"))

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("volunteer status change")
        verbose_name_plural = _("volunteer status changes")

    def __str__(self):
        return f"{self.volunteer}: {self.old_status} → {self.new_status}"


class Program(models.Model):
    class Status(models.TextChoices):
        PROPOSED = "proposed", _("Proposed")
        UNDER_STUDY = "under_study", _("Under study")
        APPROVED = "approved", pgettext_lazy("program status", "Approved")
        REJECTED = "rejected", pgettext_lazy("program status", "Rejected")
        AWAITING_PERMITS = "awaiting_permits", _("Awaiting permits")
        PERMITTED = "permitted", _("Permitted")
        SCHEDULED = "scheduled", _("Scheduled")
        RUNNING = "running", _("Running")
        COMPLETED = "completed", _("Completed")
        REPORTED = "reported", _("Reported")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    class Requester(models.TextChoices):
        VOLUNTEER = "volunteer", _("A volunteer")
        BENEFICIARY = "beneficiary", _("A beneficiary")
        ORGANISATION = "organisation", _("An organisation or community group")
        SUPERVISING_BODY = "supervising_body", _("The supervising body")

    reference = models.CharField(_("reference number"), max_length=16, unique=True, editable=False)
    title = models.CharField(_("title"), max_length=200)
    kind = models.ForeignKey(ProgramKind, on_delete=models.PROTECT, related_name="programs", verbose_name=_("kind"))
    requester = models.CharField(_("proposed by"), max_length=20, choices=Requester.choices)
    volunteer = models.ForeignKey(
        Volunteer, on_delete=models.PROTECT, null=True, blank=True, related_name="programs", verbose_name=_("volunteer")
    )
    beneficiary = models.ForeignKey(
        "beneficiaries.Beneficiary",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("beneficiary"),
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="programs",
        verbose_name=_("organisation"),
    )
    # The supervising body's office and letter, when it is the proposer.
    body_reference = models.CharField(_("supervising body's letter"), max_length=120, blank=True)
    body_mobile = models.CharField(
        _("supervising body's mobile"), max_length=13, blank=True, validators=[validate_mobile]
    )
    audience = models.CharField(_("audience"), max_length=200)
    place = models.CharField(_("place"), max_length=200)
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"))
    expected_attendance = models.PositiveIntegerField(_("expected attendance"), validators=[MinValueValidator(1)])
    budget = models.DecimalField(
        _("budget (SAR)"), max_digits=12, decimal_places=2, default=0, validators=[MinValueValidator(0)]
    )
    description = models.TextField(_("description"), max_length=5000, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.PROPOSED, editable=False, db_index=True
    )
    decision_note = models.TextField(_("decision"), blank=True, editable=False)
    decided_by_body = models.CharField(_("decided by"), max_length=200, blank=True, editable=False)
    coordinator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="coordinated_programs",
        verbose_name=_("coordinator"),
    )
    proposed_at = models.DateTimeField(_("proposed at"), default=timezone.now, db_index=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+", verbose_name=_("recorded by")
    )

    class Meta:
        ordering = ["-proposed_at", "-pk"]
        verbose_name = _("program")
        verbose_name_plural = _("programs")
        permissions = [
            ("study_program", _("Can take program proposals under study")),
            ("decide_program", _("Can approve or reject program proposals")),
            ("record_body_decision", _("Can record the competent body's decision on a program")),
            ("run_program", _("Can run programs: permits, sessions, attendance")),
            ("report_program", _("Can issue program reports")),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(end_date__gte=models.F("start_date")), name="program_dates_in_order"),
        ]

    def __str__(self):
        return f"{self.reference} — {self.title}"

    def get_absolute_url(self):
        return reverse("programs:detail", kwargs={"pk": self.pk})

    def clean(self):
        from django.core.exceptions import ValidationError

        if self.start_date and self.end_date and self.end_date < self.start_date:
            raise ValidationError({"end_date": _("The end date is before the start date.")})
        needed = {
            self.Requester.VOLUNTEER: ("volunteer_id", _("Choose the volunteer who proposes the program.")),
            self.Requester.BENEFICIARY: ("beneficiary_id", _("Name the beneficiary who proposes the program.")),
            self.Requester.ORGANISATION: ("organisation_id", _("Choose the organisation that proposes the program.")),
        }
        if self.requester in needed:
            field, message = needed[self.requester]
            if getattr(self, field) is None:
                raise ValidationError({field.removesuffix("_id"): message})

    @property
    def subject_key(self) -> str:
        """How other apps name this program without importing it (survey answers, cases)."""
        return f"program:{self.pk}"

    @property
    def proposer_name(self) -> str:
        if self.requester == self.Requester.VOLUNTEER and self.volunteer_id:
            return self.volunteer.full_name
        if self.requester == self.Requester.BENEFICIARY and self.beneficiary_id:
            return self.beneficiary.full_name
        if self.requester == self.Requester.ORGANISATION and self.organisation_id:
            return f"{self.organisation.name} ({self.organisation.contact_person})"
        return self.body_reference  # the supervising body's letter

    @property
    def status_style(self) -> str:
        return {
            self.Status.REJECTED: "danger",
            self.Status.WITHDRAWN: "secondary",
            self.Status.REPORTED: "success",
            self.Status.COMPLETED: "success",
            self.Status.RUNNING: "primary",
        }.get(self.status, "info")


class ProgramStatusChange(models.Model):
    """Append-only: one row per step of the lifecycle."""

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="status_changes")
    old_status = models.CharField(_("from"), max_length=20, choices=Program.Status.choices)
    new_status = models.CharField(_("to"), max_length=20, choices=Program.Status.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    reason = models.TextField(_("reason"), blank=True)
    at = models.DateTimeField(_("at"))

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("program status change")
        verbose_name_plural = _("program status changes")

    def __str__(self):
        return f"{self.program_id}: {self.old_status} → {self.new_status}"


def _program_file_path(instance, filename):
    # Opaque names: the original name is kept in the row, never in the path.
    return f"programs/{instance.program_id}/{uuid.uuid4().hex}.{filename.rsplit('.', 1)[-1]}"


class ProgramDocument(models.Model):
    program = models.ForeignKey(Program, on_delete=models.PROTECT, related_name="documents", verbose_name=_("program"))
    title = models.CharField(_("title"), max_length=200)
    file = models.FileField(_("file"), upload_to=_program_file_path)
    original_name = models.CharField(_("original file name"), max_length=200, blank=True)
    content_type = models.CharField(_("content type"), max_length=60, editable=False)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("program document")
        verbose_name_plural = _("program documents")

    def __str__(self):
        return self.title


class Permit(models.Model):
    """A permit for one program: requested from an authority, then issued with a number and validity."""

    program = models.ForeignKey(Program, on_delete=models.PROTECT, related_name="permits", verbose_name=_("program"))
    requirement = models.ForeignKey(
        PermitRequirement,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="permits",
        verbose_name=_("required permit"),
    )
    authority = models.CharField(_("issuing authority"), max_length=200)
    requested_on = models.DateField(_("requested on"))
    number = models.CharField(_("permit number"), max_length=60, blank=True)
    issued_on = models.DateField(_("issued on"), null=True, blank=True)
    expires_on = models.DateField(_("expires on"), null=True, blank=True)
    scan = models.FileField(_("scan"), upload_to=_program_file_path, blank=True)
    scan_content_type = models.CharField(max_length=60, blank=True, editable=False)
    reminded_at = models.DateTimeField(_("expiry reminder sent at"), null=True, blank=True, editable=False)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")

    class Meta:
        ordering = ["program", "pk"]
        verbose_name = _("permit")
        verbose_name_plural = _("permits")

    def __str__(self):
        return f"{self.authority} {self.number}".strip()

    def clean(self):
        from django.core.exceptions import ValidationError

        errors = {}
        issued = [bool(self.number), self.issued_on is not None, self.expires_on is not None]
        if any(issued) and not all(issued):
            errors["number"] = _("An issued permit has its number, issue date and expiry date.")
        if self.issued_on and self.expires_on and self.expires_on < self.issued_on:
            errors["expires_on"] = _("The permit expires before it is issued.")
        if self.issued_on and self.requested_on and self.issued_on < self.requested_on:
            errors["issued_on"] = _("The permit is issued before it was requested.")
        if errors:
            raise ValidationError(errors)

    def is_valid_on(self, day: dt.date) -> bool:
        return bool(self.number and self.issued_on and self.expires_on and self.issued_on <= day <= self.expires_on)


class Session(models.Model):
    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        HELD = "held", _("Held")
        CANCELLED = "cancelled", pgettext_lazy("session status", "Cancelled")

    program = models.ForeignKey(Program, on_delete=models.PROTECT, related_name="sessions", verbose_name=_("program"))
    title = models.CharField(_("title"), max_length=200)
    starts_at = models.DateTimeField(_("date and time"))
    place = models.CharField(_("place"), max_length=200)
    facilitator = models.CharField(_("facilitator"), max_length=200)
    open_event = models.BooleanField(
        _("open public event"), default=False, help_text=_("Attendance is a head-count, not a list of names.")
    )
    head_count = models.PositiveIntegerField(_("head-count"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.PLANNED, editable=False
    )
    held_at = models.DateTimeField(_("held at"), null=True, blank=True, editable=False)

    class Meta:
        ordering = ["starts_at", "pk"]
        verbose_name = _("session")
        verbose_name_plural = _("sessions")

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("programs:session", kwargs={"pk": self.pk})


class Attendance(models.Model):
    """One person expected at one session. The QR token checks them in once; staff may tick the list instead."""

    class Method(models.TextChoices):
        QR = "qr", _("QR code")
        LIST = "list", _("Attendance list")

    session = models.ForeignKey(
        Session, on_delete=models.CASCADE, related_name="attendances", verbose_name=_("session")
    )
    beneficiary = models.ForeignKey(
        "beneficiaries.Beneficiary",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("beneficiary"),
    )
    name = models.CharField(_("name"), max_length=200)
    mobile = models.CharField(_("mobile"), max_length=13, blank=True, validators=[validate_mobile])
    token = models.CharField(max_length=64, unique=True, editable=False)
    checked_in_at = models.DateTimeField(_("attended at"), null=True, blank=True, editable=False)
    method = models.CharField(_("recorded by"), max_length=10, choices=Method.choices, blank=True, editable=False)

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        constraints = [
            models.UniqueConstraint(
                fields=["session", "beneficiary"], condition=Q(beneficiary__isnull=False), name="attendance_once"
            ),
            models.UniqueConstraint(
                fields=["session", "mobile"], condition=~Q(mobile=""), name="attendance_once_per_mobile"
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def attended(self) -> bool:
        return self.checked_in_at is not None


class VolunteerAssignment(models.Model):
    volunteer = models.ForeignKey(
        Volunteer, on_delete=models.PROTECT, related_name="assignments", verbose_name=_("volunteer")
    )
    program = models.ForeignKey(
        Program, on_delete=models.PROTECT, related_name="assignments", verbose_name=_("program")
    )
    task = models.CharField(_("task"), max_length=200)
    assigned_at = models.DateTimeField(_("assigned at"), auto_now_add=True)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("volunteer assignment")
        verbose_name_plural = _("volunteer assignments")
        constraints = [models.UniqueConstraint(fields=["volunteer", "program"], name="volunteer_assigned_once")]

    def __str__(self):
        return f"{self.volunteer} — {self.task}"


class VolunteerHours(models.Model):
    """Hours a volunteer gave at one session (one row per volunteer and session)."""

    volunteer = models.ForeignKey(
        Volunteer, on_delete=models.PROTECT, related_name="hours", verbose_name=_("volunteer")
    )
    session = models.ForeignKey(
        Session, on_delete=models.PROTECT, related_name="volunteer_hours", verbose_name=_("session")
    )
    hours = models.DecimalField(_("hours"), max_digits=4, decimal_places=1, validators=[MinValueValidator(0.5)])
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        ordering = ["session__starts_at", "pk"]
        verbose_name = _("volunteer hours")
        verbose_name_plural = _("volunteer hours")
        constraints = [models.UniqueConstraint(fields=["volunteer", "session"], name="hours_once_per_session")]

    def __str__(self):
        return f"{self.volunteer}: {self.hours}"


class ProgramNote(models.Model):
    """A decision or recommendation taken about a program (evaluation turned into action)."""

    class Kind(models.TextChoices):
        DECISION = "decision", _("Decision")
        RECOMMENDATION = "recommendation", _("Recommendation")

    program = models.ForeignKey(Program, on_delete=models.PROTECT, related_name="notes", verbose_name=_("program"))
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    text = models.TextField(_("text"), max_length=2000)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)

    class Meta:
        ordering = ["recorded_at", "pk"]
        verbose_name = _("decision or recommendation")
        verbose_name_plural = _("decisions and recommendations")

    def __str__(self):
        return self.text[:60]


class ProgramReport(models.Model):
    """A follow-up report on one program over a period, for the board or the supervising body. The final report
    of a completed program moves it to «reported»."""

    program = models.ForeignKey(Program, on_delete=models.PROTECT, related_name="reports", verbose_name=_("program"))
    period_start = models.DateField(_("from"))
    period_end = models.DateField(_("to"))
    final = models.BooleanField(_("final report"), default=False)
    addressed_to = models.CharField(_("addressed to"), max_length=200)
    issued_at = models.DateTimeField(_("issued at"), default=timezone.now)
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")

    class Meta:
        ordering = ["-issued_at", "-pk"]
        verbose_name = _("program report")
        verbose_name_plural = _("program reports")
        constraints = [
            models.CheckConstraint(
                condition=Q(period_end__gte=models.F("period_start")), name="report_period_in_order"
            ),
        ]

    def __str__(self):
        return f"{self.program.reference} {self.period_start} – {self.period_end}"
