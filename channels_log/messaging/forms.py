from django import forms
from django.utils.translation import gettext_lazy

from association.kernel.forms import PortalModelForm

from .models import MessagePreference


class MessagePreferenceForm(PortalModelForm):
    class Meta:
        model = MessagePreference
        fields = ["sms_enabled", "email", "email_enabled", "language", "opt_out_non_essential"]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("email_enabled") and not cleaned.get("email") and not cleaned.get("sms_enabled"):
            raise forms.ValidationError(
                gettext_lazy("Give an email address, or keep SMS on: the beneficiary must be reachable.")
            )
        return cleaned
