"""The policy's records: versions (draft → approved → superseded), their sections, the append-only history of
each version, and the links from the tools the policy names to where staff find them.

They belong to the ``association`` app (label and tables unchanged); ``association.models`` imports them.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from ..kernel.arabic import normalize_arabic
from .procedure import Decider

# --- Beneficiary relationship policy: versions, sections, board approval -------------------------

# Who may do what to a version (``association.kernel.permissions.authorize``): the manager's role holds them.
ADD_PERMISSION = "association.add_policyversion"
CHANGE_PERMISSION = "association.change_policyversion"
APPROVE_PERMISSION = "association.approve_policyversion"


class PolicyVersion(models.Model):
    """One version of «سياسة تنظيم العلاقة مع المستفيدين».

    A draft is edited freely; board approval freezes it and supersedes the version approved before
    it. The version in force at a moment is the last one approved before that moment, so a change
    takes effect only when a new version is approved (``association.policy.services.policy_in_force``).
    """

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        APPROVED = "approved", pgettext_lazy("policy version status", "Approved")
        SUPERSEDED = "superseded", pgettext_lazy("policy version status", "Superseded")

    # The lifecycle, in one table: status → {status it may move to: permission the step needs}
    # (``association.kernel.lifecycle.transition``). Approving a draft supersedes the version approved before.
    TRANSITIONS = {
        Status.DRAFT: {Status.APPROVED: APPROVE_PERMISSION},
        Status.APPROVED: {Status.SUPERSEDED: APPROVE_PERMISSION},
        Status.SUPERSEDED: {},
    }

    number = models.PositiveIntegerField(_("version"), unique=True)
    title = models.CharField(_("title"), max_length=300)
    association_name = models.CharField(_("association named in the document"), max_length=200, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.DRAFT)
    channels = models.JSONField(_("channels"), default=list, blank=True, help_text=_("Channel codes the policy names."))
    tools = models.JSONField(
        _("tools"), default=list, blank=True, help_text=_("Tools available to the relations officer.")
    )
    # The procedure profile (``association.policy.procedure``): which procedures run and who decides.
    individual_requests = models.BooleanField(_("runs individual support requests"), default=True)
    program_requests = models.BooleanField(_("receives program and project requests"), default=True)
    volunteer_proposals = models.BooleanField(_("receives volunteers' program proposals"), default=True)
    individual_decider = models.CharField(
        _("decides individual requests"), max_length=20, choices=Decider.choices, default=Decider.COMMITTEE
    )
    individual_decider_name = models.CharField(
        _("name of the deciding body"),
        max_length=200,
        blank=True,
        help_text=_("As the policy names it, e.g. «لجنة البحث» or the competent body; empty means the usual name."),
    )
    decision_window_days = models.PositiveSmallIntegerField(
        _("decision window (days)"),
        null=True,
        blank=True,
        help_text=_("The decision comes no earlier than this many days after submission; empty means no window."),
    )
    quorum = models.PositiveSmallIntegerField(
        _("quorum"),
        null=True,
        blank=True,
        help_text=_("Committee votes needed before the decision; empty means the committee settings' quorum."),
    )
    programs_decider = models.CharField(
        _("decides program proposals"), max_length=20, choices=Decider.choices, default=Decider.MANAGER
    )
    programs_decider_name = models.CharField(_("name of the programs' deciding body"), max_length=200, blank=True)
    supervising_body = models.CharField(_("supervising body"), max_length=200, blank=True)
    # Board approval: proposed on a draft (e.g. read by the import), confirmed when approved.
    board_meeting = models.PositiveSmallIntegerField(_("board meeting (ordinal)"), null=True, blank=True)
    board_session = models.PositiveSmallIntegerField(_("session"), null=True, blank=True)
    decision_number = models.CharField(_("decision number"), max_length=50, blank=True)
    approval_date = models.DateField(_("approval date"), null=True, blank=True)
    signatory_name = models.CharField(_("signatory name"), max_length=200, blank=True)
    signatory_title = models.CharField(_("signatory title"), max_length=200, blank=True)
    approved_at = models.DateTimeField(_("approval recorded at"), null=True, blank=True, db_index=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("approval recorded by"),
    )
    based_on = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="derived",
        verbose_name=_("based on version"),
    )
    source_name = models.CharField(_("imported from"), max_length=255, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    # The published PDF, rendered once and served as a file (association.policy.documents.policy_pdf_file);
    # rendered again when what it shows changes (``pdf_fingerprint``: status, letterhead, layout).
    pdf = models.FileField(_("PDF"), upload_to="policy/", blank=True, editable=False)
    pdf_fingerprint = models.CharField(_("PDF fingerprint"), max_length=64, blank=True, editable=False)

    class Meta:
        ordering = ["-number"]
        verbose_name = _("policy version")
        verbose_name_plural = _("policy versions")
        permissions = [("approve_policyversion", _("Can record the board approval of a policy version"))]

    def __str__(self):
        return f"{self.title} ({self.number})"

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("policy:detail", args=[self.pk])

    @property
    def is_frozen(self) -> bool:
        return self.status != self.Status.DRAFT

    def can_change_status(self, new_status: str) -> bool:
        return new_status in self.TRANSITIONS.get(self.status, {})

    def clean(self):
        super().clean()
        if self.quorum is not None and self.individual_decider != Decider.COMMITTEE:
            raise ValidationError({"quorum": _("A quorum applies only when a committee decides.")})
        if self.quorum is not None and self.quorum < 1:
            raise ValidationError({"quorum": _("The quorum is at least one vote.")})
        if not (self.individual_requests or self.program_requests or self.volunteer_proposals):
            raise ValidationError({"individual_requests": _("Choose at least one procedure the association runs.")})

    @property
    def procedure(self):
        """This version's procedure profile (``association.policy.procedure.ProcedureProfile``)."""
        from .procedure import profile_of

        return profile_of(self)

    @property
    def board_meeting_words(self) -> str:
        """The meeting's ordinal as the board's minutes write it: 2 → «الثاني»."""
        return arabic_ordinal(self.board_meeting) if self.board_meeting else ""


