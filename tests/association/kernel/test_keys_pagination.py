"""Numbered pages of a search (association.kernel.pagination.keys_paginate): the rows in the queryset's order, each
once; the count from the same scan as the page, bounded (past the bound: no page count, the pages still reached by
«Next»); anything unreadable or too far gives a valid page; two queries whatever the page."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from association.kernel.pagination import keys_paginate
from beneficiaries.models import Beneficiary
from tests.factories import BeneficiaryFactory

pytestmark = pytest.mark.django_db

PER_PAGE = 4
AT = dt.datetime(2025, 3, 1, 7, 0, tzinfo=dt.UTC)


def _people(n: int, name: str = "منيرة") -> list[int]:
    """``n`` people named ``name`` in groups of three sharing one registration moment (ties broken by pk), newest
    first; and someone else, whom the search never finds."""
    BeneficiaryFactory(first_name="سلطان", family_name="الحربي")
    rows = [BeneficiaryFactory(first_name=name, family_name="العتيبي") for _ in range(n)]
    for i, row in enumerate(rows):
        Beneficiary.objects.filter(pk=row.pk).update(created_at=AT - dt.timedelta(minutes=i // 3))
    return list(_found().values_list("pk", flat=True))


def _found():
    return Beneficiary.objects.filter(name_normalized__contains="منيره").order_by("-created_at", "-pk")


def _pks(page) -> list[int]:
    return [row.pk for row in page.object_list]


def test_the_pages_hold_every_match_once_in_order_and_count_them():
    expected = _people(10)
    pages = [keys_paginate(_found(), number, PER_PAGE) for number in (1, 2, 3)]
    assert sum((_pks(page) for page in pages), []) == expected
    assert [page.number for page in pages] == [1, 2, 3]
    assert all(page.paginator.exact and page.paginator.count == 10 and page.paginator.num_pages == 3 for page in pages)
    assert [(page.has_previous(), page.has_next()) for page in pages] == [(False, True), (True, True), (True, False)]
    assert pages[1].previous_page_number() == 1 and pages[1].next_page_number() == 3


def test_two_queries_on_any_page():
    _people(10)
    for number in (1, 3):
        with CaptureQueriesContext(connection) as queries:
            keys_paginate(_found(), number, PER_PAGE)
        assert len(queries) == 2, [query["sql"] for query in queries]


def test_unreadable_or_out_of_range_numbers_give_a_valid_page():
    expected = _people(10)
    for number in (None, "", "abc", "-3", "0", "last", "1.5"):
        assert _pks(keys_paginate(_found(), number, PER_PAGE)) == expected[:PER_PAGE], number
    for number in ("3", "99", "9" * 40):
        page = keys_paginate(_found(), number, PER_PAGE)
        assert page.number == 3 and _pks(page) == expected[8:], number


def test_no_match_is_an_empty_first_page():
    _people(3)
    page = keys_paginate(Beneficiary.objects.filter(name_normalized__contains="لا احد").order_by("-pk"), "2")
    assert page.number == 1 and list(page.object_list) == [] and page.paginator.count == 0
    assert not page.has_other_pages()


def test_past_the_bound_the_count_says_more_and_next_still_leads_on():
    expected = _people(14)
    first = keys_paginate(_found(), 1, PER_PAGE, count_limit=5)
    assert not first.paginator.exact and first.paginator.num_pages is None and first.paginator.count == 5
    assert first.paginator.limit == 5
    seen, page = [], first
    while True:
        seen += _pks(page)
        assert not page.paginator.exact and page.paginator.num_pages is None
        if not page.has_next():
            break
        page = keys_paginate(_found(), page.next_page_number(), PER_PAGE, count_limit=5)
    assert seen == expected and page.number == 4


def test_past_the_end_of_a_list_too_long_to_count_gives_its_last_page_counted():
    expected = _people(14)
    for number in ("9", "9" * 40):
        page = keys_paginate(_found(), number, PER_PAGE, count_limit=5)
        assert page.number == 4 and _pks(page) == expected[12:] and not page.has_next(), number
        assert page.paginator.exact and page.paginator.count == 14 and page.paginator.num_pages == 4
