from django.contrib import admin
from django.core.exceptions import PermissionDenied, ValidationError
from import_export.admin import ImportExportModelAdmin
from import_export.formats.base_formats import CSV, XLSX

from association.admin import PortalAdminMixin
from association.forms import IbanField, MobileField, NationalIdField

from . import services
from .models import Beneficiary, BulkTransfer, Consent, Document, DocumentType, HouseholdMember, SensitiveAccess
from .resources import BeneficiaryResource


class HouseholdInline(PortalAdminMixin, admin.TabularInline):
    model = HouseholdMember
    identifier_fields = {"national_id": NationalIdField}
    extra = 0


class ConsentInline(admin.TabularInline):
    model = Consent
    extra = 0
    readonly_fields = ["source_import"]


@admin.register(Beneficiary)
class BeneficiaryAdmin(PortalAdminMixin, ImportExportModelAdmin):
    # Import and export through the same resource as the staff import page (which is the main path).
    resource_classes = [BeneficiaryResource]
    identifier_fields = {"national_id": NationalIdField, "mobile": MobileField, "iban": IbanField}
    import_formats = [XLSX, CSV]
    export_formats = [XLSX, CSV]
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

    def get_import_formats(self):
        # The staff import page's bounded reader and rules: size, rows and columns checked while reading.
        from .importing import BoundedCSV, BoundedXLSX

        return [BoundedXLSX, BoundedCSV]

    def add_data_read_fail_error_to_form(self, form, e):
        if isinstance(e, ValidationError):  # the reader's own message (too many rows, too large…)
            form.add_error("import_file", e.messages)
        else:
            super().add_data_read_fail_error_to_form(form, e)

    def has_import_permission(self, request):
        return request.user.has_perm("beneficiaries.import_beneficiary")

    def has_export_permission(self, request):
        return request.user.has_perms(services.EXPORT_PERMISSIONS)

    def get_export_data(self, file_format, request, queryset, **kwargs):
        """Full values, through the service that checks both permissions and logs the export."""
        if not self.has_export_permission(request):
            raise PermissionDenied
        return services.beneficiary_export(
            actor=request.user, queryset=queryset, file_format=file_format.get_extension()
        )


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
    list_display = ["at", "user", "beneficiary", "field", "item"]
    list_select_related = ["user", "beneficiary"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(BulkTransfer)
class BulkTransferAdmin(admin.ModelAdmin):
    list_display = ["at", "kind", "user", "file_format", "file_name", "rows", "rejected_rows"]
    list_filter = ["kind"]
    list_select_related = ["user"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
