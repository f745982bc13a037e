"""The applicant's lists (their requests on the home page, their messages) cost the same number of queries for
2 rows as for 12 (no query per row), and are paginated."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.channels_log.factories import make_contact
from tests.factories import BeneficiaryFactory, SupportRequestFactory

from .helpers import signed_in_client

pytestmark = pytest.mark.django_db
MOBILE = "+966558880001"


def _requests(beneficiary, n):
    for _ in range(n):
        SupportRequestFactory(beneficiary=beneficiary)


def _messages(beneficiary, n):
    for i in range(n):
        make_contact(beneficiary=beneficiary, subject=f"موضوع {i}")


def _count(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize(("url", "make_rows"), [("/my/", _requests), ("/my/messages/", _messages)])
def test_my_lists_do_not_grow_with_rows(url, make_rows):
    beneficiary = BeneficiaryFactory(mobile=MOBILE)
    client = signed_in_client(MOBILE)
    make_rows(beneficiary, 2)
    client.get(url)  # warm the per-process caches
    few = _count(client, url)
    make_rows(beneficiary, 10)
    many = _count(client, url)
    assert few == many, (few, many)
    make_rows(beneficiary, 10)
    page = client.get(url).content.decode()
    assert "?page=2" in page
