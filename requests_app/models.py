"""Support requests: what a beneficiary asks for, and every status it passes through."""

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from association.kernel.crypto import EncryptedDecimalField, EncryptedTextField
from association.policy.procedure import Decider, decider_name


class ServiceType(models.Model):
    """A service the association offers; it names the documents a request for it must carry."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=120)
    description = models.TextField(_("description"), blank=True)
    required_documents = models.ManyToManyField(
        "beneficiaries.DocumentType", blank=True, related_name="service_types", verbose_name=_("required documents")
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("service type")
        verbose_name_plural = _("service types")

    def __str__(self):
        return self.name


class Explanation(models.TextChoices):
    CLEAR = "clear", _("The procedure was clear to the applicant")
    REFERRED = "referred", _("Referred to the social researcher, who explained the procedure")


class SupportRequest(models.Model):
    Explanation = Explanation

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        INCOMPLETE = "incomplete", _("Incomplete")
        IN_RESEARCH = "in_research", _("In social research")
        AWAITING_COMMITTEE = "awaiting_committee", _("Awaiting the committee")
        APPROVED = "approved", pgettext_lazy("request status", "Approved")
        REJECTED = "rejected", pgettext_lazy("request status", "Rejected")
        REGISTERED = "registered", _("Registered")
        SERVICE_DELIVERED = "service_delivered", _("Service delivered")
        CLOSED = "closed", _("Closed")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    number = models.CharField(_("number"), max_length=20, unique=True, null=True, blank=True, editable=False)
    beneficiary = models.ForeignKey(
        "beneficiaries.Beneficiary", on_delete=models.PROTECT, related_name="requests", verbose_name=_("beneficiary")
    )
    service_type = models.ForeignKey(
        ServiceType, on_delete=models.PROTECT, related_name="requests", verbose_name=_("service type")
    )
    channel = models.ForeignKey(
        "association.Channel", on_delete=models.PROTECT, related_name="requests", verbose_name=_("channel received")
    )
    description = models.TextField(_("description"))
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT, editable=False, db_index=True
    )
    # The procedure in force when the request was submitted (``association.policy.procedure``): who decides it,
    # under what name, and the minimum days before the decision (empty: no window).
    decision_window_days = models.PositiveSmallIntegerField(
        _("decision window (days)"), default=14, null=True, blank=True
    )
    decider = models.CharField(
        _("decided by"), max_length=20, choices=Decider.choices, default=Decider.COMMITTEE, editable=False
    )
    decider_name = models.CharField(_("deciding body"), max_length=200, blank=True, editable=False)
    policy_version = models.ForeignKey(
        "association.PolicyVersion",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="support_requests",
        verbose_name=_("policy version in force"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    branch = models.ForeignKey(
        "association.Branch",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="support_requests",
        verbose_name=_("branch"),
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True, editable=False)
    researcher = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="research_assignments",
        verbose_name=_("social researcher"),
        editable=False,
    )
    # What the beneficiary still has to bring, written when the request is returned as incomplete.
    missing_items = models.JSONField(_("missing items"), default=list, blank=True, editable=False)
    # Reconsideration: a rejected request may be appealed once; the committee then sits a second round.
    committee_round = models.PositiveSmallIntegerField(_("committee round"), default=1, editable=False)
    appeal_text = models.TextField(_("appeal"), blank=True, editable=False)
    appealed_at = models.DateTimeField(_("appealed at"), null=True, blank=True, editable=False)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True, editable=False)
    # Step 3 of the policy's procedure, apart from the eligibility study: when the procedure is unclear to the
    # applicant, the officer refers them to the social researcher, who explains it — before the declaration.
    explanation = models.CharField(
        _("procedure explained"), max_length=10, choices=Explanation.choices, blank=True, editable=False
    )
    explanation_researcher = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("social researcher who explained the procedure"),
        editable=False,
    )
    explanation_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("explanation recorded by"),
        editable=False,
    )
    explanation_at = models.DateTimeField(_("procedure explained at"), null=True, blank=True, editable=False)
    explanation_note = models.TextField(_("what was explained"), blank=True, editable=False)
    # Sent by the applicant from the self-service pages: a draft that waits for the officer to verify the
    # data and documents and submit it, as for one opened at the desk.
    received_online_at = models.DateTimeField(_("received online at"), null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            # The list's order, for keyset pagination (association.kernel.pagination); with the branch beside each
            # entry, the contact reports count a period's requests per branch from the index alone (PostgreSQL).
            models.Index(fields=["created_at", "id"], include=["branch_id"], name="request_created_idx"),
            # The list filtered by one of its form's fields stays a walk of an index in the list's order, from
            # either end, wherever in time the matching rows lie (a branch opened last month, a researcher who
            # left years ago).
            *(
                models.Index(fields=[field, "created_at", "id"], name=f"request_{short}_created_idx")
                for field, short in (
                    ("status", "status"),
                    ("service_type", "service"),
                    ("channel", "channel"),
                    ("researcher", "researcher"),
                    ("branch", "branch"),
                )
            ),
            # The committee's agenda and the researchers' and managers' panels: a status, oldest submission first.
            models.Index(fields=["status", "submitted_at"], name="request_status_submitted_idx"),
            # The managers' overdue panel: undecided requests (``transitions.UNDECIDED``), oldest submission first,
            # read in order up to the cutoff instead of sorting every undecided request.
            models.Index(
                fields=["submitted_at", "id"],
                condition=models.Q(status__in=["submitted", "in_research", "awaiting_committee"]),
                name="request_undecided_idx",
            ),
        ]
        verbose_name = _("support request")
        verbose_name_plural = _("support requests")
        permissions = [
            ("process_supportrequest", _("Can receive, submit, register and deliver support requests")),
            ("refer_supportrequest", _("Can refer a submitted support request to social research")),
            ("research_supportrequest", _("Can carry out the social research of a support request")),
            ("vote_supportrequest", _("Can vote in the research committee")),
            ("decide_supportrequest", _("Can record the research committee's decision")),
            ("decide_body_supportrequest", _("Can record the decision of the manager or the competent body")),
            ("close_supportrequest", _("Can close a support request")),
            ("witness_declaration", _("Can witness the applicant's declaration")),
        ]

    def __str__(self):
        return self.number or _("Draft #%(pk)s") % {"pk": self.pk}

    def get_absolute_url(self):
        return reverse("requests_app:detail", kwargs={"pk": self.pk})

    @property
    def returned_items(self) -> list[str]:
        """What the beneficiary was asked to bring when the request was returned, while it waits for it."""
        return self.missing_items if self.status == self.Status.INCOMPLETE else []

    def has_signed_declaration(self) -> bool:
        """Is the declaration signed? Read with the row when it was loaded by
        ``selectors.request_with_history`` (the ``declaration_signed`` annotation), with one query otherwise."""
        loaded = getattr(self, "declaration_signed", None)
        if loaded is not None:
            return loaded
        return Declaration.objects.filter(support_request_id=self.pk).exists()

    @property
    def uses_committee(self) -> bool:
        """Does a committee decide this request (votes, quorum, minutes), or the manager or a competent body?"""
        return self.decider == Decider.COMMITTEE

    @property
    def deciding_body(self) -> str:
        """The deciding body's name as the policy names it: «لجنة البحث», «مدير الجمعية», the competent body."""
        return decider_name(self.decider, self.decider_name)

    def get_status_display(self) -> str:
        """The status; awaiting a decision names who decides when it is not the committee."""
        if self.status == self.Status.AWAITING_COMMITTEE and not self.uses_committee:
            return _("Awaiting the decision of %(body)s") % {"body": self.deciding_body}
        return str(self.Status(self.status).label) if self.status in self.Status.values else self.status

    @property
    def decidable_from(self):
        from .selectors import decidable_from

        return decidable_from(self)


