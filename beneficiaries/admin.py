from django.contrib import admin

from association.admin import PortalAdminMixin

from .models import Beneficiary, Consent, Document, DocumentType, HouseholdMember, SensitiveAccess


class HouseholdInline(admin.TabularInline):
    model = HouseholdMember
    extra = 0


class ConsentInline(admin.TabularInline):
    model = Consent
    extra = 0


@admin.register(Beneficiary)
class BeneficiaryAdmin(PortalAdminMixin, admin.ModelAdmin):
    list_display = ["full_name", "masked_id", "city", "created_at"]
    list_filter = ["id_type", "gender", "city"]
    search_fields = ["name_normalized", "=national_id", "=mobile"]
    readonly_fields = ["public_id", "id_type", "bank_name", "created_by"]
    inlines = [HouseholdInline, ConsentInline]

    @admin.display(description=Beneficiary._meta.get_field("national_id").verbose_name)
    def masked_id(self, obj):
        return obj.national_id_masked

    def get_search_results(self, request, queryset, search_term):
        from .search import search_beneficiaries

        if not search_term:
            return queryset, False
        return search_beneficiaries(queryset, search_term), False


@admin.register(DocumentType)
class DocumentTypeAdmin(PortalAdminMixin, admin.ModelAdmin):
    list_display = ["code", "name", "is_active"]


@admin.register(Document)
class DocumentAdmin(PortalAdminMixin, admin.ModelAdmin):
    list_display = ["document_type", "beneficiary", "supplied_at", "verified_at"]
    list_select_related = ["document_type", "beneficiary"]
    raw_id_fields = ["beneficiary"]
    readonly_fields = ["content_type", "size", "supplied_by", "verified_at", "verified_by"]


@admin.register(SensitiveAccess)
class SensitiveAccessAdmin(admin.ModelAdmin):
    list_display = ["at", "user", "beneficiary", "field"]
    list_select_related = ["user", "beneficiary"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
