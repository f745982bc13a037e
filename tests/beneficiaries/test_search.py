"""Finding a beneficiary by ID, mobile in any format, or a fragment of an Arabic name."""

import pytest
from django.db import connection
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from association.kernel.pagination import COUNT_LIMIT, keys_paginate
from beneficiaries.models import Beneficiary
from beneficiaries.search import search_beneficiaries
from beneficiaries.selectors import beneficiary_search
from tests.factories import BeneficiaryFactory

pytestmark = pytest.mark.django_db


def _found(query) -> list:
    return list(search_beneficiaries(Beneficiary.objects.order_by("pk"), query))


@pytest.fixture
def people():
    return {
        "ahmad": BeneficiaryFactory(
            first_name="أحمد",
            father_name="عبدالله",
            grandfather_name="سعد",
            family_name="العتيبي",
            mobile="+966551112233",
        ),
        "aisha": BeneficiaryFactory(
            first_name="عائشة",
            father_name="إبراهيم",
            grandfather_name="علي",
            family_name="الشمري",
            mobile="+966561112244",
        ),
    }


def test_the_normalised_name_is_stored_in_an_indexed_column(people):
    assert people["aisha"].name_normalized == "عايشه ابراهيم علي الشمري"
    field = Beneficiary._meta.get_field("name_normalized")
    # Led by the name: benef_name_birth_idx serves equality and order (its own btree was redundant, 0014).
    assert [ix.name for ix in Beneficiary._meta.indexes if ix.fields[:1] == ["name_normalized"]] == [
        "benef_name_birth_idx"
    ]
    assert not field.editable


def test_renaming_keeps_the_normalised_name_in_step(people):
    ahmad = people["ahmad"]
    ahmad.family_name = "القحطانيّ"
    ahmad.save(update_fields=["family_name"])
    assert Beneficiary.objects.get(pk=ahmad.pk).name_normalized == "احمد عبدالله سعد القحطاني"


def test_search_by_whole_national_id(people):
    assert _found(people["ahmad"].national_id) == [people["ahmad"]]


