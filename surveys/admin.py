from django.contrib import admin

from association.admin import PortalAdminMixin, row_number

from .models import (
    AuditEntry,
    Choice,
    ImprovementAction,
    Invitation,
    Question,
    Response,
    Survey,
    SurveySettings,
    SurveyVersion,
    TriggerRule,
)


class ReadOnlyAdmin:
    """Surveys, their versions and questions, and improvement actions are written through the builder and the
    actions pages (``surveys.services``: permissions, frozen versions, the audit log, the status table); the
    admin shows them and changes nothing, so no admin path goes around a rule."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class VersionInline(ReadOnlyAdmin, admin.TabularInline):
    model = SurveyVersion
    fields = ["number", "status", "title_ar", "anonymous", "published_at"]
    readonly_fields = ["number", "status", "title_ar", "anonymous", "published_at"]
    extra = 0
    show_change_link = True


@admin.register(Survey)
class SurveyAdmin(ReadOnlyAdmin, PortalAdminMixin, admin.ModelAdmin):
    list_display = ["code", "name_ar", "name_en", "created_at"]
    search_fields = ["code", "name_ar", "name_en"]
    inlines = [VersionInline]


class ChoiceInline(ReadOnlyAdmin, admin.TabularInline):
    model = Choice
    extra = 0


class QuestionInline(ReadOnlyAdmin, admin.StackedInline):
    model = Question
    extra = 0
    show_change_link = True


@admin.register(SurveyVersion)
class SurveyVersionAdmin(ReadOnlyAdmin, PortalAdminMixin, admin.ModelAdmin):
    list_display = ["survey", "number", "status", "title_ar", "anonymous", "published_at"]
    list_filter = ["status", "anonymous"]
    list_select_related = ["survey"]
    inlines = [QuestionInline]


@admin.register(Question)
class QuestionAdmin(ReadOnlyAdmin, PortalAdminMixin, admin.ModelAdmin):
    list_display = ["version", "order", "kind", "text_ar", "required"]
    list_select_related = ["version__survey"]
    inlines = [ChoiceInline]


@admin.register(SurveySettings)
class SurveySettingsAdmin(PortalAdminMixin, admin.ModelAdmin):
    list_display = ["__str__", "valid_days", "reminder_after_days", "low_rating_threshold", "low_score_threshold"]

    def has_add_permission(self, request):
        return not SurveySettings.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(TriggerRule)
class TriggerRuleAdmin(PortalAdminMixin, admin.ModelAdmin):
    list_display = ["trigger", "enabled", "delay_days", "survey", "send_channel"]
    list_editable = ["enabled", "delay_days", "survey", "send_channel"]


@admin.register(Invitation)
class InvitationAdmin(PortalAdminMixin, admin.ModelAdmin):
    list_display = [
        row_number,
        "version",
        "trigger",
        "send_channel",
        "scheduled_for",
        "sent_at",
        "reminded_at",
        "used_at",
        "expires_at",
    ]
    list_filter = ["trigger", "send_channel"]
    list_select_related = ["version__survey"]
    # The token is a secret: never shown in lists or search.
    exclude = ["token"]
    readonly_fields = [f.name for f in Invitation._meta.fields if f.name != "token"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Response)
class ResponseAdmin(admin.ModelAdmin):
    list_display = [
        row_number,
        "version",
        "submitted_on",
        "trigger",
        "service_type",
        "channel",
        "is_anonymous",
        "is_low",
    ]
    list_filter = ["is_anonymous", "is_low", "trigger"]
    list_select_related = ["version__survey", "service_type", "channel"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ImprovementAction)
class ImprovementActionAdmin(ReadOnlyAdmin, PortalAdminMixin, admin.ModelAdmin):
    list_display = ["decision", "kind", "owner", "due_date", "status"]
    list_filter = ["status", "kind"]
    list_select_related = ["owner"]


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    list_display = ["at", "actor", "action", "object_type", "object_id", "old_value", "new_value"]
    list_filter = ["action", "object_type"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