class StatusChange(models.Model):
    """Append-only history of a request's status."""

    support_request = models.ForeignKey(
        SupportRequest, on_delete=models.CASCADE, related_name="status_changes", verbose_name=_("support request")
    )
    old_status = models.CharField(_("from"), max_length=20, choices=SupportRequest.Status.choices, blank=True)
    new_status = models.CharField(_("to"), max_length=20, choices=SupportRequest.Status.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+", verbose_name=_("by")
    )
    reason = models.TextField(_("reason"), blank=True)
    at = models.DateTimeField(_("at"), db_index=True)

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("status change")
        verbose_name_plural = _("status changes")

    def __str__(self):
        return f"{self.support_request}: {self.old_status or '∅'} → {self.new_status}"


class RequestSequence(models.Model):
    """The last request number used in a Hijri year; its row is locked while a number is taken."""

    hijri_year = models.PositiveIntegerField(_("Hijri year"), primary_key=True)
    last_number = models.PositiveIntegerField(_("last number"), default=0)

    class Meta:
        verbose_name = _("request number sequence")
        verbose_name_plural = _("request number sequences")

    def __str__(self):
        return f"{self.hijri_year}: {self.last_number}"


class CommitteeSettings(models.Model):
    """One row: how the research committee works (editable in admin)."""

    quorum = models.PositiveSmallIntegerField(
        _("quorum"),
        null=True,
        blank=True,
        help_text=_("Votes needed before the chair may decide; empty means a majority of the active members."),
    )
    overdue_days = models.PositiveSmallIntegerField(
        _("days to a decision before escalation"),
        default=30,
        help_text=_("A request with no decision this many days after submission is escalated to the manager."),
    )

    class Meta:
        verbose_name = _("committee settings")
        verbose_name_plural = _("committee settings")

    def __str__(self):
        return str(_("Committee settings"))

    @classmethod
    def get_solo(cls) -> "CommitteeSettings":
        return cls.objects.filter(pk=1).first() or cls(pk=1)


