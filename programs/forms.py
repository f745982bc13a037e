from django import forms
from django.utils.translation import gettext_lazy as _

from association.kernel.forms import DualDateField, MobileField, NationalIdField, PortalForm, PortalModelForm
from beneficiaries.models import Beneficiary
from beneficiaries.selectors import beneficiaries_with_national_id

from .models import Organisation, Permit, Program, ProgramNote, Session, Volunteer

FILE_HELP = _("PDF, JPEG or PNG.")


class OrganisationForm(PortalModelForm):
    class Meta:
        model = Organisation
        fields = ["name", "kind", "contact_person", "contact_title", "contact_mobile", "city"]
        field_classes = {"contact_mobile": MobileField}


class VolunteerForm(PortalModelForm):
    class Meta:
        model = Volunteer
        fields = ["full_name", "national_id", "mobile", "email", "skills", "availability"]
        field_classes = {"national_id": NationalIdField, "mobile": MobileField}
        widgets = {"skills": forms.Textarea(attrs={"rows": 3})}


def _beneficiary_by_id(national_id: str):
    beneficiary = beneficiaries_with_national_id(Beneficiary.objects.all(), national_id).first()
    if beneficiary is None:
        raise forms.ValidationError(_("No beneficiary in the registry has this ID."))
    return beneficiary


class ProgramForm(PortalModelForm):
    beneficiary_id_number = NationalIdField(
        label=_("Beneficiary's ID number"), required=False, help_text=_("When a beneficiary proposes it.")
    )
    document = forms.FileField(label=_("Document"), required=False, help_text=FILE_HELP)

    class Meta:
        model = Program
        fields = [
            "title",
            "kind",
            "requester",
            "volunteer",
            "organisation",
            "body_reference",
            "body_mobile",
            "audience",
            "place",
            "start_date",
            "end_date",
            "expected_attendance",
            "budget",
            "description",
        ]
        field_classes = {"start_date": DualDateField, "end_date": DualDateField, "body_mobile": MobileField}
        widgets = {"description": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["volunteer"].queryset = Volunteer.objects.filter(status=Volunteer.Status.APPROVED)
        self.fields["budget"].required = False

    def clean_budget(self):
        return self.cleaned_data.get("budget") or 0

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("requester") == Program.Requester.BENEFICIARY:
            number = cleaned.get("beneficiary_id_number")
            if not number:
                self.add_error("beneficiary_id_number", _("Give the ID number of the beneficiary who proposes it."))
            else:
                try:
                    self.instance.beneficiary = _beneficiary_by_id(number)
                except forms.ValidationError as exc:
                    self.add_error("beneficiary_id_number", exc)
        return cleaned


class StepForm(PortalForm):
    status = forms.ChoiceField(label=_("Step"), choices=Program.Status.choices)
    reason = forms.CharField(label=_("Reason or note"), required=False, max_length=2000)


class DecisionForm(PortalForm):
    outcome = forms.ChoiceField(
        label=_("Decision"),
        choices=[("approve", _("Approve the program")), ("reject", _("Do not approve it"))],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(label=_("Decision and reasons"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)
    body_letter = forms.CharField(label=_("Competent body's letter (number and date)"), required=False, max_length=120)


class DocumentForm(PortalForm):
    title = forms.CharField(label=_("Title"), max_length=200)
    file = forms.FileField(label=_("File"), help_text=FILE_HELP)


class PermitForm(PortalModelForm):
    scan_file = forms.FileField(label=_("Scan of the permit"), required=False, help_text=FILE_HELP)

    class Meta:
        model = Permit
        fields = ["requirement", "authority", "requested_on", "number", "issued_on", "expires_on"]
        field_classes = {"requested_on": DualDateField, "issued_on": DualDateField, "expires_on": DualDateField}

    def __init__(self, *args, program=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["authority"].required = False
        if program is not None:
            self.fields["requirement"].queryset = program.kind.permit_requirements.all()


class SessionForm(PortalModelForm):
    class Meta:
        model = Session
        fields = ["title", "starts_at", "place", "facilitator", "open_event"]
        widgets = {"starts_at": forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")}


class AttendeeForm(PortalForm):
    national_id = NationalIdField(label=_("Beneficiary's ID number"), required=False)
    name = forms.CharField(label=_("Name"), required=False, max_length=200)
    mobile = MobileField(label=_("Mobile"), required=False)
    send_link = forms.BooleanField(label=_("Send the attendance link by SMS"), required=False, initial=True)

    def clean(self):
        cleaned = super().clean()
        cleaned["beneficiary"] = None
        if cleaned.get("national_id"):
            try:
                cleaned["beneficiary"] = _beneficiary_by_id(cleaned["national_id"])
            except forms.ValidationError as exc:
                self.add_error("national_id", exc)
        elif not cleaned.get("name"):
            self.add_error("name", _("Give the attendee's name or a beneficiary's ID number."))
        return cleaned


class HeadCountForm(PortalForm):
    head_count = forms.IntegerField(label=_("Head-count"), min_value=0, max_value=100000)


class HeldForm(PortalForm):
    head_count = forms.IntegerField(label=_("Head-count"), min_value=0, max_value=100000, required=False)


class AssignForm(PortalForm):
    volunteer = forms.ModelChoiceField(
        label=_("Volunteer"), queryset=Volunteer.objects.filter(status=Volunteer.Status.APPROVED)
    )
    task = forms.CharField(label=_("Task"), max_length=200)


class HoursForm(PortalForm):
    volunteer = forms.ModelChoiceField(label=_("Volunteer"), queryset=Volunteer.objects.none())
    hours = forms.DecimalField(label=_("Hours"), min_value=0.5, max_value=24, decimal_places=1, max_digits=4)

    def __init__(self, *args, session=None, **kwargs):
        super().__init__(*args, **kwargs)
        if session is not None:
            self.fields["volunteer"].queryset = Volunteer.objects.filter(assignments__program_id=session.program_id)


class NoteForm(PortalModelForm):
    class Meta:
        model = ProgramNote
        fields = ["kind", "text"]
        widgets = {"text": forms.Textarea(attrs={"rows": 2})}


class ReportForm(PortalForm):
    period_start = DualDateField(label=_("From"))
    period_end = DualDateField(label=_("To"))
    addressed_to = forms.CharField(label=_("Addressed to"), max_length=200)
    final = forms.BooleanField(label=_("Final report (the program is completed)"), required=False)

    def clean(self):
        cleaned = super().clean()
        if (
            cleaned.get("period_start")
            and cleaned.get("period_end")
            and cleaned["period_start"] > cleaned["period_end"]
        ):
            self.add_error("period_end", _("The end of the period is before its start."))
        return cleaned


class VolunteerStepForm(PortalForm):
    status = forms.ChoiceField(label=_("Step"), choices=Volunteer.Status.choices)
    reason = forms.CharField(label=_("Reason"), required=False, max_length=2000)
