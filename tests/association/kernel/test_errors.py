"""apply_to_form: a service's error next to its field, above the form otherwise; the input is kept."""

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError

from association.kernel.errors import apply_to_form


class NoteForm(forms.Form):
    title = forms.CharField()
    body = forms.CharField(required=False)


def bound(**data):
    form = NoteForm(data={"title": "عنوان", "body": "نص", **data})
    assert form.is_valid()
    return form


def test_a_field_error_lands_next_to_its_field_and_keeps_the_input():
    form = apply_to_form(bound(), ValidationError({"title": "عنوان مكرر", "body": ["قصير", "ناقص"]}))
    assert form.errors["title"] == ["عنوان مكرر"]
    assert form.errors["body"] == ["قصير", "ناقص"]
    assert form["title"].value() == "عنوان"


def test_an_error_for_a_field_the_form_lacks_goes_above_the_form():
    form = apply_to_form(bound(), ValidationError({"status": "لا يمكن", NON_FIELD_ERRORS: ["عام"]}))
    assert form.non_field_errors() == ["لا يمكن", "عام"]


def test_a_message_or_a_list_goes_above_the_form_with_its_code():
    form = apply_to_form(bound(), ValidationError("تعذر الحفظ", code="conflict"))
    assert form.non_field_errors() == ["تعذر الحفظ"]
    assert form.non_field_errors().as_data()[0].code == "conflict"
    form = apply_to_form(bound(), ValidationError(["أ", "ب"]))
    assert form.non_field_errors() == ["أ", "ب"]


def test_field_map_renames_a_service_field():
    form = apply_to_form(bound(), ValidationError({"subject": "مطلوب"}), field_map={"subject": "title"})
    assert form.errors["title"] == ["مطلوب"]
    form = apply_to_form(bound(), ValidationError({"body": "سري"}), field_map={"body": None})
    assert form.non_field_errors() == ["سري"]