def _signature_path(instance, filename):
    # Random names: an uploaded file name may carry a person's name or ID number.
    return f"declarations/{uuid.uuid4().hex}"


class Declaration(models.Model):
    """The applicant's إقرار: the exact text they signed, when, before which staff witness, and the signature."""

    class Method(models.TextChoices):
        SCAN = "scan", _("Uploaded signed scan")
        SCREEN = "screen", _("Signed on screen")
        # Drawn by the applicant on their own phone, signed in to the self-service pages: no staff witness.
        ONLINE = "online", _("Signed on screen online by the applicant")

    support_request = models.OneToOneField(
        SupportRequest, on_delete=models.CASCADE, related_name="declaration", verbose_name=_("support request")
    )
    text_version = models.CharField(_("text version"), max_length=20)
    text = models.TextField(_("declaration text"))
    signed_at = models.DateTimeField(_("signed at"))
    witness = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("staff witness"),
    )
    method = models.CharField(_("signature"), max_length=10, choices=Method.choices)
    signature_file = models.FileField(_("signature file"), upload_to=_signature_path)
    signature_content_type = models.CharField(_("content type"), max_length=60)

    class Meta:
        verbose_name = _("declaration")
        verbose_name_plural = _("declarations")

    def __str__(self):
        return f"{self.support_request} — {self.text_version}"

    def clean(self):
        # Only the applicant's own online signature has no staff witness.
        if self.witness_id is None and self.method != self.Method.ONLINE:
            raise ValidationError({"witness": _("A declaration signed at the association names its staff witness.")})


class EligibilityRuleSet(models.Model):
    """A version of the eligibility rules of a service type. A study keeps the version it was scored with;
    once used, a version is frozen and a change is a new version."""

    service_type = models.ForeignKey(
        ServiceType, on_delete=models.PROTECT, related_name="rule_sets", verbose_name=_("service type")
    )
    version = models.PositiveIntegerField(_("version"))
    is_active = models.BooleanField(_("in force"), default=True)
    pass_score = models.PositiveSmallIntegerField(_("score to recommend approval"), default=50)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["service_type", "-version"]
        verbose_name = _("eligibility rule set")
        verbose_name_plural = _("eligibility rule sets")
        constraints = [models.UniqueConstraint(fields=["service_type", "version"], name="one_rule_set_version")]

    def __str__(self):
        return _("%(service)s — version %(version)s") % {"service": self.service_type, "version": self.version}

    @property
    def is_used(self) -> bool:
        return self.pk is not None and self.studies.exists()


