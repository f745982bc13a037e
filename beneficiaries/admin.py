from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from import_export.admin import ImportExportModelAdmin
from import_export.formats.base_formats import CSV, XLSX

from association.admin import PortalAdminMixin
from association.admin_search import PrivateSearchAdminMixin
from association.kernel.forms import IbanField, MobileField, NationalIdField, PortalModelForm
from association.kernel.text import mask

from . import services
from .admin_import import ImportPreviewAdminMixin
from .forms import BENEFICIARY_MASKED, mask_recorded_values, masked_values
from .models import (
    Beneficiary,
    BeneficiaryChange,
    BulkTransfer,
    Consent,
    Document,
    DocumentType,
    HouseholdMember,
    SensitiveAccess,
)
from .resources import BeneficiaryResource
from .search import beneficiaries_with_national_id


class BeneficiaryAdminForm(PortalModelForm):
    """The portal's edit rules in admin: recorded ID, IBAN and notes masked (left empty they are kept),
    the version the form was opened at, and the save through ``services.beneficiary_update``."""

    # Not named "version": admin builds the form from model field names, and the model's is not editable.
    opened_version = forms.IntegerField(widget=forms.HiddenInput)
    actor = None  # set by BeneficiaryAdmin.get_form
    remove_iban = forms.BooleanField(label=_("Remove the recorded IBAN"), required=False)
    remove_health_notes = forms.BooleanField(label=_("Remove the recorded health notes"), required=False)
    remove_disability_notes = forms.BooleanField(label=_("Remove the recorded disability notes"), required=False)

    class Meta:
        model = Beneficiary
        fields = list(services.PROFILE_FIELDS)
        field_classes = {"national_id": NationalIdField, "mobile": MobileField, "iban": IbanField}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.masked = []
        self.fields["opened_version"].initial = self.instance.version
        labels = {name: field.label for name, field in self.fields.items() if name.startswith("remove_")}
        mask_recorded_values(self, self.instance, BENEFICIARY_MASKED)
        for name, label in labels.items():  # admin's fieldset lists each box: each keeps its own label
            self.fields[name].label = label

    def clean(self):
        cleaned = super().clean()
        # The service checks both again under the row lock; here they become errors on the page.
        if cleaned.get("opened_version") is not None:
            try:
                services.beneficiary_check_version(
                    beneficiary=self.instance, expected_version=cleaned["opened_version"], actor=self.actor
                )
            except services.EditConflict as exc:
                self.add_error(None, exc)
        national_id = cleaned.get("national_id")
        others = Beneficiary.objects.exclude(pk=self.instance.pk)
        if national_id and beneficiaries_with_national_id(others, national_id).exists():
            self.add_error("national_id", _("A beneficiary with this ID number is already registered."))
        return cleaned

    def validate_unique(self):
        pass  # checked in clean() and by the service

    def profile_data(self) -> dict:
        # Not ``Meta.fields``: admin builds a subclass whose Meta lists its whole fieldset.
        values = {name: self.cleaned_data[name] for name in services.PROFILE_FIELDS if name in self.cleaned_data}
        return masked_values(self, values)


