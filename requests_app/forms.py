from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from association.branches import Branch
from association.channels import Channel
from association.kernel.forms import DualDateField, PortalForm, PortalModelForm
from association.kernel.roles import Role
from association.kernel.text import person_name

from .models import CommitteeDecision, CommitteeVote, ServiceType, SocialStudy, SupportRequest
from .selectors import branch_researchers


class DraftRequestForm(PortalModelForm):
    class Meta:
        model = SupportRequest
        fields = ["service_type", "channel", "branch", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["branch"].queryset = Branch.objects.filter(is_active=True)
        self.fields["branch"].empty_label = _("Head office")
        self.fields["service_type"].queryset = ServiceType.objects.filter(is_active=True).prefetch_related(
            "required_documents"
        )
        self.fields["channel"].queryset = Channel.objects.filter(is_active=True)
        self.fields["description"].max_length = 5000


class NoteForm(PortalForm):
    """What is still missing, in the officer's words (the documents and the declaration are listed anyway)."""

    note = forms.CharField(
        label=_("What else is missing"), required=False, max_length=1000, widget=forms.Textarea(attrs={"rows": 2})
    )


class ReasonForm(PortalForm):
    reason = forms.CharField(label=_("Reason"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


class OptionalReasonForm(PortalForm):
    reason = forms.CharField(label=_("Note"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


class ReferForm(PortalForm):
    researcher = forms.ModelChoiceField(label=_("Social researcher"), queryset=get_user_model().objects.none())
    reason = forms.CharField(
        label=_("Reason for the referral"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, branch=None, **kwargs):
        super().__init__(*args, **kwargs)
        # A branch's requests go to its own researchers (every researcher while it has none).
        self.fields["researcher"].queryset = branch_researchers(branch)
        self.fields["researcher"].label_from_instance = person_name


class ExplanationForm(PortalForm):
    """Step 3: the procedure was clear, or the social researcher explained it."""

    explanation = forms.ChoiceField(
        label=_("The procedure"), choices=SupportRequest.Explanation.choices, widget=forms.RadioSelect
    )
    researcher = forms.ModelChoiceField(
        label=_("Social researcher who explained it"), queryset=get_user_model().objects.none(), required=False
    )
    note = forms.CharField(
        label=_("What was explained"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["researcher"].queryset = (
            get_user_model().objects.filter(is_active=True, groups__name=Role.SOCIAL_RESEARCHER).order_by("first_name")
        )
        self.fields["researcher"].label_from_instance = person_name

    def clean(self):
        data = super().clean()
        if data.get("explanation") == SupportRequest.Explanation.REFERRED and not data.get("researcher"):
            self.add_error("researcher", _("Choose the social researcher who explained the procedure."))
        return data


class DeclarationForm(PortalForm):
    signature_scan = forms.FileField(
        label=_("Signed declaration (scan)"),
        required=False,
        help_text=_("PDF, JPEG or PNG of the declaration signed on paper."),
    )
    signature_data = forms.CharField(required=False, widget=forms.HiddenInput(attrs={"data-signature-field": "1"}))


class StudyForm(PortalModelForm):
    class Meta:
        model = SocialStudy
        fields = [
            "visit_date",
            "income_sources",
            "monthly_income",
            "monthly_expenses",
            "household_size",
            "housing",
            "household_notes",
            "health",
            "has_health_condition",
        ]
        widgets = {
            "income_sources": forms.Textarea(attrs={"rows": 2}),
            "household_notes": forms.Textarea(attrs={"rows": 2}),
            "health": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("visit_date", "monthly_income", "household_size", "housing"):
            self.fields[name].required = True


class RecommendForm(PortalForm):
    recommendation = forms.ChoiceField(label=_("Recommendation"), choices=SocialStudy.Recommendation.choices)
    reasons = forms.CharField(label=_("Reasons"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3}))


class VoteForm(PortalForm):
    vote = forms.ChoiceField(label=_("Vote"), choices=CommitteeVote.Vote.choices, widget=forms.RadioSelect)
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required when declaring a conflict of interest."),
    )


class DecideForm(PortalForm):
    outcome = forms.ChoiceField(
        label=_("Decision"), choices=CommitteeDecision.Outcome.choices, widget=forms.RadioSelect
    )
    reasons = forms.CharField(label=_("Reasons"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3}))
    grant_kind = forms.ChoiceField(
        label=_("What is granted"), required=False, choices=[("", "—"), *CommitteeDecision.GrantKind.choices]
    )
    grant_amount = forms.DecimalField(
        label=_("Amount (SAR)"), required=False, min_value=0, max_digits=10, decimal_places=2
    )
    grant_items = forms.CharField(
        label=_("Items"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )
    grant_period_months = forms.IntegerField(label=_("Period (months)"), required=False, min_value=1, max_value=120)


class AppealForm(PortalForm):
    appeal_text = forms.CharField(label=_("Appeal"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3}))


class DeliveryForm(PortalForm):
    delivered_on = DualDateField(label=_("Delivered on"))
    what = forms.CharField(label=_("What was delivered"), max_length=300)
    quantity = forms.DecimalField(label=_("Quantity"), required=False, min_value=0, max_digits=10, decimal_places=2)
    amount = forms.DecimalField(label=_("Amount (SAR)"), required=False, min_value=0, max_digits=10, decimal_places=2)
    receipt_confirmed = forms.BooleanField(label=_("The beneficiary confirmed receipt"), required=False)
    receipt_note = forms.CharField(label=_("Receipt note"), required=False, max_length=300)


class RequestFilterForm(PortalForm):
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("All statuses")), *SupportRequest.Status.choices]
    )
    service_type = forms.ModelChoiceField(
        label=_("Service"), required=False, queryset=ServiceType.objects.all(), empty_label=_("All services")
    )
    channel = forms.ModelChoiceField(
        label=_("Channel"), required=False, queryset=Channel.objects.all(), empty_label=_("All channels")
    )
    researcher = forms.ModelChoiceField(
        label=_("Researcher"),
        required=False,
        queryset=get_user_model().objects.none(),
        empty_label=_("All researchers"),
    )
    branch = forms.ModelChoiceField(
        label=_("Branch"), required=False, queryset=Branch.objects.all(), empty_label=_("All branches")
    )
    overdue = forms.BooleanField(label=_("Overdue only"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["researcher"].queryset = (
            get_user_model().objects.filter(groups__name=Role.SOCIAL_RESEARCHER).order_by("first_name")
        )
        self.fields["researcher"].label_from_instance = person_name
        for name, field in self.fields.items():
            field.widget.attrs["class"] = "form-check-input" if name == "overdue" else "form-select form-select-sm"


class MissingDocumentForm(PortalForm):
    """One missing document handed in from the request page; its own prefix, as several sit on the page."""

    file = forms.FileField(label=_("File (PDF, JPEG or PNG)"))
    issued_on = DualDateField(label=_("Issue date"), required=False)
    expires_on = DualDateField(
        label=_("Valid until"),
        required=False,
        help_text=_("As written on the document; computed from the issue date when empty."),
    )
    # Set by the button pressed: «matched against the original» or «upload only».
    verified = forms.BooleanField(required=False)

    def __init__(self, document_type, *args, **kwargs):
        kwargs.setdefault("prefix", f"doc-{document_type.pk}")
        super().__init__(*args, **kwargs)
        self.document_type = document_type
