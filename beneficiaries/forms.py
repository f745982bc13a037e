from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from association.kernel.forms import DualDateField, IbanField, MobileField, NationalIdField, PortalForm, PortalModelForm
from association.kernel.text import mask, person_name

from .models import Beneficiary, Consent, DocumentType, HouseholdMember, SensitiveAccess


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
            "national_id",
            "first_name",
            "father_name",
            "grandfather_name",
            "family_name",
            "gender",
            "birth_date",
            "nationality",
            "marital_status",
            "mobile",
            "city",
            "district",
            "iban",
            "health_notes",
            "disability_notes",
        ]
        # Normalised before any length rule: pasted grouped values are never cut.
        field_classes = {"national_id": NationalIdField, "mobile": MobileField, "iban": IbanField}
        widgets = {
            "health_notes": forms.Textarea(attrs={"rows": 2}),
            "disability_notes": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, editing=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.masked = []
        if editing:
            del self.fields["consents"]
            del self.fields["confirm_duplicate"]
            # The version the form was opened at: the service refuses the save if the file changed since.
            self.fields["version"] = forms.IntegerField(widget=forms.HiddenInput, initial=self.instance.version)
            mask_recorded_values(self, self.instance, BENEFICIARY_MASKED)

    def clean_consents(self):
        consents = self.cleaned_data.get("consents") or []
        if Consent.Purpose.DATA_PROCESSING not in consents:
            raise ValidationError(_("The beneficiary's consent to processing their data is required."))
        return consents

    def validate_unique(self):
        # The service reports a duplicate ID as a field error (and the database refuses it anyway).
        pass

    def profile_data(self) -> dict:
        """The cleaned profile; a masked value the user did not retype (or remove) is left out: kept."""
        return masked_values(self, {name: self.cleaned_data[name] for name in self.Meta.fields})


# Editing never shows a recorded ID, IBAN or note in full (that would be an unlogged reveal): the input
# is empty with the masked value as its placeholder; left empty it keeps the value, typed it replaces
# it, and an optional value has a "remove" box. The "Show" button beside it is the logged reveal.
BENEFICIARY_MASKED = {
    "national_id": _("Leave empty to keep the recorded number; type a new one to replace it."),
    "iban": _("Leave empty to keep the recorded IBAN; type a new one to replace it."),
    "health_notes": _("Leave empty to keep the recorded notes; what you write here replaces them."),
    "disability_notes": _("Leave empty to keep the recorded notes; what you write here replaces them."),
}
MEMBER_MASKED = {
    "national_id": _("Leave empty to keep the recorded number; type a new one to replace it."),
    "health_notes": _("Leave empty to keep the recorded notes; what you write here replaces them."),
}
NOTES_RECORDED = _("Notes are recorded (confidential)")


def mask_recorded_values(form, instance, masked: dict) -> None:
    """Configure ``form`` so the recorded values of ``masked`` fields are never rendered."""
    for name, help_text in masked.items():
        value = getattr(instance, name, "") if instance is not None else ""
        if not value:
            continue  # nothing recorded: an ordinary empty input
        field = form.fields[name]
        field.required = False
        field.help_text = help_text
        form.initial[name] = ""
        is_notes = isinstance(field.widget, forms.Textarea) or name.endswith("_notes")
        field.widget.attrs["placeholder"] = str(NOTES_RECORDED) if is_notes else mask(value)
        form.masked.append(name)
        if instance._meta.get_field(name).blank:  # optional: it may be removed
            form.fields[f"remove_{name}"] = forms.BooleanField(label=_("Remove the recorded value"), required=False)


def masked_values(form, values: dict) -> dict:
    """``values`` with each masked field left out unless retyped (kept) or removed (empty)."""
    for name in form.masked:
        if values.get(name):
            continue
        if form.cleaned_data.get(f"remove_{name}"):
            values[name] = ""
        else:
            values.pop(name, None)
    return values


class HouseholdMemberForm(PortalModelForm):
    class Meta:
        model = HouseholdMember
        fields = ["relation", "name", "national_id", "birth_date", "monthly_income", "health_notes"]
        field_classes = {"national_id": NationalIdField}
        widgets = {"health_notes": forms.TextInput()}

    def __init__(self, *args, recorded=None, **kwargs):
        """``recorded``: the beneficiary's members by id, when editing; the row of a recorded member
        masks its ID and health notes."""
        super().__init__(*args, **kwargs)
        # The calendars hint is shown once above the rows, not under every row's date.
        self.fields["birth_date"].help_text = ""
        self.masked = []
        self.fields["member"] = forms.IntegerField(required=False, widget=forms.HiddenInput)
        self.member_id = self._member_id()
        self.recorded = (recorded or {}).get(self.member_id)
        mask_recorded_values(self, self.recorded, MEMBER_MASKED)

    def _member_id(self) -> int | None:
        raw = self.data.get(self.add_prefix("member")) if self.is_bound else self.initial.get("member")
        try:
            return int(raw) if raw not in (None, "") else None
        except (TypeError, ValueError):
            return None

    def row(self) -> dict:
        """What the service needs: the values, and ``id`` when the row is a recorded member."""
        values = masked_values(self, {name: self.cleaned_data[name] for name in self.Meta.fields})
        if self.member_id is not None:
            values["id"] = self.member_id
        return values


class BaseHouseholdFormSet(forms.BaseFormSet):
    def add_fields(self, form, index):
        super().add_fields(form, index)
        if "DELETE" in form.fields:
            form.fields["DELETE"].label = _("Remove this member from the household")


# A recorded member is removed with its row's box (a new row is simply left empty). absolute_max: a
# forged row count builds at most 30 rows (Django's default would build 1,030 and take seconds).
HouseholdFormSet = forms.formset_factory(
    HouseholdMemberForm,
    formset=BaseHouseholdFormSet,
    extra=2,
    max_num=30,
    absolute_max=30,
    validate_max=True,
    can_delete=True,
    can_delete_extra=False,
)


def household_initial(members) -> list[dict]:
    """The edit form's rows for recorded members: never their ID or health notes (masked)."""
    return [
        {
            "member": m.pk,
            "relation": m.relation,
            "name": m.name,
            "birth_date": m.birth_date,
            "monthly_income": m.monthly_income,
        }
        for m in members
    ]


def household_rows(formset) -> list[dict]:
    """The filled, not-deleted rows of a valid household formset.

    Not ``form.has_changed()``: when editing, a member left as it was is unchanged yet must be kept.
    A blank extra row has empty ``cleaned_data`` (Django skips validating it)."""
    return [form.row() for form in formset.forms if form.cleaned_data and not form.cleaned_data.get("DELETE")]


class DocumentForm(PortalForm):
    document_type = forms.ModelChoiceField(label=_("Document type"), queryset=DocumentType.objects.none())
    file = forms.FileField(label=_("File (PDF, JPEG or PNG)"))
    issued_on = DualDateField(label=_("Issue date"), required=False)
    expires_on = DualDateField(
        label=_("Valid until"),
        required=False,
        help_text=_("As written on the document; computed from the issue date when empty."),
    )
    note = forms.CharField(label=_("Note"), max_length=200, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["document_type"].queryset = DocumentType.objects.filter(is_active=True)


class _LogFilterForm(PortalForm):
    """Filters of a review log (GET): the staff member (only people who appear in ``log_model``: the list stays
    short and names no one else), a choice among ``choice_field``'s values and a date range."""

    log_model = None
    choice_field = ""

    user = forms.ModelChoiceField(label=_("Staff member"), queryset=None, required=False)
    start = forms.DateField(label=_("From"), required=False)
    end = forms.DateField(label=_("To"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from django.contrib.auth import get_user_model

        self.fields["user"].queryset = (
            get_user_model()
            .objects.filter(pk__in=self.log_model.objects.values("user_id").distinct())
            .order_by("first_name", "last_name", "username")
        )
        self.fields["user"].label_from_instance = person_name
        choices = self.log_model._meta.get_field(self.choice_field).choices
        self.fields[self.choice_field].choices = [("", _("Everything")), *choices]
        for name in ("start", "end"):
            self.fields[name].help_text = ""

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("start") and cleaned.get("end") and cleaned["start"] > cleaned["end"]:
            self.add_error("end", _("The end date is before the start date."))
        return cleaned

    def filters(self) -> dict:
        """The filters that are valid (a wrong one is shown as an error and ignored)."""
        if not self.is_bound:
            return {}
        self.is_valid()
        return {name: value for name, value in self.cleaned_data.items() if value not in (None, "")}


class AccessLogFilterForm(_LogFilterForm):
    """Filters of the sensitive-data access log (none of them is sensitive; the person is given by their opaque
    id, from their page)."""

    log_model = SensitiveAccess
    choice_field = "field"

    beneficiary = forms.UUIDField(required=False, widget=forms.HiddenInput)
    field = forms.ChoiceField(label=_("What was seen"), required=False)
    field_order = ["beneficiary", "user", "field", "start", "end"]


class ExportLogFilterForm(_LogFilterForm):
    """Filters of the review of exports and imports."""

    choice_field = "kind"

    kind = forms.ChoiceField(label=_("Kind"), required=False)
    field_order = ["user", "kind", "start", "end"]

    def __init__(self, *args, **kwargs):
        from .models import BulkTransfer

        self.log_model = BulkTransfer
        super().__init__(*args, **kwargs)