class PolicySection(models.Model):
    class Kind(models.TextChoices):
        PREAMBLE = "preamble", _("Preamble")
        GENERAL_GOAL = "general_goal", _("General goal")
        DETAILED_GOALS = "detailed_goals", _("Detailed goals")
        PRACTICES = "practices", _("Practices")
        CHANNELS = "channels", _("Channels")
        TOOLS = "tools", _("Tools")
        PROCEDURE = "procedure", _("Procedure")
        APPROVAL = "approval", _("Board approval")
        OTHER = "other", _("Other")

    version = models.ForeignKey(
        PolicyVersion, on_delete=models.CASCADE, related_name="sections", verbose_name=_("version")
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.OTHER)
    heading = models.CharField(_("heading"), max_length=300)
    paragraphs = models.JSONField(_("paragraphs"), default=list, blank=True)
    items = models.JSONField(_("list items"), default=list, blank=True)

    class Meta:
        ordering = ["order", "pk"]
        verbose_name = _("policy section")
        verbose_name_plural = _("policy sections")

    def __str__(self):
        return self.heading


class PolicyEvent(models.Model):
    """Append-only history of a version: created, edited, imported, approved, superseded."""

    class Action(models.TextChoices):
        CREATED = "created", _("Created")
        IMPORTED = "imported", _("Imported")
        EDITED = "edited", _("Edited")
        APPROVED = "approved", pgettext_lazy("policy event", "Approved")
        SUPERSEDED = "superseded", pgettext_lazy("policy event", "Superseded")

    version = models.ForeignKey(
        PolicyVersion, on_delete=models.PROTECT, related_name="events", verbose_name=_("version")
    )
    action = models.CharField(_("action"), max_length=20, choices=Action.choices)
    old_status = models.CharField(_("old status"), max_length=20, blank=True)
    new_status = models.CharField(_("new status"), max_length=20, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    note = models.CharField(_("note"), max_length=300, blank=True)
    at = models.DateTimeField(_("at"), default=timezone.now, db_index=True)

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("policy event")
        verbose_name_plural = _("policy events")

    def __str__(self):
        return f"{self.version} {self.action}"


class PolicyToolLink(models.Model):
    """Where a tool the policy names lives for staff: a page, and/or a record of an app above (a document type
    of the registry…) named by kind and reference (``association.policy.tools``: the apps register their kinds,
    so this layer points at none of them)."""

    name = models.CharField(_("tool"), max_length=200)
    name_normalized = models.CharField(max_length=200, unique=True, editable=False)
    target_kind = models.CharField(_("linked record kind"), max_length=40, blank=True)
    target_ref = models.CharField(_("linked record"), max_length=64, blank=True)
    url = models.CharField(
        _("link"), max_length=300, blank=True, help_text=_("A portal path such as /requests/new/ or a full URL.")
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("policy tool link")
        verbose_name_plural = _("policy tool links")

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.name_normalized = policy_tool_key(self.name)
        super().save(*args, **kwargs)

    def clean(self):
        from .tools import target_kinds

        if bool(self.target_kind) != bool(self.target_ref):
            raise ValidationError(_("Choose the linked record, or leave both empty."))
        if self.target_kind and self.target_kind not in target_kinds():
            raise ValidationError(_("Unknown kind of linked record."))


def policy_tool_key(name: str) -> str:
    return normalize_arabic(name).strip(" .:-،")[:200]


_ORDINAL_WORDS = ["", "الأول", "الثاني", "الثالث", "الرابع", "الخامس", "السادس", "السابع", "الثامن", "التاسع", "العاشر"]
_TENS_WORDS = {
    2: "العشرون",
    3: "الثلاثون",
    4: "الأربعون",
    5: "الخمسون",
    6: "الستون",
    7: "السبعون",
    8: "الثمانون",
    9: "التسعون",
}


def arabic_ordinal(number: int) -> str:
    """1 → الأول, 11 → الحادي عشر, 12 → الثاني عشر, 21 → الحادي والعشرون; beyond 99 the digits."""
    if 1 <= number <= 10:
        return _ORDINAL_WORDS[number]
    tens, unit = divmod(number, 10)
    unit_word = "الحادي" if unit == 1 else _ORDINAL_WORDS[unit]
    if tens == 1:
        return f"{unit_word} عشر"
    if 2 <= tens <= 9:
        return _TENS_WORDS[tens] if unit == 0 else f"{unit_word} و{_TENS_WORDS[tens]}"
    return str(number)
