"""Admin searches by national ID or mobile travel by POST: the typed value is never in a URL (history,
access logs, the result page's links); a value written into the URL by hand finds nothing."""

import re

import pytest
from django.urls import reverse

from channels_log.cases import services as case_services
from tests.factories import BeneficiaryFactory

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:beneficiaries_beneficiary_changelist")
SEARCH = reverse("admin:beneficiaries_beneficiary_private_search")


@pytest.fixture
def people():
    return BeneficiaryFactory(), BeneficiaryFactory()


def test_the_search_box_posts_and_the_url_carries_only_a_token(client_for, superuser, people):
    wanted, other = people
    client = client_for(superuser)
    page = client.get(CHANGELIST).content.decode()
    assert re.search(rf'<form id="changelist-search" method="post" action="{SEARCH}"', page)
    response = client.post(SEARCH, {"q": wanted.national_id})
    assert response.status_code == 302
    location = response["Location"]
    assert location.startswith(CHANGELIST + "?q=") and wanted.national_id not in location
    results = client.get(location)
    assert list(results.context["cl"].result_list) == [wanted]
    html = results.content.decode()
    assert f'value="{wanted.national_id}"' in html  # the box shows what was typed
    for href in re.findall(r'href="([^"]*)"', html):
        assert wanted.national_id not in href


def test_a_mobile_search_works_the_same_way(client_for, superuser, people):
    wanted, _other = people
    client = client_for(superuser)
    location = client.post(SEARCH, {"q": wanted.mobile_local})["Location"]
    assert wanted.mobile_local not in location and wanted.mobile[4:] not in location
    assert list(client.get(location).context["cl"].result_list) == [wanted]


def test_a_value_typed_into_the_url_finds_nothing(client_for, superuser, people):
    wanted, _other = people
    response = client_for(superuser).get(CHANGELIST, {"q": wanted.national_id})
    assert response.status_code == 200 and list(response.context["cl"].result_list) == []


def test_a_token_belongs_to_its_session(client_for, client, superuser, people, make_user):
    wanted, _other = people
    location = client_for(superuser).post(SEARCH, {"q": wanted.national_id})["Location"]
    client.logout()
    client.force_login(make_user(None, is_staff=True, is_superuser=True))
    assert list(client.get(location).context["cl"].result_list) == []


def test_list_parameters_survive_the_search(client_for, superuser, people):
    wanted, _other = people
    client = client_for(superuser)
    location = client.post(
        SEARCH, {"q": wanted.national_id, "gender__exact": wanted.gender, "_popup": "1", "_to_field": "id"}
    )["Location"]
    assert "gender__exact=" in location and "_popup=1" in location and "_to_field=id" in location
    assert list(client.get(location).context["cl"].result_list) == [wanted]


def test_the_search_is_a_post_for_those_who_may_see_the_list(client_for, superuser, make_user, people):
    assert client_for(superuser).get(SEARCH).status_code == 405
    staff_without_rights = make_user(None, is_staff=True)
    assert client_for(staff_without_rights).post(SEARCH, {"q": people[0].national_id}).status_code == 403


def test_cases_are_searched_by_mobile_the_same_way(client_for, superuser):
    case = case_services.case_submit_public(
        kind="inquiry", name="سارة", mobile="+966551112233", subject="سؤال", body="متى؟"
    )
    client = client_for(superuser)
    response = client.post(reverse("admin:channels_log_case_private_search"), {"q": "551112233"})
    assert "551112233" not in response["Location"]
    assert list(client.get(response["Location"]).context["cl"].result_list) == [case]


def test_the_kept_term_is_encrypted_in_the_session_store(client_for, superuser, people):
    """Sessions are rows of the database: the ID typed into the admin search is not readable in a dump."""
    from django.contrib.sessions.models import Session

    wanted, _other = people
    client = client_for(superuser)
    location = client.post(SEARCH, {"q": wanted.national_id})["Location"]
    stored = Session.objects.get(session_key=client.session.session_key).get_decoded()["admin_private_search"]
    assert all(value.startswith("enc1:") for value in stored.values())
    assert wanted.national_id not in str(stored)
    assert list(client.get(location).context["cl"].result_list) == [wanted]
