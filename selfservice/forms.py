from django import forms
from django.utils.translation import gettext_lazy as _

from association.kernel.forms import DualDateField, MobileField, PortalForm
from beneficiaries.forms import BeneficiaryForm
from beneficiaries.models import Consent

SIGNATURE_ATTRS = {"id": "id_signature_data"}


class MobileForm(PortalForm):
    mobile = MobileField(label=_("Your mobile number"))


class CodeForm(PortalForm):
    code = forms.CharField(
        label=_("The code we sent you"),
        max_length=12,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code", "autofocus": True}),
    )


class IdDigitsForm(PortalForm):
    last_four = forms.CharField(
        label=_("The last four digits of your ID number"),
        max_length=8,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )


class SelfRegistrationForm(BeneficiaryForm):
    """The desk's registration form, less what the applicant does not type: the mobile is the one they
    signed in with; bank and health details are asked by the desk."""

    class Meta(BeneficiaryForm.Meta):
        fields = [
            "national_id",
            "first_name",
            "father_name",
            "grandfather_name",
            "family_name",
            "gender",
            "birth_date",
            "nationality",
            "marital_status",
            "city",
            "district",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["confirm_duplicate"]
        self.fields["consents"].label = _("I agree to")
        self.fields["consents"].choices = Consent.Purpose.choices


class ApplyForm(PortalForm):
    description = forms.CharField(
        label=_("What do you ask for, and why?"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
    signature_data = forms.CharField(required=False, widget=forms.HiddenInput(attrs=SIGNATURE_ATTRS))

    def __init__(self, *args, service_type, supplied: set, **kwargs):
        super().__init__(*args, **kwargs)
        self.document_types = list(service_type.required_documents.all())
        for document_type in self.document_types:
            already = document_type.pk in supplied
            self.fields[f"document_{document_type.pk}"] = forms.FileField(
                label=document_type.name,
                required=not already,
                help_text=_("Already with the association: upload only to replace it.") if already else "",
                widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,image/jpeg,image/png"}),
            )
            if document_type.validity:
                self.fields[f"issued_{document_type.pk}"] = DualDateField(
                    label=_("Issue date of: %(document)s") % {"document": document_type.name}, required=False
                )

    def clean_signature_data(self):
        value = self.cleaned_data.get("signature_data", "")
        if not value:
            raise forms.ValidationError(_("Sign the declaration in the box above."))
        return value

    def issued_by_type(self) -> dict:
        return {
            t.pk: self.cleaned_data[f"issued_{t.pk}"]
            for t in self.document_types
            if self.cleaned_data.get(f"issued_{t.pk}")
        }

    def files_by_type(self) -> dict:
        return {
            t.pk: self.cleaned_data[f"document_{t.pk}"]
            for t in self.document_types
            if self.cleaned_data.get(f"document_{t.pk}")
        }


class UploadForm(PortalForm):
    document_type = forms.TypedChoiceField(label=_("Document"), coerce=int)
    file = forms.FileField(
        label=_("File (PDF, JPEG or PNG)"),
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,image/jpeg,image/png"}),
    )
    issued_on = DualDateField(label=_("Issue date (for a document valid for a limited time)"), required=False)

    def __init__(self, *args, document_types=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["document_type"].choices = [(t.pk, t.name) for t in document_types]


class AppealForm(PortalForm):
    text = forms.CharField(
        label=_("Why should the decision be reconsidered?"), max_length=3000, widget=forms.Textarea(attrs={"rows": 3})
    )


class MessageForm(PortalForm):
    kind = forms.ChoiceField(
        label=_("Kind"),
        choices=[("inquiry", _("Inquiry")), ("complaint", _("Complaint")), ("suggestion", _("Suggestion"))],
        widget=forms.RadioSelect,
        initial="inquiry",
    )
    subject = forms.CharField(label=_("Subject"), max_length=200)
    body = forms.CharField(label=_("Your message"), max_length=5000, widget=forms.Textarea(attrs={"rows": 4}))


class CorrectionForm(PortalForm):
    details = forms.CharField(
        label=_("What should be corrected?"), max_length=3000, widget=forms.Textarea(attrs={"rows": 3})
    )


class ConsentWithdrawForm(PortalForm):
    purpose = forms.ChoiceField(label=_("Consent"), choices=Consent.Purpose.choices)
