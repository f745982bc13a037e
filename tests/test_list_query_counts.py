"""Every list page's query count is the same for 5 rows as for 50 (no query per row)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from association.channels import Channel
from association.kernel.roles import Role
from channels_log.contacts.models import ContactEntry
from tests.factories import BeneficiaryFactory, SupportRequestFactory, UserFactory

pytestmark = pytest.mark.django_db


def _beneficiaries(n):
    for _ in range(n):
        SupportRequestFactory(beneficiary=BeneficiaryFactory(first_name="منيرة"))


def _contacts(n):
    channels = list(Channel.objects.all())
    for i in range(n):
        ContactEntry.objects.create(
            channel=channels[i % len(channels)],
            purpose="inquiry",
            beneficiary=BeneficiaryFactory(),
            recorded_by=UserFactory(),
            subject=f"موضوع {i}",
        )


def _requests(n):
    for _ in range(n):
        SupportRequestFactory(created_by=UserFactory())


def _count(client, method, url, data) -> tuple[int, int]:
    getattr(client, method)(url, data)  # warm: the cached reads (kernel.memo) a change of rows retires
    with CaptureQueriesContext(connection) as queries:
        response = getattr(client, method)(url, data)
    assert response.status_code == 200
    return len(queries), len(response.context["page"].object_list)


LISTS = {
    "beneficiaries:list": ("get", {}, _beneficiaries),
    "beneficiaries:desk": ("post", {"q": "منيره"}, _beneficiaries),  # with a query
    "channels_log:list": ("get", {}, _contacts),
    "requests_app:list": ("get", {}, _requests),
}


@pytest.mark.parametrize("name", sorted(LISTS))
def test_list_query_count_does_not_grow_with_rows(client, name):
    method, data, make_rows = LISTS[name]
    user = UserFactory(role=Role.RELATIONS_OFFICER)
    client.force_login(user)
    url = reverse(name)
    make_rows(5)
    getattr(client, method)(url, data)  # warm the per-process caches (content types, permissions)
    few, shown_few = _count(client, method, url, data)
    make_rows(45)
    many, shown_many = _count(client, method, url, data)
    assert shown_few == 5 and shown_many > shown_few, "the page must really show the rows it counts"
    assert many == few, f"{name}: {few} queries for 5 rows, {many} for 50"
