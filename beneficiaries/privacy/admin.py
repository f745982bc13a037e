"""Admin of data protection: retention periods per record kind and legal holds are set here; the requests,
their steps and the erasure records are read-only (services write them)."""

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from association.admin import PortalAdminMixin
from association.kernel.forms import PortalModelForm

from .models import ErasureRecord, LegalHold, RetentionRule, SubjectRequest, SubjectRequestEvent
from .retention import kind_label, retention_kinds


class RetentionRuleForm(PortalModelForm):
    kind = forms.ChoiceField(label=_("record kind"))

    class Meta:
        model = RetentionRule
        fields = ["kind", "days", "is_active", "note"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [(code, kind.label) for code, kind in retention_kinds().items()]


@admin.register(RetentionRule)
class RetentionRuleAdmin(PortalAdminMixin, admin.ModelAdmin):
    form = RetentionRuleForm
    list_display = ["kind_name", "days", "is_active", "note"]

    @admin.display(description=_("record kind"), ordering="kind")
    def kind_name(self, obj):
        return kind_label(obj.kind)


@admin.register(LegalHold)
class LegalHoldAdmin(PortalAdminMixin, admin.ModelAdmin):
    list_display = ["beneficiary", "reason", "placed_at", "placed_by", "lifted_at"]
    list_select_related = ["beneficiary", "placed_by"]
    raw_id_fields = ["beneficiary"]
    readonly_fields = ["placed_by"]

    def save_model(self, request, obj, form, change):
        if not change:
            obj.placed_by = request.user
        super().save_model(request, obj, form, change)

    def has_delete_permission(self, request, obj=None):
        return False  # lifted, never deleted: the hold's history stays


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class SubjectRequestEventInline(admin.TabularInline):
    model = SubjectRequestEvent
    extra = 0
    can_delete = False
    fields = ["at", "old_status", "new_status", "actor", "reason"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(SubjectRequest)
class SubjectRequestAdmin(ReadOnlyAdmin):
    list_display = ["beneficiary", "kind", "status", "received_on", "due_on", "escalated_at"]
    list_filter = ["kind", "status"]
    list_select_related = ["beneficiary"]
    inlines = [SubjectRequestEventInline]


@admin.register(ErasureRecord)
class ErasureRecordAdmin(ReadOnlyAdmin):
    list_display = ["at", "kind", "source", "beneficiary", "actor", "records"]
    list_filter = ["kind", "source"]
    list_select_related = ["beneficiary", "actor"]
