from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from association.channels import Channel
from association.kernel import registry
from association.kernel.forms import MobileField, PortalModelForm
from association.kernel.roles import Role
from association.kernel.text import person_name
from requests_app.models import SupportRequest

from .models import ContactEntry


class ContactForm(PortalModelForm):
    class Meta:
        model = ContactEntry
        fields = ["channel", "direction", "purpose", "contact_name", "contact_mobile", "subject", "body"]
        field_classes = {"contact_mobile": MobileField}
        widgets = {"body": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, beneficiary=None, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["channel"].queryset = Channel.objects.filter(is_active=True)
        self.fields["channel"].empty_label = None
        self.fields["body"].max_length = 5000
        if beneficiary is not None:
            # The beneficiary's file already says who this is.
            del self.fields["contact_name"]
            del self.fields["contact_mobile"]
            self.fields["support_request"] = forms.ModelChoiceField(
                label=_("Support request"),
                required=False,
                queryset=SupportRequest.objects.filter(beneficiary=beneficiary).select_related("service_type"),
            )
            self.fields["contests_decision"] = forms.BooleanField(
                label=_("The complaint contests the committee's decision on this request"), required=False
            )
        # What else it may be about (a program...): the apps above offer it (registry slot ``case_about_choices``).
        about = [choice for choices in registry.collect("case_about_choices", user=user) for choice in choices]
        if about:
            self.fields["about"] = forms.ChoiceField(
                label=_("About a program or activity"), required=False, choices=[("", "---------"), *about]
            )
        # Listed by name (``person_name``), never by username.
        self.fields["staff_subject"] = UserChoiceField(
            label=_("Complaint about a staff member"),
            required=False,
            queryset=staff_users(),
            help_text=_("The complaint will never be assigned to this member."),
        )
        self.fields["attachment"] = forms.FileField(
            label=_("Attachment"),
            required=False,
            help_text=_("PDF, JPEG or PNG."),
        )

    def validate_unique(self):
        pass

    def service_kwargs(self) -> dict:
        data = dict(self.cleaned_data)
        attachment = data.pop("attachment", None)
        data["attachments"] = [attachment] if attachment else []
        return data


def staff_users():
    """Active users holding one of the portal's roles."""
    return (
        get_user_model()
        .objects.filter(is_active=True, groups__name__in=[r.value for r in Role])
        .distinct()
        .order_by("first_name", "last_name", "username")
    )


class UserChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return person_name(obj)