class EligibilityRule(models.Model):
    class Criterion(models.TextChoices):
        INCOME_PER_PERSON_AT_MOST = "income_per_person_at_most", _("Income per person at most (SAR)")
        HOUSEHOLD_SIZE_AT_LEAST = "household_size_at_least", _("Household size at least")
        EXPENSES_RATIO_AT_LEAST = "expenses_ratio_at_least", _("Expenses at least this percentage of income")
        HOUSING_RENTED = "housing_rented", _("Housing is rented")
        HOUSING_INADEQUATE = "housing_inadequate", _("Housing is inadequate")
        HEALTH_CONDITION = "health_condition", _("A household member has a chronic illness or disability")

    rule_set = models.ForeignKey(
        EligibilityRuleSet, on_delete=models.CASCADE, related_name="rules", verbose_name=_("rule set")
    )
    criterion = models.CharField(_("criterion"), max_length=40, choices=Criterion.choices)
    threshold = models.DecimalField(_("threshold"), max_digits=10, decimal_places=2, default=0)
    points = models.PositiveSmallIntegerField(_("points"))

    class Meta:
        ordering = ["pk"]
        verbose_name = _("eligibility rule")
        verbose_name_plural = _("eligibility rules")

    def __str__(self):
        return f"{self.get_criterion_display()} {self.threshold} → {self.points}"


