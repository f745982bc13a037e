"""What the guards found, each pinned by a fast test of its own. Marked ``guard`` so that CI runs them on
PostgreSQL (with the whole suite) and on SQLite (with the guards): some answered 500 on one database only."""

import datetime as dt

import pytest
from django import forms
from django.contrib.auth import get_user_model
from django.test import Client

from association.kernel.forms import PortalForm
from association.models import OfficialHoliday
from association.policy.forms import MAX_SECTIONS, SectionFormSet
from beneficiaries.forms import HouseholdFormSet
from surveys.models import Choice, Invitation, Question, Response
from tests.factories import UserFactory
from tests.surveys.factories import open_invitation, post_data

pytestmark = [pytest.mark.guard, pytest.mark.django_db]

HUGE = str(10**30)
HUGE_ARABIC = "١" + "٠" * 30


@pytest.fixture
def anonymous():
    return Client(raise_request_exception=False)


@pytest.fixture
def admin_client():
    client = Client(raise_request_exception=False)
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


# --- A NUL byte in a path or a query string: 400, before any view (PostgreSQL answered 500) -----------


@pytest.mark.parametrize("path", ["/s/%00/", "/s/ab%00cd/", "/policy/?page=%00", "/contact/?x=%00", "/contact/?%00=1"])
def test_a_nul_byte_in_the_address_is_a_bad_request(anonymous, path):
    response = anonymous.get(path)
    assert response.status_code == 400


def test_the_bad_request_page_is_in_arabic(anonymous, settings):
    settings.DEBUG = False  # DEBUG shows Django's technical page instead of ours
    response = anonymous.get("/s/%00/")
    assert response.status_code == 400
    html = response.content.decode()
    assert 'lang="ar" dir="rtl"' in html and "تعذّر تنفيذ الطلب" in html


def test_an_admin_list_filter_with_a_nul_byte_is_a_bad_request(admin_client):
    for query in ["status__exact=ab%00cd", "q=%00", "o=%00"]:
        response = admin_client.get(f"/admin/surveys/surveyversion/?{query}")
        assert response.status_code == 400, query


def test_a_survey_token_that_is_no_token_is_still_not_found(anonymous):
    assert anonymous.get("/s/" + "x" * 2000 + "/").status_code == 404
    assert anonymous.get("/s/%E2%80%8B%F0%9F%98%80/").status_code == 404


# --- Huge numbers (SQLite cannot bind an integer past 64 bits) -------------------------------------------


@pytest.mark.parametrize("huge", [HUGE, "9" * 19, HUGE_ARABIC])
def test_a_huge_choice_in_a_survey_answer_is_an_error_next_to_the_question(anonymous, huge):
    invitation = open_invitation()
    version = invitation.version
    multiple = version.questions.get(kind=Question.Kind.MULTIPLE)
    data = post_data(version)
    data[multiple.field_name] = [huge]
    response = anonymous.post(invitation.get_absolute_url(), data)
    assert response.status_code == 200
    form = response.context["form"]
    assert list(form.errors) == [multiple.field_name]
    assert "اختر" in form.errors[multiple.field_name][0] or "انتق" in form.errors[multiple.field_name][0]
    invitation.refresh_from_db()
    assert invitation.used_at is None and not Response.objects.exists()


def test_an_integer_in_lookup_leaves_out_numbers_no_column_holds():
    choice = Choice.objects.create(question=open_invitation().version.questions.get(kind="single"), text_ar="نعم")
    assert list(Choice.objects.filter(pk__in=[choice.pk, 10**30])) == [choice]
    assert not Choice.objects.filter(pk__in=[10**30, -(10**30)]).exists()
    assert Choice.objects.exclude(pk__in=[10**30]).filter(pk=choice.pk).exists()
    assert not Choice.objects.filter(order__in=["9" * 400]).exists()


class _CountForm(PortalForm):
    count = forms.IntegerField()


