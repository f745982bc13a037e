from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from association.forms import IbanField, MobileField, NationalIdField, PortalForm, PortalModelForm

from .models import Beneficiary, Consent, DocumentType, HouseholdMember


class SearchForm(forms.Form):
    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=100,
        widget=forms.TextInput(
            attrs={"placeholder": _("ID number, mobile or part of the name"), "autofocus": True, "type": "search"}
        ),
    )


class BeneficiaryForm(PortalModelForm):
    consents = forms.MultipleChoiceField(
        label=_("Consents given by the beneficiary"),
        choices=Consent.Purpose.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        initial=[Consent.Purpose.DATA_PROCESSING],
    )
    confirm_duplicate = forms.BooleanField(
        label=_("I checked the similar records above: this is a different person."), required=False
    )

    class Meta:
        model = Beneficiary
        fields = [
            "national_id", "first_name", "father_name", "grandfather_name", "family_name", "gender",
            "birth_date", "nationality", "marital_status", "mobile", "city", "district", "iban",
            "health_notes", "disability_notes",
        ]
        # Normalised before any length rule: pasted grouped values are never cut.
        field_classes = {"national_id": NationalIdField, "mobile": MobileField, "iban": IbanField}
        widgets = {
            "health_notes": forms.Textarea(attrs={"rows": 2}),
            "disability_notes": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, editing=False, **kwargs):
        super().__init__(*args, **kwargs)
        if editing:
            del self.fields["consents"]
            del self.fields["confirm_duplicate"]

    def clean_consents(self):
        consents = self.cleaned_data.get("consents") or []
        if Consent.Purpose.DATA_PROCESSING not in consents:
            raise ValidationError(_("The beneficiary's consent to processing their data is required."))
        return consents

    def validate_unique(self):
        # The service reports a duplicate ID as a field error (and the database refuses it anyway).
        pass

    def profile_data(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class HouseholdMemberForm(PortalModelForm):
    class Meta:
        model = HouseholdMember
        fields = ["relation", "name", "national_id", "birth_date", "monthly_income", "health_notes"]
        field_classes = {"national_id": NationalIdField}
        widgets = {"health_notes": forms.TextInput()}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The calendars hint is shown once above the rows, not under every row's date.
        self.fields["birth_date"].help_text = ""


HouseholdFormSet = forms.formset_factory(HouseholdMemberForm, extra=2, max_num=30, validate_max=True)


def household_rows(formset) -> list[dict]:
    """The filled, not-deleted rows of a valid household formset.

    Not ``form.has_changed()``: when editing, a member left as it was is unchanged yet must be kept.
    A blank extra row has empty ``cleaned_data`` (Django skips validating it)."""
    return [
        {k: v for k, v in form.cleaned_data.items() if k != "DELETE"}
        for form in formset.forms
        if form.cleaned_data and not form.cleaned_data.get("DELETE")
    ]


class DocumentForm(PortalForm):
    document_type = forms.ModelChoiceField(label=_("Document type"), queryset=DocumentType.objects.none())
    file = forms.FileField(label=_("File (PDF, JPEG or PNG)"))
    note = forms.CharField(label=_("Note"), max_length=200, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["document_type"].queryset = DocumentType.objects.filter(is_active=True)


