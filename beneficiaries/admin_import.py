"""The admin's import page (django-import-export) shown like the portal's own preview: Arabic wording,
rows numbered by their line in the file, the person's name, and every reason in full under its Arabic
column name — never a field code behind a badge, never a table wider than the window."""

from django.utils.translation import gettext_lazy as _
from import_export.forms import ImportForm

from .importing import row_problems
from .resources import HEADER_LINES


class PortalImportForm(ImportForm):
    """import-export's form with the portal's labels (its own Arabic misspells «استيراد»)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["import_file"].label = _("File (Excel .xlsx or CSV)")
        self.fields["import_file"].help_text = _("One beneficiary per row, with the template's column headers.")
        self.fields["format"].label = _("File type")


class ImportPreviewAdminMixin:
    import_template_name = "admin/beneficiaries/import.html"
    import_form_class = PortalImportForm

    def import_action(self, request, **kwargs):
        response = super().import_action(request, **kwargs)
        context = getattr(response, "context_data", None)
        if context is not None:
            context["import_header_lines"] = HEADER_LINES
            result = context.get("result")
            if result is not None and (result.has_validation_errors() or result.row_errors()):
                context["import_problems"] = row_problems(result)
        return response