@pytest.mark.parametrize("value", [HUGE, HUGE_ARABIC, "-" + HUGE])
def test_a_portal_number_beyond_its_column_is_an_arabic_error(value):
    form = _CountForm(data={"count": value})
    assert not form.is_valid()
    assert form.errors["count"][0] in ("هذا الرقم أكبر من المسموح به.", "هذا الرقم أصغر من المسموح به.")


def test_a_portal_number_within_range_is_kept():
    form = _CountForm(data={"count": "٩" * 18})
    assert form.is_valid() and form.cleaned_data["count"] == int("9" * 18)


# --- Django admin: date hierarchy out of range, actions on ids that are no ids ----------------------------


@pytest.mark.parametrize("query", [f"date__year={HUGE}", "date__year=9999", f"date__year=2026&date__month={HUGE}"])
def test_an_admin_date_filter_out_of_range_is_an_invalid_filter(admin_client, query):
    OfficialHoliday.objects.create(date=dt.date(2026, 9, 23), name="اليوم الوطني")
    response = admin_client.get(f"/admin/association/officialholiday/?{query}")
    assert response.status_code == 302 and response["Location"].endswith("?e=1")


@pytest.mark.parametrize("selected", ["abc", "-1e309", "\u200b"])
def test_an_admin_action_on_rows_that_are_no_rows_changes_nothing(admin_client, selected):
    holiday = OfficialHoliday.objects.create(date=dt.date(2026, 9, 23), name="اليوم الوطني")
    response = admin_client.post(
        "/admin/association/officialholiday/",
        {"action": "delete_selected", "_selected_action": [str(holiday.pk), selected], "index": "0"},
    )
    assert response.status_code in (200, 302)
    assert OfficialHoliday.objects.filter(pk=holiday.pk).exists()


def test_an_admin_action_on_a_huge_id_selects_nothing(admin_client):
    user = get_user_model().objects.create(username="someone")
    response = admin_client.post(
        "/admin/auth/user/", {"action": "delete_selected", "_selected_action": [HUGE], "index": "0"}
    )
    assert response.status_code in (200, 302)
    assert get_user_model().objects.filter(pk=user.pk).exists()


def test_an_admin_search_too_long_to_run_finds_nothing_and_says_why(admin_client):
    get_user_model().objects.create(username="someone", first_name="سارة")
    response = admin_client.get("/admin/auth/user/", {"q": "سارة " * 20_000})
    assert response.status_code == 200
    assert response.context["cl"].result_count == 0
    assert "نص البحث طويل جدًا" in response.content.decode()
    found = admin_client.get("/admin/auth/user/", {"q": "سارة"})
    assert found.context["cl"].result_count == 1


# --- A forged row count builds no more rows than the form may have (it took seconds) ----------------------


def test_a_forged_household_row_count_builds_at_most_thirty_rows():
    formset = HouseholdFormSet(
        {"household-TOTAL_FORMS": HUGE, "household-INITIAL_FORMS": "0", "household-MAX_NUM_FORMS": "30"},
        prefix="household",
    )
    assert len(formset.forms) <= 30
    assert not formset.is_valid()


def test_a_forged_policy_section_count_builds_at_most_the_section_limit():
    formset = SectionFormSet({"sections-TOTAL_FORMS": HUGE, "sections-INITIAL_FORMS": "0"}, prefix="sections")
    assert len(formset.forms) <= MAX_SECTIONS
    assert not formset.is_valid()


def test_an_unused_invitation_stays_open_after_bad_answers(anonymous):
    """The bad answers above leave no half-saved trace: the link still works for the real answer."""
    invitation = open_invitation()
    version = invitation.version
    data = post_data(version)
    data[version.questions.get(kind=Question.Kind.MULTIPLE).field_name] = [HUGE]
    anonymous.post(invitation.get_absolute_url(), data)
    assert anonymous.post(invitation.get_absolute_url(), post_data(version)).status_code == 302
    assert Invitation.objects.get(pk=invitation.pk).used_at is not None