class HouseholdInline(admin.TabularInline):
    """Read here, masked; the household is edited on the portal's edit page (conflict check, history)."""

    model = HouseholdMember
    extra = 0
    fields = ["relation", "name", "masked_id", "birth_date", "monthly_income", "health_recorded"]
    readonly_fields = fields
    can_delete = False

    @admin.display(description=_("national ID / Iqama"))
    def masked_id(self, obj):
        return obj.national_id and mask(obj.national_id)

    @admin.display(description=_("health notes"), boolean=True)
    def health_recorded(self, obj):
        return bool(obj.health_notes)

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class ConsentInlineForm(forms.ModelForm):
    """One purpose and whether it is given; saved through ``services.consent_set`` (``BeneficiaryAdmin.save_formset``):
    a withdrawal keeps the row with its date, and consent to processing stays while a request is open."""

    given = forms.BooleanField(label=_("Consent given"), required=False, initial=True)

    class Meta:
        model = Consent
        fields = ["purpose"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["purpose"].disabled = True  # a purpose once recorded stays that purpose
            self.fields["given"].initial = self.instance.is_active

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk and self.instance.is_active and not cleaned.get("given"):
            try:
                services.consent_withdrawal_check(beneficiary=self.instance.beneficiary, purpose=self.instance.purpose)
            except ValidationError as exc:
                self.add_error("given", exc)
        return cleaned


class ConsentInline(admin.TabularInline):
    model = Consent
    form = ConsentInlineForm
    extra = 0
    fields = ["purpose", "given", "given_at", "withdrawn_at", "recorded_by", "source_import"]
    readonly_fields = ["given_at", "withdrawn_at", "recorded_by", "source_import"]
    can_delete = False  # withdrawn, never erased: the row says when consent was given and withdrawn


@admin.register(Beneficiary)
class BeneficiaryAdmin(PrivateSearchAdminMixin, ImportPreviewAdminMixin, ImportExportModelAdmin):
    """Search by POST (an ID or mobile never in a URL); edits through the portal's service, so they are
    checked for conflicts and written to the file's history; registering is the portal's job (consent)."""

    # Import and export through the same resource as the staff import page (which is the main path).
    resource_classes = [BeneficiaryResource]
    form = BeneficiaryAdminForm
    import_formats = [XLSX, CSV]
    export_formats = [XLSX, CSV]
    list_display = ["full_name", "masked_id", "city", "created_at"]
    list_filter = ["id_type", "gender", "city", "branch"]
    # Searched by ``get_private_search_results`` (ID by its keyed hash, mobile, name): the ID is encrypted.
    search_fields = ["name_normalized", "=mobile"]
    readonly_fields = ["public_id", "portal_link", "id_type", "bank_name", "created_by"]
    fields = [
        "public_id",
        "portal_link",
        "national_id",
        "id_type",
        "first_name",
        "father_name",
        "grandfather_name",
        "family_name",
        "gender",
        "birth_date",
        "nationality",
        "marital_status",
        "mobile",
        "city",
        "district",
        "iban",
        "remove_iban",
        "bank_name",
        "health_notes",
        "remove_health_notes",
        "disability_notes",
        "remove_disability_notes",
        "created_by",
        "opened_version",
    ]
    inlines = [HouseholdInline, ConsentInline]

    @admin.display(description=_("Name"), ordering="family_name")
    def full_name(self, obj):
        return obj.full_name

    @admin.display(description=Beneficiary._meta.get_field("national_id").verbose_name)
    def masked_id(self, obj):
        return obj.national_id_masked

    @admin.display(description=_("On the portal"))
    def portal_link(self, obj):
        return format_html(
            '<a href="{}">{}</a>', obj.get_absolute_url(), _("Open the file (showing a value in full is recorded)")
        )

    def get_private_search_results(self, request, queryset, term):
        from .search import search_beneficiaries

        return search_beneficiaries(queryset, term), False

    def get_import_formats(self):
        # The staff import page's bounded reader and rules: size, rows and columns checked while reading.
        from .importing import BoundedCSV, BoundedXLSX

        return [BoundedXLSX, BoundedCSV]

    def add_data_read_fail_error_to_form(self, form, e):
        if isinstance(e, ValidationError):  # the reader's own message (too many rows, too large…)
            form.add_error("import_file", e.messages)
        else:
            super().add_data_read_fail_error_to_form(form, e)

    def has_add_permission(self, request):
        return False

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        form.actor = request.user  # a class made for this request: its clean() checks conflicts for them
        return form

    def save_formset(self, request, form, formset, change):
        if formset.model is not Consent:
            return super().save_formset(request, form, formset, change)
        # Through the service, never formset.save(); the lists are what admin's change message reads.
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
        for consent_form in formset.forms:
            if not consent_form.has_changed() or not consent_form.cleaned_data:
                continue
            existing = consent_form.instance.pk is not None
            consent = services.consent_set(
                beneficiary=form.instance,
                purpose=consent_form.instance.purpose if existing else consent_form.cleaned_data["purpose"],
                given=consent_form.cleaned_data["given"],
                actor=request.user,
            )
            if existing:
                formset.changed_objects.append((consent, ["given"]))
            elif consent is not None:
                formset.new_objects.append(consent)
        return None

    def save_model(self, request, obj, form, change):
        # ``obj`` holds the form's values, masked fields emptied: the service re-reads the row under lock.
        updated = services.beneficiary_update(
            beneficiary=obj,
            actor=request.user,
            expected_version=form.cleaned_data["opened_version"],
            data=form.profile_data(),
        )
        obj.refresh_from_db()
        return updated

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except ValidationError as exc:
            # The form checked the same rules a moment before; another save came in between.
            self.message_user(request, " ".join(exc.messages), level=messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())

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
    list_display = ["code", "name", "validity", "validity_unit", "is_active"]


@admin.register(Document)
class DocumentAdmin(PortalAdminMixin, admin.ModelAdmin):
    """Read-only: documents are received on the portal (``services.document_add`` checks the file's real type
    and size) and verified there (``services.document_verify``); the file opens through the portal, which
    records who opened it."""

    list_display = ["document_type", "beneficiary", "supplied_at", "verified_at"]
    list_select_related = ["document_type", "beneficiary"]
    fields = [
        "beneficiary",
        "document_type",
        "portal_file",
        "content_type",
        "size",
        "note",
        "issued_on",
        "expires_on",
        "supplied_at",
        "supplied_by",
        "verified_at",
        "verified_by",
    ]
    readonly_fields = fields

    @admin.display(description=_("file"))
    def portal_file(self, obj):
        return format_html(
            '<a href="{}">{}</a>',
            reverse("beneficiaries:document_file", args=[obj.pk]),
            _("Open the file (opening it is recorded)"),
        )

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


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


@admin.register(BeneficiaryChange)
class BeneficiaryChangeAdmin(admin.ModelAdmin):
    """Append-only history of edits; shown in full on each beneficiary's page."""

    list_display = ["at", "beneficiary", "actor", "version"]
    list_select_related = ["beneficiary", "actor"]
    raw_id_fields = ["beneficiary"]

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


from .privacy import admin as privacy_admin  # noqa: E402, F401 — data protection's admin pages
