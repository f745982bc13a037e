"""A service's errors shown on the form that called it: one mapping for every view.

Services raise ``ValidationError`` — with a dict (field → messages) when an error belongs to an input, with a
message or a list otherwise. ``apply_to_form`` puts each error next to its field when the form has that field,
and above the form otherwise; the entered data stays as it was typed.
"""

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError


def apply_to_form(form, exc: ValidationError, *, field_map: dict[str, str | None] | None = None):
    """Add ``exc``'s messages to ``form``; ``field_map`` renames a service's field to the form's (``None``: above
    the form). Returns the form."""
    field_map = field_map or {}
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc)
        return form
    for field, errors in exc.error_dict.items():
        name = field_map.get(field, field)
        if name == NON_FIELD_ERRORS or name not in form.fields:
            name = None
        form.add_error(name, ValidationError(errors))
    return form
