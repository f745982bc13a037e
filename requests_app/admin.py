from django.contrib import admin

from association.admin import PortalAdminMixin

from .models import ServiceType, StatusChange, SupportRequest


@admin.register(ServiceType)
class ServiceTypeAdmin(PortalAdminMixin, admin.ModelAdmin):
    list_display = ["code", "name", "is_active"]
    filter_horizontal = ["required_documents"]


class StatusChangeInline(admin.TabularInline):
    model = StatusChange
    extra = 0
    can_delete = False
    readonly_fields = ["old_status", "new_status", "actor", "reason", "at"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(SupportRequest)
class SupportRequestAdmin(PortalAdminMixin, admin.ModelAdmin):
    list_display = ["__str__", "beneficiary", "service_type", "channel", "status", "created_at"]
    list_filter = ["status", "service_type", "channel"]
    list_select_related = ["beneficiary", "service_type", "channel"]
    raw_id_fields = ["beneficiary"]
    readonly_fields = ["number", "status", "submitted_at", "created_by"]
    inlines = [StatusChangeInline]
