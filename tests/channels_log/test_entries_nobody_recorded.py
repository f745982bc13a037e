"""Contacts no staff member recorded (a public /contact/ message, a low-score survey follow-up) show on every
staff page without crashing; a person's name is shown one None-safe way (``person_name`` / ``|person``)."""

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.template import Context, Template
from django.test import Client, TestCase
from django.urls import reverse

from association.kernel.text import person_name
from channels_log.cases.models import Case
from channels_log.contacts.models import ContactEntry
from surveys import services as survey_services
from tests.channels_log.factories import make_case
from tests.surveys.factories import answers_for, open_invitation

pytestmark = pytest.mark.django_db
User = get_user_model()


@pytest.fixture(autouse=True)
def _clear_throttle():
    cache.clear()
    yield
    cache.clear()


def public_message(**overrides) -> Case:
    """Sent as the public sends it: through the website form, by an anonymous client."""
    data = {
        "kind": "complaint",
        "name": "نورة سالم",
        "mobile": "0551112233",
        "subject": "لم يصلني رد",
        "body": "راجعت الجمعية مرتين.",
        "website": "",
        "sms_updates": "on",
        **overrides,
    }
    response = Client().post(reverse("channels_log:public_contact"), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    return Case.objects.select_related("contact").get(contact__subject=data["subject"])


def low_score_follow_up() -> Case:
    """A low survey score, answered through the survey service: the portal opens the follow-up itself."""
    invitation = open_invitation()
    with TestCase.captureOnCommitCallbacks(execute=True):  # the follow-up is the commit's reaction
        response = survey_services.response_submit(
            token=invitation.token, answers=answers_for(invitation.version, rating=1, score=2)
        )
    response.refresh_from_db()
    return Case.objects.select_related("contact__beneficiary").get(contact=response.follow_up)


def test_person_name_is_none_safe_and_prefers_the_full_name():
    assert person_name(None) == "—"
    assert person_name(None, empty="") == ""
    assert person_name(User(username="reem", first_name="ريم", last_name="السبيعي")) == "ريم السبيعي"
    assert person_name(User(username="reem", first_name="  ", last_name="")) == "reem"
    template = Template('{{ a|person }}|{{ b|person }}|{{ c|person:"النظام" }}')
    rendered = template.render(Context({"a": None, "b": User(username="desk", first_name="سارة"), "c": None}))
    assert rendered == "—|سارة|النظام"


@pytest.mark.parametrize("role_fixture", ["officer", "researcher", "manager", "member"])
def test_staff_pages_show_entries_nobody_recorded(role_fixture, request, client):
    public_case = public_message()
    follow_up = low_score_follow_up()
    beneficiary = follow_up.contact.beneficiary
    # Realistic neighbours: an entry an officer recorded, on the same beneficiary.
    officer_case = make_case(kind="inquiry", beneficiary=beneficiary, subject="استفسار من الموظف")
    assert public_case.contact.recorded_by is None and follow_up.contact.recorded_by is None
    user = request.getfixturevalue(role_fixture)
    client.force_login(user)

    pages = [
        reverse("channels_log:list"),
        reverse("channels_log:contact_detail", args=[public_case.contact.pk]),
        reverse("channels_log:contact_detail", args=[follow_up.contact.pk]),
        beneficiary.get_absolute_url(),
        reverse("beneficiaries:timeline", args=[beneficiary.public_id]),
    ]
    if user.has_perm("channels_log.view_case"):
        pages += [
            reverse("channels_log:case_list"),
            public_case.get_absolute_url(),
            follow_up.get_absolute_url(),
            officer_case.get_absolute_url(),
        ]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
    contact_list = client.get(reverse("channels_log:list")).content.decode()
    assert "لم يصلني رد" in contact_list and "البوابة آليًا" in contact_list
    detail = client.get(reverse("channels_log:contact_detail", args=[public_case.contact.pk])).content.decode()
    assert "نورة سالم" in detail


def test_the_case_page_of_a_public_message_names_no_one_who_is_not_there(client, manager):
    case = public_message()
    client.force_login(manager)
    page = client.get(case.get_absolute_url()).content.decode()
    assert case.reference in page
    # The opening event has no actor; the page does not invent one.
    assert case.events.get(action="opened").actor is None
    assert ContactEntry.objects.filter(pk=case.contact.pk, recorded_by=None).exists()
