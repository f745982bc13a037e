from django import forms
from django.utils.translation import gettext_lazy as _

from association.channels import Channel
from association.kernel.forms import MobileField, PortalForm
from association.kernel.roles import Role
from channels_log.contacts.forms import UserChoiceField, staff_users
from requests_app.models import SupportRequest

from .models import Case
from .services import PUBLIC_KINDS


class CaseAssignForm(PortalForm):
    assignee = UserChoiceField(
        label=_("Assign to"),
        queryset=staff_users().filter(groups__name__in=[Role.RELATIONS_OFFICER, Role.SOCIAL_RESEARCHER, Role.MANAGER]),
    )

    def __init__(self, *args, case=None, **kwargs):
        super().__init__(*args, **kwargs)
        if case is not None and case.staff_subject_id:
            # Never offered, and refused by the service anyway.
            self.fields["assignee"].queryset = self.fields["assignee"].queryset.exclude(pk=case.staff_subject_id)


class CaseAnswerForm(PortalForm):
    response = forms.CharField(label=_("Answer"), widget=forms.Textarea(attrs={"rows": 4}), max_length=5000)
    channel = forms.ModelChoiceField(label=_("Answered through"), queryset=Channel.objects.filter(is_active=True))


class CaseOutcomeForm(PortalForm):
    outcome = forms.ChoiceField(label=_("Outcome"), choices=[("", "---------"), *Case.Outcome.choices])
    request_number = forms.CharField(
        label=_("Support request number"),
        required=False,
        max_length=20,
        help_text=_("Required when the complaint is referred to a support request."),
    )
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)

    def clean_request_number(self):
        number = (self.cleaned_data.get("request_number") or "").strip()
        if not number:
            return None
        support_request = SupportRequest.objects.filter(number=number).first()
        if support_request is None:
            raise forms.ValidationError(_("No support request has this number."))
        return support_request


class CaseCloseForm(PortalForm):
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)


class CaseReopenForm(PortalForm):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)


# --- Public forms (no login) ---

PUBLIC_BODY_MAX = 3000


class PublicCaseForm(PortalForm):
    # Only what the public may send: a follow-up is opened by the portal itself, never offered here.
    kind = forms.ChoiceField(
        label=_("What would you like to send?"),
        widget=forms.RadioSelect,
        choices=[(kind.value, kind.label) for kind in PUBLIC_KINDS],
    )
    name = forms.CharField(label=_("Your name"), max_length=200)
    mobile = MobileField(label=_("Mobile"), widget=forms.TextInput(attrs={"autocomplete": "tel"}))
    subject = forms.CharField(label=_("Subject"), max_length=200)
    body = forms.CharField(
        label=_("Details"),
        widget=forms.Textarea(attrs={"rows": 6, "maxlength": PUBLIC_BODY_MAX}),
        max_length=PUBLIC_BODY_MAX,
        error_messages={
            "max_length": _("Please keep the details within %(limit_value)d characters (you wrote %(show_value)d).")
        },
    )
    sms_updates = forms.BooleanField(
        label=_("Send me an SMS when my message is answered"),
        required=False,
        initial=True,
    )
    # Honeypot: hidden from people, filled in by bots.
    website = forms.CharField(
        label=_("Leave this field empty"),
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("website"):
            raise forms.ValidationError(_("Your message could not be sent."))
        return cleaned


class PublicStatusForm(PortalForm):
    reference = forms.CharField(
        label=_("Reference number"),
        max_length=16,
        widget=forms.TextInput(attrs={"dir": "ltr", "autocomplete": "off"}),
    )
    mobile = MobileField(label=_("Mobile"))

    def clean_reference(self):
        return self.cleaned_data["reference"].strip().upper()


class ReportPeriodForm(PortalForm):
    start = forms.DateField(label=_("From"), required=False)
    end = forms.DateField(label=_("To"), required=False)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("start") and cleaned.get("end") and cleaned["start"] > cleaned["end"]:
            raise forms.ValidationError(_("The start of the period is after its end."))
        return cleaned
