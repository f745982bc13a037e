from django import forms
from django.utils.translation import gettext_lazy as _

from association.forms import PortalModelForm
from beneficiaries.validators import normalize_mobile

from .models import Channel, ContactEntry


class ContactForm(PortalModelForm):
    class Meta:
        model = ContactEntry
        fields = ["channel", "direction", "purpose", "contact_name", "contact_mobile", "subject", "body"]
        widgets = {
            "body": forms.Textarea(attrs={"rows": 4}),
            "contact_mobile": forms.TextInput(attrs={"inputmode": "tel", "dir": "ltr", "placeholder": "05XXXXXXXX"}),
        }

    def __init__(self, *args, beneficiary=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["channel"].queryset = Channel.objects.filter(is_active=True)
        self.fields["channel"].empty_label = None
        self.fields["body"].max_length = 5000
        if beneficiary is not None:
            # The beneficiary's file already says who this is.
            del self.fields["contact_name"]
            del self.fields["contact_mobile"]

    def clean_contact_mobile(self):
        value = self.cleaned_data.get("contact_mobile")
        return normalize_mobile(value) if value else ""

    def validate_unique(self):
        pass