def test_search_by_national_id_in_arabic_indic_digits(people):
    typed = people["aisha"].national_id.translate(str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩"))
    assert _found(typed) == [people["aisha"]]


def test_search_by_last_digits_of_the_id(people):
    assert people["ahmad"] in _found(people["ahmad"].national_id[-5:])


@pytest.mark.parametrize(
    "typed",
    ["0551112233", "551112233", "+966551112233", "00966551112233", "966 55 111 2233", "٠٥٥١١١٢٢٣٣", "055-111-2233"],
)
def test_search_by_mobile_in_any_format(people, typed):
    assert _found(typed) == [people["ahmad"]]


@pytest.mark.parametrize("typed", ["احمد", "أحمد العتيبي", "العتيبي احمد", "عبد", "ٱلعُتَيبي", "أحـمـد"])
def test_search_by_arabic_name_fragment_in_any_spelling(people, typed):
    assert _found(typed) == [people["ahmad"]]


@pytest.mark.parametrize("typed", ["عايشة", "ابراهيم", "عائشه الشمري"])
def test_search_folds_hamza_and_ta_marbuta(people, typed):
    assert _found(typed) == [people["aisha"]]


def test_every_word_must_match(people):
    assert _found("احمد الشمري") == []


def test_an_empty_query_finds_nothing(people):
    assert _found("  ") == []


def test_search_results_are_paginated(client_for, officer):
    BeneficiaryFactory.create_batch(30, first_name="منيرة")
    client = client_for(officer)
    url = reverse("beneficiaries:list")
    first = client.post(url, {"q": "منيره"})
    second = client.post(url, {"q": "منيره", "page": "2"})
    assert first.context["page"].paginator.count == 30
    assert first.context["page"].paginator.exact and first.context["page"].paginator.limit == COUNT_LIMIT
    assert len(first.context["page"].object_list) == 25 and len(second.context["page"].object_list) == 5
    html = first.content.decode()
    assert 'name="page" value="2"' in html and 'name="q" value="منيره"' in html
    beyond = client.post(url, {"q": "منيره", "page": "99"})
    assert beyond.status_code == 200 and beyond.context["page"].number == 2


def test_a_result_past_the_count_bound_says_more_and_still_offers_the_next_page(officer):
    """The count stops at a bound (10,000 on the desk): past it the pager gives no page count, says «more than»,
    and «Next» still leads on."""
    BeneficiaryFactory.create_batch(8, first_name="منيرة")
    request = RequestFactory().post("/")
    request.user = officer
    page = keys_paginate(beneficiary_search(query="منيره"), "2", 3, count_limit=5)
    context = {"query": "منيره", "page": page, "columns": [], "search_url": "/desk/", "search_target": "#results"}
    with translation.override("en"):
        html = render_to_string("beneficiaries/_search_results.html", context, request=request)
    assert "More than 5 records" in html and "Page 2" in html and "Page 2 of" not in html
    assert 'name="page" value="1"' in html and 'name="page" value="3"' in html
    with translation.override("ar"):
        html = render_to_string("beneficiaries/_search_results.html", context, request=request)
    assert "أكثر من 5 سجل" in html and "صفحة 2" in html and "التالي" in html


def test_the_search_query_never_goes_into_a_url(client_for, officer, people):
    """An ID typed into the search would otherwise sit in browser history and access logs."""
    client = client_for(officer)
    national_id = people["ahmad"].national_id
    for name in ("beneficiaries:desk", "beneficiaries:list"):
        page = client.get(reverse(name)).content.decode()
        assert 'role="search"' in page and 'method="post"' in page and "hx-push-url" not in page
        # A query in the URL is not a search: nothing is looked up from it.
        from_url = client.get(reverse(name), {"q": national_id})
        assert from_url.context["query"] == ""
        assert from_url.context["form"].is_bound is False
    BeneficiaryFactory.create_batch(30, first_name="منيرة")
    results = client.post(reverse("beneficiaries:desk"), {"q": "منيره"}).content.decode()
    assert "?q=" not in results and "&amp;q=" not in results


def test_the_desk_search_shows_matches_and_offers_registration_when_none(client_for, officer, people):
    client = client_for(officer)
    response = client.post(reverse("beneficiaries:desk"), {"q": "0551112233"})
    assert list(response.context["page"].object_list) == [people["ahmad"]]
    assert people["ahmad"].get_absolute_url() in response.content.decode()
    response = client.post(reverse("beneficiaries:desk"), {"q": "اسم غير موجود"}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert "<html" not in html, "htmx gets only the results fragment"
    assert reverse("beneficiaries:register") in html


def test_the_list_without_a_query_pages_by_url(client_for, officer):
    BeneficiaryFactory.create_batch(27)
    response = client_for(officer).get(reverse("beneficiaries:list"), {"page": "2"})
    assert response.context["page"].number == 2 and len(response.context["page"].object_list) == 2


def test_the_htmx_answer_reads_only_what_it_shows(client_for, officer, people):
    """The results fragment shows neither the letterhead nor the navigation: the association's profile and the
    user's roles (context processor ``portal``) are not read for it; the full desk page reads them."""
    client = client_for(officer)
    client.post(reverse("beneficiaries:desk"), {"q": "احمد"}, HTTP_HX_REQUEST="true")  # per-process caches
    with CaptureQueriesContext(connection) as queries:
        response = client.post(reverse("beneficiaries:desk"), {"q": "احمد"}, HTTP_HX_REQUEST="true")
    assert list(response.context["page"].object_list) == [people["ahmad"]]
    tables = " ".join(query["sql"] for query in queries)
    assert "association_associationprofile" not in tables and '"auth_group"."name"' not in tables
    page = client.get(reverse("beneficiaries:desk"))
    assert page.context["association"].name in page.content.decode()
