from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from association.admin import PortalAdminMixin
from association.admin_search import PrivateSearchAdminMixin
from association.kernel.forms import MobileField

from .models import Case, CaseEvent, ContactAttachment, ContactEntry, ResponseTarget


@admin.register(ContactEntry)
class ContactEntryAdmin(PortalAdminMixin, admin.ModelAdmin):
    list_display = ["created_at", "channel", "purpose", "direction", "beneficiary", "contact_name", "recorded_by"]
    list_filter = ["channel", "purpose", "direction"]
    list_select_related = ["channel", "beneficiary", "recorded_by"]
    raw_id_fields = ["beneficiary", "support_request", "corrects"]
    search_fields = ["subject", "contact_name"]
    identifier_fields = {"contact_mobile": MobileField}

    def get_queryset(self, request):
        return super().get_queryset(request).visible_to(request.user)

    # Append-only: corrections are new entries.
    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


# --- Cases and their response targets ---


@admin.register(ResponseTarget)
class ResponseTargetAdmin(PortalAdminMixin, admin.ModelAdmin):
    list_display = ["kind", "first_response_days", "resolution_days"]
    list_editable = ["first_response_days", "resolution_days"]


class CaseEventInline(admin.TabularInline):
    model = CaseEvent
    extra = 0
    can_delete = False
    readonly_fields = ["at", "action", "old_status", "new_status", "actor", "note"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Case)
class CaseAdmin(PrivateSearchAdminMixin, PortalAdminMixin, admin.ModelAdmin):
    """Read-only: every change to a case goes through its services (the staff pages). Searched by POST:
    a sender's mobile never lands in a URL."""

    list_display = ["reference", "kind", "status", "opened_at", "assignee", "resolution_due", "escalated_at"]
    list_filter = ["kind", "status", "outcome"]
    list_select_related = ["assignee"]
    search_fields = ["reference", "mobile"]
    inlines = [CaseEventInline]

    def get_queryset(self, request):
        return super().get_queryset(request).visible_to(request.user)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ContactAttachment)
class ContactAttachmentAdmin(PortalAdminMixin, admin.ModelAdmin):
    list_display = ["contact", "original_name", "content_type", "size", "uploaded_at"]
    raw_id_fields = ["contact"]
    # The file opens through the portal's view (permission, access log), never from a media URL.
    exclude = ["file"]
    readonly_fields = ["open_file"]

    def get_queryset(self, request):
        return super().get_queryset(request).visible_to(request.user)

    @admin.display(description=_("file"))
    def open_file(self, obj):
        return format_html('<a href="{}">{}</a>', reverse("channels_log:attachment", args=[obj.pk]), _("Open the file"))

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


# Outgoing messages (issue 7) register their admin in their own module.
from . import admin_messages  # noqa: E402, F401
