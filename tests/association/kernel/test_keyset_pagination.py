"""Keyset pagination (association.kernel.pagination.keyset_paginate): a stable order with ties, no row twice and
none missed when walking forward or back by the page links, the last page read from the end, old numbered links
and bad cursors giving a valid page, and the same two queries on page 1 and deep in the list."""

import datetime as dt
import re
from html import unescape

import pytest
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from association.kernel.pagination import keyset_paginate
from association.kernel.roles import Role
from beneficiaries.models import Beneficiary
from tests.factories import BeneficiaryFactory, UserFactory

pytestmark = pytest.mark.django_db

PER_PAGE = 4
AT = dt.datetime(2025, 3, 1, 7, 0, tzinfo=dt.UTC)


def _people(n: int) -> list[int]:
    """``n`` beneficiaries in groups of three sharing one registration moment (ties broken by pk)."""
    rows = [BeneficiaryFactory() for _ in range(n)]
    for i, row in enumerate(rows):
        Beneficiary.objects.filter(pk=row.pk).update(created_at=AT - dt.timedelta(minutes=i // 3))
    return list(Beneficiary.objects.order_by("-created_at", "-pk").values_list("pk", flat=True))


def _page(query: str = "", per_page: int = PER_PAGE):
    request = RequestFactory().get("/list/" + query)
    return keyset_paginate(request, Beneficiary.objects.order_by("-created_at", "-pk"), per_page)


def _query(page, which: str) -> str:
    from django.http import QueryDict

    params = QueryDict(mutable=True)
    for key, value in page.link_params(which).items():
        params[key] = value
    return "?" + params.urlencode()


def test_walking_forward_then_back_visits_each_row_once_in_order():
    expected = _people(15)  # 4 pages of 4, the last with 3; ties in every page boundary's neighbourhood
    page, seen, numbers = _page(), [], []
    while True:
        seen += [row.pk for row in page.object_list]
        numbers.append(page.number)
        if not page.has_next():
            break
        page = _page(_query(page, "next"))
    assert seen == expected
    assert numbers == [1, 2, 3, 4] and page.paginator.num_pages == 4
    back = []
    while page.has_previous():
        page = _page(_query(page, "previous"))
        back = [row.pk for row in page.object_list] + back
    assert back == expected[:12] and page.number == 1


def test_rows_added_meanwhile_neither_repeat_nor_hide_the_next_page():
    expected = _people(10)
    first = _page()
    # A new registration arrives on top while the user reads page 1.
    BeneficiaryFactory()
    second = _page(_query(first, "next"))
    assert [row.pk for row in second.object_list] == expected[4:8]


def test_last_page_is_read_from_the_end_and_numbered():
    expected = _people(10)
    page = _page("?page=last")
    assert [row.pk for row in page.object_list] == expected[8:]
    assert page.number == 3 and not page.has_next() and page.has_previous()
    assert [row.pk for row in _page("?page=3").object_list] == expected[8:]
    previous = _page(_query(page, "previous"))
    assert [row.pk for row in previous.object_list] == expected[4:8] and previous.number == 2


def test_a_numbered_link_without_cursor_and_bad_values_give_a_valid_page():
    expected = _people(10)
    assert [row.pk for row in _page("?page=2").object_list] == expected[4:8]
    for query in ("?page=abc", "?page=-3", "?after=%%%", "?before=bm90IGpzb24", "?after=WzEsMiwzXQ"):
        page = _page(query)
        assert [row.pk for row in page.object_list] == expected[:4], query
    assert [row.pk for row in _page("?page=99").object_list] == expected[8:]


def test_a_page_number_past_any_list_gives_the_last_page_even_uncounted():
    """An offset the database cannot hold (bigint) would answer 500."""
    expected = _people(10)
    request = RequestFactory().get("/list/", {"page": "9" * 30})
    page = keyset_paginate(request, Beneficiary.objects.order_by("-created_at", "-pk"), PER_PAGE, count_limit=5)
    assert [row.pk for row in page.object_list] == expected[-PER_PAGE:] and not page.has_next()
    assert [row.pk for row in _page("?page=" + "9" * 30).object_list] == expected[8:]


def test_count_is_bounded_and_the_last_page_still_reached(monkeypatch):
    expected = _people(10)
    request = RequestFactory().get("/list/")
    page = keyset_paginate(request, Beneficiary.objects.order_by("-created_at", "-pk"), PER_PAGE, count_limit=5)
    assert not page.paginator.exact and page.paginator.num_pages is None and page.paginator.count == 5
    last = keyset_paginate(
        RequestFactory().get("/list/" + _query(page, "last")),
        Beneficiary.objects.order_by("-created_at", "-pk"),
        PER_PAGE,
        count_limit=5,
    )
    assert [row.pk for row in last.object_list] == expected[-PER_PAGE:] and not last.has_next()


def test_an_order_without_the_primary_key_is_refused():
    with pytest.raises(ValueError):
        _page_for(Beneficiary.objects.order_by("-created_at"))


def _page_for(queryset):
    return keyset_paginate(RequestFactory().get("/"), queryset)


def test_list_page_links_walk_the_whole_list_with_constant_queries(client):
    """Through the real page: each «Next» link leads on, page 1 and the last page cost the same queries."""
    client.force_login(UserFactory(role=Role.RELATIONS_OFFICER))
    expected = _people(60)  # 3 pages of 25 with the list's real page size
    url = reverse("beneficiaries:list")
    client.get(url)  # warm the cached reads (the user's grants, the profile: kernel.memo)
    with CaptureQueriesContext(connection) as first_queries:
        response = client.get(url)
    seen, counts = [], []
    while True:
        seen += [row.pk for row in response.context["page"].object_list]
        links = dict(
            (unescape(text), unescape(href))
            for href, text in re.findall(r'<a class="page-link" href="([^"]+)">([^<]+)</a>', response.text)
        )
        next_label = [label for label in links if label in ("Next", "التالي")]
        if not next_label:
            break
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url + links[next_label[0]])
        counts.append(len(queries))
    assert seen == expected
    assert counts and all(count == len(first_queries) for count in counts), (len(first_queries), counts)
