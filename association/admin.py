from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .branches import Branch, StaffBranch
from .channels import Channel
from .kernel.forms import IbanField, PortalModelForm
from .models import AssociationProfile, BankAccount, Breach, OfficialHoliday
from .policy.forms import PolicyToolLinkForm
from .policy.models import PolicySection, PolicyToolLink, PolicyVersion
from .policy.tools import resolve_targets


class PortalAdminMixin:
    """Admin forms whose numeric and date inputs accept Arabic-Indic digits and Hijri dates.

    ``identifier_fields`` maps a model field's name to ``NationalIdField``, ``MobileField`` or
    ``IbanField``: the admin accepts what the portal's own forms accept (grouped, +966, Arabic-Indic).
    """

    form = PortalModelForm
    identifier_fields: dict = {}

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field_class = self.identifier_fields.get(db_field.name)
        if field_class is not None:
            kwargs.pop("widget", None)  # the field's own input, with its generous maxlength
            return db_field.formfield(form_class=field_class, **kwargs)
        return super().formfield_for_dbfield(db_field, request, **kwargs)


@admin.display(description=_("Number"), ordering="pk")
def row_number(obj):
    """A list column for the row's number (``"pk"`` in ``list_display`` would be headed «Pk»)."""
    return obj.pk


class BankAccountInline(PortalAdminMixin, admin.TabularInline):
    model = BankAccount
    identifier_fields = {"iban": IbanField}
    extra = 0


@admin.register(AssociationProfile)
class AssociationProfileAdmin(PortalAdminMixin, admin.ModelAdmin):
    inlines = [BankAccountInline]
    list_display = ["name", "license_number", "city", "phone"]

    def has_add_permission(self, request):
        return not AssociationProfile.objects.exists() and super().has_add_permission(request)

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(BankAccount)
class BankAccountAdmin(PortalAdminMixin, admin.ModelAdmin):
    list_display = ["bank_name", "iban", "account_name", "purpose", "is_active"]
    identifier_fields = {"iban": IbanField}


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


class StaffBranchInline(admin.TabularInline):
    model = StaffBranch
    extra = 0
    raw_id_fields = ["user"]


@admin.register(Branch)
class BranchAdmin(PortalAdminMixin, admin.ModelAdmin):
    list_display = ["name", "city", "phone", "is_active"]
    list_filter = ["is_active", "city"]
    search_fields = ["name", "city"]
    inlines = [StaffBranchInline]


@admin.register(StaffBranch)
class StaffBranchAdmin(admin.ModelAdmin):
    list_display = ["user", "branch"]
    list_filter = ["branch"]
    list_select_related = ["user", "branch"]
    raw_id_fields = ["user"]


@admin.register(OfficialHoliday)
class OfficialHolidayAdmin(PortalAdminMixin, admin.ModelAdmin):
    list_display = ["date", "name"]
    date_hierarchy = "date"


# --- Policy: versions are kept through the policy screens (services); admin links tools to documents.


class PolicySectionInline(admin.TabularInline):
    model = PolicySection
    extra = 0
    can_delete = False
    readonly_fields = ["order", "kind", "heading", "paragraphs", "items"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(PolicyVersion)
class PolicyVersionAdmin(admin.ModelAdmin):
    """Read-only here: approval and edits go through ``association.policy.services`` so the rules hold."""

    list_display = ["number", "title", "status", "approval_date", "approved_at"]
    list_filter = ["status"]
    inlines = [PolicySectionInline]
    # The signed page's scan is served only through the permission-checked ``policy:scan``, never a media URL.
    exclude = ["approval_scan"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(PolicyToolLink)
class PolicyToolLinkAdmin(PortalAdminMixin, admin.ModelAdmin):
    """A tool's page and/or record (a document type of the registry…), picked from the kinds the apps register."""

    form = PolicyToolLinkForm
    list_display = ["name", "linked_record", "url"]
    search_fields = ["name"]

    def get_changelist_instance(self, request):
        changelist = super().get_changelist_instance(request)
        resolve_targets(changelist.result_list)  # one query per kind on the page, not one per row
        return changelist

    @admin.display(description=_("Linked record"))
    def linked_record(self, obj):
        return obj.target_name or "—"


@admin.register(Breach)
class BreachAdmin(PortalAdminMixin, admin.ModelAdmin):
    list_display = ["title", "discovered_at", "affected_count", "authority_notified_at", "subjects_notified_at"]
    readonly_fields = ["recorded_by", "authority_reminded_at", "subjects_reminded_at"]

    def has_delete_permission(self, request, obj=None):
        return False  # the register keeps every breach


# django-otp's TOTP devices: the admin removes a lost phone's device (the user enrols again); columns in Arabic.
from django_otp.plugins.otp_totp.models import TOTPDevice  # noqa: E402

if admin.site.is_registered(TOTPDevice):
    admin.site.unregister(TOTPDevice)


@admin.register(TOTPDevice)
class TOTPDeviceAdmin(admin.ModelAdmin):
    list_display = ["staff_member", "is_confirmed", "last_used"]
    list_select_related = ["user"]
    fields = ["user", "confirmed"]
    readonly_fields = ["user"]

    def has_add_permission(self, request):
        return False  # each person enrols with their own phone, from their menu

    @admin.display(description=_("Staff member"), ordering="user__username")
    def staff_member(self, obj):
        return obj.user

    @admin.display(description=_("Enrolment confirmed"), boolean=True, ordering="confirmed")
    def is_confirmed(self, obj):
        return obj.confirmed

    @admin.display(description=_("Last used"), ordering="last_used_at")
    def last_used(self, obj):
        return obj.last_used_at
