from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from association.channels import Channel
from association.kernel.forms import DualDateField, PortalForm, PortalModelForm
from beneficiaries.models import Beneficiary
from requests_app.models import ServiceType

from .models import ImprovementAction, Question, SendChannel, Survey, SurveyVersion


class SurveyCreateForm(PortalForm):
    code = forms.SlugField(
        label=_("Code"), max_length=40, help_text=_("Latin letters, digits and dashes, e.g. after-service.")
    )
    name_ar = forms.CharField(label=_("Arabic name"), max_length=200)
    name_en = forms.CharField(label=_("English name"), max_length=200, required=False)
    anonymous = forms.BooleanField(
        label=_("Anonymous responses"),
        required=False,
        help_text=_("Responses keep no link to the beneficiary, and a low score opens no follow-up."),
    )


class VersionForm(PortalModelForm):
    class Meta:
        model = SurveyVersion
        fields = ["title_ar", "title_en", "intro_ar", "intro_en", "anonymous"]
        widgets = {"intro_ar": forms.Textarea(attrs={"rows": 2}), "intro_en": forms.Textarea(attrs={"rows": 2})}


class QuestionForm(PortalModelForm):
    choices_text = forms.CharField(
        label=_("Choices"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Choice questions only: one choice a line, “Arabic | English”."),
    )

    class Meta:
        model = Question
        fields = ["kind", "text_ar", "text_en", "required"]


class BatchForm(PortalForm):
    survey = forms.ModelChoiceField(label=_("Survey"), queryset=Survey.objects.none())
    send_channel = forms.ChoiceField(
        label=_("Send by"),
        choices=[(SendChannel.SMS, SendChannel.SMS.label), (SendChannel.EMAIL, SendChannel.EMAIL.label)],
    )
    service_type = forms.ModelChoiceField(
        label=_("Beneficiaries with a request of type"), queryset=ServiceType.objects.all(), required=False
    )
    city = forms.CharField(label=_("City"), max_length=80, required=False)
    limit = forms.IntegerField(label=_("At most"), min_value=1, max_value=500, initial=50)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["survey"].queryset = Survey.objects.filter(versions__status="published").distinct()

    def beneficiaries(self):
        data = self.cleaned_data
        queryset = Beneficiary.objects.filter(consents__purpose="surveys", consents__withdrawn_at__isnull=True)
        if data.get("service_type"):
            queryset = queryset.filter(requests__service_type=data["service_type"])
        if data.get("city"):
            queryset = queryset.filter(city=data["city"].strip())
        return queryset.distinct().order_by("pk")[: data["limit"]]


class InPersonForm(PortalForm):
    survey = forms.ModelChoiceField(label=_("Survey"), queryset=Survey.objects.none())
    request_number = forms.CharField(
        label=_("Support request number"),
        max_length=20,
        required=False,
        help_text=_("Optional: links the answers to the request's service and channel."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["survey"].queryset = Survey.objects.filter(versions__status="published").distinct()

    def clean_request_number(self):
        from requests_app.models import SupportRequest

        number = self.cleaned_data.get("request_number", "").strip()
        if not number:
            return None
        support_request = SupportRequest.objects.select_related("beneficiary").filter(number=number).first()
        if support_request is None:
            raise forms.ValidationError(_("No request has this number."))
        return support_request


class ActionForm(PortalModelForm):
    class Meta:
        model = ImprovementAction
        fields = ["survey", "service_type", "channel", "finding", "kind", "decision", "owner", "due_date"]
        widgets = {"finding": forms.Textarea(attrs={"rows": 3}), "decision": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = get_user_model().objects.filter(is_active=True, groups__isnull=False).distinct()


class ActionStatusForm(PortalForm):
    status = forms.ChoiceField(label=_("Status"), choices=ImprovementAction.Status.choices)


class ResultsFilterForm(PortalForm):
    survey = forms.ModelChoiceField(
        label=_("Survey"), queryset=Survey.objects.all(), required=False, empty_label=_("All surveys")
    )
    date_from = DualDateField(label=_("From"), required=False, help_text="")
    date_to = DualDateField(label=_("To"), required=False, help_text="")
    service_type = forms.ModelChoiceField(
        label=_("Request type"), queryset=ServiceType.objects.all(), required=False, empty_label=_("All request types")
    )
    channel = forms.ModelChoiceField(
        label=_("Channel"), queryset=Channel.objects.all(), required=False, empty_label=_("All channels")
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            css = (
                "form-select form-select-sm"
                if isinstance(field, forms.ModelChoiceField)
                else "form-control form-control-sm"
            )
            field.widget.attrs["class"] = css


class ResponseForm(forms.Form):
    """The public questionnaire for one version: one field per question, plain radios and checkboxes
    (usable without JavaScript and with the keyboard)."""

    def __init__(self, *args, version: SurveyVersion, **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = list(version.questions.prefetch_related("choices"))
        for question in self.questions:
            self.fields[question.field_name] = self._field(question)

    @staticmethod
    def _field(question: Question):
        common = {"label": question.text, "required": question.required}
        if question.kind in Question.RANGES:
            low, high = Question.RANGES[question.kind]
            return forms.TypedChoiceField(
                choices=[(n, str(n)) for n in range(low, high + 1)], coerce=int, widget=forms.RadioSelect, **common
            )
        if question.kind == Question.Kind.SINGLE:
            return forms.ModelChoiceField(
                queryset=question.choices.all(), widget=forms.RadioSelect, empty_label=None, **common
            )
        if question.kind == Question.Kind.MULTIPLE:
            return forms.ModelMultipleChoiceField(
                queryset=question.choices.all(), widget=forms.CheckboxSelectMultiple, **common
            )
        return forms.CharField(max_length=2000, widget=forms.Textarea(attrs={"rows": 4}), **common)

    def bound_questions(self):
        return [(question, self[question.field_name]) for question in self.questions]

    def answers(self) -> dict:
        """Question id → int, text, choice id or list of choice ids (the service's input)."""
        result = {}
        for question in self.questions:
            value = self.cleaned_data.get(question.field_name)
            if hasattr(value, "pk"):
                value = value.pk
            elif question.kind == Question.Kind.MULTIPLE:
                value = [c.pk for c in value or []]
            elif isinstance(value, str):
                value = value.strip()
            result[question.pk] = value
        return result
