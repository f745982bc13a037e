"""Admin for outgoing messages: templates (editable, with a preview), preferences, the read-only log."""

from django import forms
from django.contrib import admin
from django.utils.html import format_html, linebreaks
from django.utils.translation import gettext_lazy as _

from association.admin import PortalAdminMixin

from . import services
from .models import DeliveryLogEntry, MessagePreference, MessageTemplate, OutgoingMessage
from .registry import message_event_choices


class EventFilter(admin.SimpleListFilter):
    """The events the producing apps registered, by their label."""

    title = _("event")
    parameter_name = "event"

    def lookups(self, request, model_admin):
        return message_event_choices()

    def queryset(self, request, queryset):
        codes = {code for code, _label in message_event_choices()}
        return queryset.filter(event=self.value()) if self.value() in codes else queryset


class MessageTemplateForm(forms.ModelForm):
    event = forms.ChoiceField(label=_("event"), choices=message_event_choices)

    class Meta:
        model = MessageTemplate
        fields = ["event", "channel", "language", "subject", "body", "is_active"]

    def clean_subject(self):
        services.template_check(self.cleaned_data["subject"])
        return self.cleaned_data["subject"]

    def clean_body(self):
        services.template_check(self.cleaned_data["body"])
        return self.cleaned_data["body"]


@admin.register(MessageTemplate)
class MessageTemplateAdmin(admin.ModelAdmin):
    form = MessageTemplateForm
    list_display = ["event_label", "channel", "language", "subject", "is_active", "updated_at"]
    list_filter = [EventFilter, "channel", "language", "is_active"]
    readonly_fields = ["preview"]

    @admin.display(description=_("event"), ordering="event")
    def event_label(self, obj):
        return obj.get_event_display()

    @admin.display(description=_("preview (sample data)"))
    def preview(self, obj):
        if obj is None or obj.pk is None:
            return "—"
        subject, body = services.template_preview(obj)
        return format_html('<div dir="auto"><strong>{}</strong>{}</div>', subject, linebreaks(body, autoescape=True))


@admin.register(MessagePreference)
class MessagePreferenceAdmin(PortalAdminMixin, admin.ModelAdmin):
    list_display = ["beneficiary", "sms_enabled", "email", "email_enabled", "language", "opt_out_non_essential"]
    list_filter = ["language", "opt_out_non_essential"]
    list_select_related = ["beneficiary"]
    raw_id_fields = ["beneficiary"]
    readonly_fields = ["updated_by"]

    def save_model(self, request, obj, form, change):
        services.message_preference_set(
            beneficiary=obj.beneficiary,
            actor=request.user,
            sms_enabled=obj.sms_enabled,
            email=obj.email,
            email_enabled=obj.email_enabled,
            language=obj.language,
            opt_out_non_essential=obj.opt_out_non_essential,
        )


class DeliveryLogInline(admin.TabularInline):
    model = DeliveryLogEntry
    fields = ["at", "status", "attempt", "detail", "provider_id", "actor"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(OutgoingMessage)
class OutgoingMessageAdmin(admin.ModelAdmin):
    """Read-only: messages change state only through ``channels_log.messaging``."""

    list_display = ["created_at", "event_label", "channel", "recipient", "status", "attempts", "provider_id"]
    list_filter = ["status", "channel", EventFilter]
    list_select_related = ["beneficiary", "user"]
    search_fields = ["key", "provider_id"]
    inlines = [DeliveryLogInline]
    actions = ["retry"]

    def get_queryset(self, request):
        return super().get_queryset(request).visible_to(request.user)

    @admin.display(description=_("event"), ordering="event")
    def event_label(self, obj):
        return obj.get_event_display()

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description=_("Send the failed messages again"), permissions=["retry"])
    def retry(self, request, queryset):
        from django.core.exceptions import ValidationError

        done = 0
        for message in queryset.filter(status=OutgoingMessage.Status.FAILED):
            try:
                services.message_retry(message=message, actor=request.user)
                done += 1
            except ValidationError:
                continue
        self.message_user(request, _("Messages queued again: %(count)d") % {"count": done})

    def has_retry_permission(self, request):
        return request.user.has_perm("channels_log.retry_outgoingmessage")
