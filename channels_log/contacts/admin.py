from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from association.admin import PortalAdminMixin
from association.kernel.forms import MobileField

from .models import ContactAttachment, ContactEntry


@admin.register(ContactEntry)
class ContactEntryAdmin(PortalAdminMixin, admin.ModelAdmin):
    """Read-only: a contact is recorded through ``contact_record`` (the staff pages, the public form)."""

    list_display = ["created_at", "channel", "purpose", "direction", "beneficiary", "contact_name", "recorded_by"]
    list_filter = ["channel", "purpose", "direction"]
    list_select_related = ["channel", "beneficiary", "recorded_by"]
    raw_id_fields = ["beneficiary", "support_request", "corrects"]
    search_fields = ["subject", "contact_name"]
    identifier_fields = {"contact_mobile": MobileField}

    def get_queryset(self, request):
        return super().get_queryset(request).visible_to(request.user)

    # Recorded through the portal's pages only (``contact_record``: its rules, the case it opens, attachments
    # checked); append-only: corrections are new entries.
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
