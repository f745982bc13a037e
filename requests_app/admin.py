from django.contrib import admin

from association.admin import PortalAdminMixin
from association.kernel.forms import PortalModelForm

from .models import (
    CommitteeDecision,
    CommitteeSettings,
    CommitteeVote,
    Delivery,
    EligibilityRule,
    EligibilityRuleSet,
    RequestNotification,
    ServiceType,
    SocialStudy,
    StatusChange,
    SupportRequest,
)


@admin.register(ServiceType)
class ServiceTypeAdmin(PortalAdminMixin, admin.ModelAdmin):
    list_display = ["code", "name", "is_active"]
    filter_horizontal = ["required_documents"]


class ReadOnlyInline(admin.TabularInline):
    """History rows: written by the services only, shown here, never edited."""

    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class StatusChangeInline(ReadOnlyInline):
    model = StatusChange
    fields = readonly_fields = ["old_status", "new_status", "actor", "reason", "at"]


class StudyInline(ReadOnlyInline):
    model = SocialStudy
    fields = readonly_fields = [
        "researcher",
        "referral_reason",
        "income_per_person",
        "score",
        "rule_set",
        "recommendation",
    ]


class VoteInline(ReadOnlyInline):
    model = CommitteeVote
    fields = readonly_fields = ["committee_round", "member", "vote", "note", "at"]


class DecisionInline(ReadOnlyInline):
    model = CommitteeDecision
    fields = readonly_fields = [
        "committee_round",
        "outcome",
        "reasons",
        "chair",
        "decided_at",
        "grant_kind",
        "grant_amount",
    ]


class DeliveryInline(ReadOnlyInline):
    model = Delivery
    fields = readonly_fields = ["delivered_on", "what", "quantity", "amount", "delivered_by", "receipt_confirmed"]


@admin.register(SupportRequest)
class SupportRequestAdmin(PortalAdminMixin, admin.ModelAdmin):
    """Read-only: a request is opened at the intake desk (a draft with its first status-history row, by
    ``services.support_request_create_draft``) and changes only through the services of its lifecycle, so
    no admin path skips a rule or the status history. Admin lists, filters and reads them."""

    list_display = ["__str__", "beneficiary", "service_type", "channel", "status", "submitted_at"]
    list_filter = ["status", "service_type", "channel"]
    list_select_related = ["beneficiary", "service_type", "channel"]
    search_fields = ["number"]
    raw_id_fields = ["beneficiary"]
    readonly_fields = [
        "number",
        "status",
        "submitted_at",
        "decision_window_days",
        "created_by",
        "researcher",
        "missing_items",
        "committee_round",
        "appeal_text",
        "appealed_at",
        "decided_at",
    ]
    inlines = [StatusChangeInline, StudyInline, VoteInline, DecisionInline, DeliveryInline]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        # Deleting would take the status history, the votes and the decisions with it.
        return False


@admin.register(CommitteeSettings)
class CommitteeSettingsAdmin(PortalAdminMixin, admin.ModelAdmin):
    list_display = ["__str__", "quorum", "overdue_days"]

    def has_add_permission(self, request):
        return not CommitteeSettings.objects.exists() and super().has_add_permission(request)

    def has_delete_permission(self, request, obj=None):
        return False


class EligibilityRuleInline(admin.TabularInline):
    model = EligibilityRule
    form = PortalModelForm
    extra = 1

    # A version that scored a study is frozen: the study must keep meaning what it meant.
    def has_add_permission(self, request, obj=None):
        return not (obj and obj.is_used) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return not (obj and obj.is_used) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return not (obj and obj.is_used) and super().has_delete_permission(request, obj)


@admin.register(EligibilityRuleSet)
class EligibilityRuleSetAdmin(PortalAdminMixin, admin.ModelAdmin):
    list_display = ["service_type", "version", "is_active", "pass_score", "created_at"]
    list_filter = ["service_type", "is_active"]
    inlines = [EligibilityRuleInline]

    def get_readonly_fields(self, request, obj=None):
        if obj and obj.is_used:
            return ["service_type", "version", "pass_score"]
        return []

    def has_delete_permission(self, request, obj=None):
        return not (obj and obj.is_used) and super().has_delete_permission(request, obj)


@admin.register(RequestNotification)
class RequestNotificationAdmin(admin.ModelAdmin):
    list_display = ["key", "event", "support_request", "user", "created_at"]
    list_filter = ["event"]
    readonly_fields = ["key", "event", "support_request", "user", "context", "created_at"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
