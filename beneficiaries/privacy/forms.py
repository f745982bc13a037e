from django import forms
from django.utils.translation import gettext_lazy as _

from association.kernel.forms import PortalForm

from ..models import Consent
from .models import SubjectRequest

REASON_MAX = 2000


class SubjectRequestForm(PortalForm):
    kind = forms.ChoiceField(label=_("What the person asks for"), choices=SubjectRequest.Kind.choices)
    received_on = forms.DateField(label=_("Received on"))
    details = forms.CharField(
        label=_("Details"), required=False, max_length=REASON_MAX, widget=forms.Textarea(attrs={"rows": 3})
    )


class SubjectRequestCloseForm(PortalForm):
    outcome = forms.ChoiceField(
        label=_("Outcome"),
        choices=[(SubjectRequest.Status.COMPLETED, _("Answered")), (SubjectRequest.Status.REFUSED, _("Refused"))],
    )
    answer = forms.CharField(
        label=_("Answer or reason"), required=False, max_length=REASON_MAX, widget=forms.Textarea(attrs={"rows": 3})
    )


class ErasureDecisionForm(PortalForm):
    decision = forms.ChoiceField(
        label=_("Decision"), choices=[("approve", _("Approve the erasure")), ("refuse", _("Refuse the erasure"))]
    )
    reason = forms.CharField(label=_("Reason"), max_length=REASON_MAX, widget=forms.Textarea(attrs={"rows": 3}))


class SubjectExportForm(forms.Form):
    file_format = forms.ChoiceField(choices=[("pdf", "PDF"), ("json", "JSON")])


class ConsentChangeForm(forms.Form):
    purpose = forms.ChoiceField(choices=Consent.Purpose.choices)
    given = forms.TypedChoiceField(choices=[("1", "1"), ("0", "0")], coerce=lambda value: value == "1")


class SubjectRequestFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("Everything")), *SubjectRequest.Status.choices]
    )
    kind = forms.ChoiceField(
        label=_("Kind"), required=False, choices=[("", _("Everything")), *SubjectRequest.Kind.choices]
    )

    def filters(self) -> dict:
        if not self.is_bound or not self.is_valid():
            return {}
        return {name: value for name, value in self.cleaned_data.items() if value}
