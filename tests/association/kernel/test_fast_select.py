"""``FastSelect`` draws the markup Django's select templates draw (the portal's forms use it for every drop-down),
and a portal form's model drop-downs read their rows with one ordinary query."""

import re

import pytest
from django import forms
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext

from association.kernel.forms import FastSelect, PortalForm


def _same_markup(html: str) -> str:
    return re.sub(r">\s+<", "><", html.strip())


CASES = [
    ([("", "—"), ("a", "أ & <b>"), ("b", 'B "q"')], "a", {"class": "form-select", "id": "id_x", "required": True}),
    ([("G & 1", [("1", "one"), ("2", "two")]), ("3", "three")], "2", {"disabled": True, "data-x": "y"}),
    ([(1, "x"), (None, "none"), ("", "empty")], None, {}),
    ([("a", "A"), ("b", "B")], "zzz", {"aria-label": "اختر"}),
]


@pytest.mark.parametrize(("choices", "value", "attrs"), CASES)
def test_fast_select_draws_what_djangos_templates_draw(choices, value, attrs):
    expected = forms.Select(attrs, choices).render("x", value)
    assert _same_markup(FastSelect(attrs, choices).render("x", value)) == _same_markup(expected)


class _Form(PortalForm):
    group = forms.ModelChoiceField(queryset=Group.objects.order_by("name"), empty_label="الكل")
    kind = forms.ChoiceField(choices=[("a", "A"), ("b", "B")])
    many = forms.MultipleChoiceField(choices=[("a", "A")], required=False)


@pytest.mark.django_db
def test_portal_forms_draw_their_drop_downs_fast_and_read_model_choices_in_one_query():
    Group.objects.create(name="ب")
    Group.objects.create(name="أ")
    form = _Form(data={"group": Group.objects.get(name="ب").pk, "kind": "b"})
    assert type(form.fields["group"].widget) is FastSelect and type(form.fields["kind"].widget) is FastSelect
    assert type(form.fields["many"].widget) is forms.SelectMultiple  # subclasses keep Django's own
    assert form.is_valid(), form.errors  # (drawing a bound field validates the form first)
    with CaptureQueriesContext(connection) as queries:
        html = str(form["group"])
    assert len(queries) == 1 and "CURSOR" not in queries[0]["sql"].upper()
    names = re.findall(r"<option [^>]*>([^<]*)</option>", html)
    assert names[0] == "الكل" and sorted(names[1:]) == sorted(Group.objects.values_list("name", flat=True))
    assert re.search(r'<option value="\d+" selected>ب</option>', html)
