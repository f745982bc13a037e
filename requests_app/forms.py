from django import forms

from association.forms import PortalModelForm
from channels_log.models import Channel

from .models import ServiceType, SupportRequest


class DraftRequestForm(PortalModelForm):
    class Meta:
        model = SupportRequest
        fields = ["service_type", "channel", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["service_type"].queryset = ServiceType.objects.filter(is_active=True).prefetch_related(
            "required_documents"
        )
        self.fields["channel"].queryset = Channel.objects.filter(is_active=True)
        self.fields["description"].max_length = 5000
