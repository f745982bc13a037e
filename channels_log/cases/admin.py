from django.contrib import admin

from association.admin import PortalAdminMixin
from association.admin_search import PrivateSearchAdminMixin

from .models import Case, CaseEvent, ResponseTarget


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