class SocialStudy(models.Model):
    """A referral to a social researcher, the visit and assessment they record, and their recommendation."""

    class Housing(models.TextChoices):
        OWNED = "owned", _("Owned")
        RENTED = "rented", _("Rented")
        FAMILY = "family", _("With relatives")
        INADEQUATE = "inadequate", _("Inadequate / shelter")

    class Recommendation(models.TextChoices):
        APPROVE = "approve", _("Approve")
        REJECT = "reject", _("Reject")

    support_request = models.ForeignKey(
        SupportRequest, on_delete=models.CASCADE, related_name="studies", verbose_name=_("support request")
    )
    researcher = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="studies", verbose_name=_("researcher")
    )
    referred_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("referred by")
    )
    referral_reason = models.TextField(_("referral reason"))
    referred_at = models.DateTimeField(_("referred at"))
    visit_date = models.DateField(_("visit date"), null=True, blank=True)
    income_sources = models.TextField(_("income sources"), blank=True)
    # Empty until the researcher records the visit (``study_record``, whose form requires them).
    # Income figures and health are encrypted at rest (association.kernel.crypto).
    monthly_income = EncryptedDecimalField(
        _("household monthly income (SAR)"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    monthly_expenses = EncryptedDecimalField(
        _("monthly expenses (SAR)"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    housing = models.CharField(_("housing"), max_length=12, choices=Housing.choices, blank=True)
    health = EncryptedTextField(_("health"), blank=True)
    has_health_condition = models.BooleanField(_("chronic illness or disability in the household"), default=False)
    household_size = models.PositiveSmallIntegerField(_("household size"), null=True, blank=True)
    household_notes = models.TextField(_("household"), blank=True)
    income_per_person = EncryptedDecimalField(
        _("income per person (SAR)"), max_digits=10, decimal_places=2, null=True, editable=False
    )
    score = models.PositiveSmallIntegerField(_("eligibility score"), null=True, editable=False)
    rule_set = models.ForeignKey(
        EligibilityRuleSet,
        on_delete=models.PROTECT,
        null=True,
        related_name="studies",
        verbose_name=_("rules version"),
        editable=False,
    )
    assessed_at = models.DateTimeField(_("assessed at"), null=True, editable=False)
    recommendation = models.CharField(_("recommendation"), max_length=10, choices=Recommendation.choices, blank=True)
    recommendation_reasons = models.TextField(_("reasons"), blank=True)
    recommended_at = models.DateTimeField(_("recommended at"), null=True, editable=False)

    class Meta:
        ordering = ["-referred_at", "-pk"]
        verbose_name = _("social study")
        verbose_name_plural = _("social studies")

    def __str__(self):
        return f"{self.support_request} — {self.researcher}"


class CommitteeVote(models.Model):
    class Vote(models.TextChoices):
        APPROVE = "approve", _("Approve")
        REJECT = "reject", _("Reject")
        ABSTAIN = "abstain", _("Abstain")
        RECUSED = "recused", _("Recused (conflict of interest)")

    support_request = models.ForeignKey(
        SupportRequest, on_delete=models.CASCADE, related_name="votes", verbose_name=_("support request")
    )
    committee_round = models.PositiveSmallIntegerField(_("committee round"), default=1)
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("member")
    )
    vote = models.CharField(_("vote"), max_length=10, choices=Vote.choices)
    note = models.TextField(_("note"), blank=True)
    at = models.DateTimeField(_("at"))

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("committee vote")
        verbose_name_plural = _("committee votes")
        constraints = [
            models.UniqueConstraint(fields=["support_request", "committee_round", "member"], name="one_vote_per_round"),
        ]

    def __str__(self):
        return f"{self.support_request} — {self.member}: {self.vote}"


class CommitteeDecision(models.Model):
    class Outcome(models.TextChoices):
        # Labels that read as the decision itself: «القرار: الموافقة على الطلب».
        APPROVED = "approved", pgettext_lazy("decision outcome", "Approved")
        REJECTED = "rejected", pgettext_lazy("decision outcome", "Rejected")

    class GrantKind(models.TextChoices):
        CASH = "cash", _("Cash amount")
        IN_KIND = "in_kind", _("In-kind items")
        SERVICE = "service", _("Service")

    support_request = models.ForeignKey(
        SupportRequest, on_delete=models.CASCADE, related_name="decisions", verbose_name=_("support request")
    )
    committee_round = models.PositiveSmallIntegerField(_("committee round"), default=1)
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices)
    reasons = models.TextField(_("reasons"))
    chair = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("chair")
    )
    decided_at = models.DateTimeField(_("decided at"))
    grant_kind = models.CharField(_("what is granted"), max_length=10, choices=GrantKind.choices, blank=True)
    grant_amount = models.DecimalField(_("amount (SAR)"), max_digits=10, decimal_places=2, null=True, blank=True)
    grant_items = models.TextField(_("items"), blank=True)
    grant_period_months = models.PositiveSmallIntegerField(_("period (months)"), null=True, blank=True)
    # Who decided: the committee (``chair`` signs), or the manager or a competent body (``chair`` is the manager
    # who recorded it), under the name the policy gives.
    decider = models.CharField(_("decided by"), max_length=20, choices=Decider.choices, default=Decider.COMMITTEE)
    decider_name = models.CharField(_("deciding body"), max_length=200, blank=True)

    class Meta:
        ordering = ["decided_at", "pk"]
        verbose_name = _("committee decision")
        verbose_name_plural = _("committee decisions")
        constraints = [
            # The database refuses a second decision in the same round, whatever the application does.
            models.UniqueConstraint(fields=["support_request", "committee_round"], name="one_decision_per_round"),
        ]

    def __str__(self):
        return f"{self.support_request} — {self.get_outcome_display()}"

    @property
    def by_committee(self) -> bool:
        return self.decider == Decider.COMMITTEE

    @property
    def deciding_body(self) -> str:
        return decider_name(self.decider, self.decider_name)


class Delivery(models.Model):
    support_request = models.ForeignKey(
        SupportRequest, on_delete=models.CASCADE, related_name="deliveries", verbose_name=_("support request")
    )
    delivered_on = models.DateField(_("delivered on"))
    what = models.CharField(_("what was delivered"), max_length=300)
    quantity = models.DecimalField(_("quantity"), max_digits=10, decimal_places=2, null=True, blank=True)
    amount = models.DecimalField(_("amount (SAR)"), max_digits=10, decimal_places=2, null=True, blank=True)
    delivered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("delivered by")
    )
    receipt_confirmed = models.BooleanField(_("the beneficiary confirmed receipt"), default=False)
    receipt_note = models.CharField(_("receipt note"), max_length=300, blank=True)
    recorded_at = models.DateTimeField(_("recorded at"))

    class Meta:
        ordering = ["delivered_on", "pk"]
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")

    def __str__(self):
        return f"{self.support_request} — {self.what}"


class RequestNotification(models.Model):
    """Every notification and reminder the lifecycle raised, once per key: a rerun finds the key and sends nothing."""

    key = models.CharField(_("key"), max_length=120, unique=True)
    event = models.CharField(_("event"), max_length=40, db_index=True)
    support_request = models.ForeignKey(
        SupportRequest,
        on_delete=models.CASCADE,
        null=True,
        related_name="notifications",
        verbose_name=_("support request"),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, related_name="+", verbose_name=_("user")
    )
    context = models.JSONField(_("context"), default=dict, blank=True)
    created_at = models.DateTimeField(_("at"))

    class Meta:
        ordering = ["-created_at", "-pk"]
        # A manager's escalations and a chair's reminders on the home page, newest first.
        indexes = [models.Index(fields=["user", "event", "created_at", "id"], name="notification_user_event_idx")]
        verbose_name = _("request notification")
        verbose_name_plural = _("request notifications")

    def __str__(self):
        return self.key
