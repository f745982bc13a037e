from django.contrib import admin

from association.admin import PortalAdminMixin

from .models import Channel, ContactEntry


@admin.register(Channel)
class ChannelAdmin(PortalAdminMixin, admin.ModelAdmin):
    list_display = ["code", "name_ar", "name_en", "is_active", "order"]
    list_editable = ["is_active", "order"]

    def get_readonly_fields(self, request, obj=None):
        # The eight policy channels keep their stable codes (DESIGN.md).
        return ["code"] if obj is not None and obj.is_core else []

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.is_core:
            return False
        return super().has_delete_permission(request, obj)


@admin.register(ContactEntry)
class ContactEntryAdmin(PortalAdminMixin, admin.ModelAdmin):
    list_display = ["created_at", "channel", "purpose", "direction", "beneficiary", "contact_name", "recorded_by"]
    list_filter = ["channel", "purpose", "direction"]
    list_select_related = ["channel", "beneficiary", "recorded_by"]
    raw_id_fields = ["beneficiary", "support_request", "corrects"]
    search_fields = ["subject", "contact_name"]

    # Append-only: corrections are new entries.
    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
