"""Two applicants, every /my/ URL: each sees and touches only their own records. A URL that names a record
answers 404 for the other applicant's (the same as for one that does not exist) and changes nothing; a page
that lists records shows none of the other's. The test fails on a /my/ URL it does not cover."""

import pytest
from django.urls import get_resolver

from beneficiaries.models import Consent, Document
from channels_log.cases.models import Case
from requests_app.models import Delivery, SupportRequest

from .world import person, signed_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def two(officer, chair):
    a = signed_in(person("+966555550001", officer=officer, chair=chair, tag="alpha"), "10.7.0.1")
    b = signed_in(person("+966555550002", officer=officer, chair=chair, tag="beta"), "10.7.0.2")
    return a, b


# The URLs that name one of the person's records: how to build them for the owner ``p``, and the POST data.
def _record_urls(p):
    document_type = p.incomplete.service_type.required_documents.get()
    return {
        "request": ("get", f"/my/requests/{p.rejected.pk}/", None),
        "request_upload": (
            "post",
            f"/my/requests/{p.incomplete.pk}/upload/",
            {"document_type": document_type.pk, "file": _pdf()},
        ),
        "request_appeal": ("post", f"/my/requests/{p.rejected.pk}/appeal/", {"text": "اعتراض"}),
        "receipt_confirm": ("post", f"/my/requests/{p.delivered.pk}/deliveries/{p.delivery.pk}/received/", {}),
        "request_pdf": ("get", f"/my/requests/{p.rejected.pk}/decision.pdf", None),
        "message": ("get", f"/my/messages/{p.case.pk}/", None),
    }


# The pages that list or show the person's own data (no record in the URL) and the marks of the other person.
LIST_PAGES = {
    "home": "/my/",
    "messages": "/my/messages/",
    "data": "/my/data/?show=1",
    "data_download": "/my/data/copy.json",
    "data_download_pdf": "/my/data/copy.pdf",
}
# Pages with no personal records: sign-in steps, the services offered, forms for new things.
NO_RECORDS = {
    "sign_in",
    "code",
    "code_resend",
    "sign_out",
    "id_check",
    "services",
    "register",
    "apply",
    "message_new",
    "data_correction",
    "data_consent",
}


def _pdf():
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("x.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf")


def _selfservice_names():
    return {pattern.name for pattern in get_resolver().namespace_dict["selfservice"][1].url_patterns}


def test_every_my_url_is_covered_here():
    covered = set(RECORD_URLS) | set(LIST_PAGES) | NO_RECORDS
    assert _selfservice_names() <= covered, sorted(_selfservice_names() - covered)


def _state():
    return (
        list(SupportRequest.objects.order_by("pk").values_list("pk", "status")),
        Document.objects.count(),
        Case.objects.count(),
        list(Delivery.objects.order_by("pk").values_list("pk", "receipt_confirmed")),
        list(Consent.objects.order_by("pk").values_list("pk", "withdrawn_at")),
    )


RECORD_URLS = ["request", "request_upload", "request_appeal", "receipt_confirm", "request_pdf", "message"]


@pytest.mark.parametrize("name", RECORD_URLS)
def test_a_record_of_the_other_applicant_is_not_found_and_untouched(two, name):
    a, b = two
    method, url, data = _record_urls(b)[name]
    before = _state()
    response = getattr(a.client, method)(url, data) if method == "post" else a.client.get(url)
    assert response.status_code == 404, (name, response.status_code)
    assert _state() == before
    # The owner reaches the same URL.
    method, url, data = _record_urls(b)[name]
    response = getattr(b.client, method)(url, data) if method == "post" else b.client.get(url)
    assert response.status_code in (200, 302), (name, response.status_code)


def test_a_delivery_of_the_other_under_one_s_own_request_is_not_found(two):
    a, b = two
    url = f"/my/requests/{a.delivered.pk}/deliveries/{b.delivery.pk}/received/"
    assert a.client.post(url).status_code == 404
    assert not Delivery.objects.get(pk=b.delivery.pk).receipt_confirmed


@pytest.mark.parametrize("name", sorted(LIST_PAGES))
def test_pages_of_one_s_own_data_show_nothing_of_the_other(two, name):
    a, b = two
    response = a.client.get(LIST_PAGES[name])
    if response["Content-Type"] == "application/pdf":
        from tests.requests_app.test_pdfs import pdf_text

        content = pdf_text(response.content)
    else:
        content = response.content.decode()
    for mark in ("beta", b.beneficiary.national_id, b.beneficiary.national_id[-4:], b.rejected.number):
        assert mark not in content, (name, mark)
    assert "alpha" in content or a.beneficiary.national_id in content or a.rejected.number in content


def test_forms_for_new_things_act_on_one_s_own_file_only(two):
    a, b = two
    a.client.post("/my/messages/new/", {"kind": "inquiry", "subject": "جديد", "body": "نص"})
    a.client.post("/my/data/correction/", {"details": "تصحيح"})
    Consent.objects.create(beneficiary=b.beneficiary, purpose="surveys", given_at=b.rejected.submitted_at)
    Consent.objects.create(beneficiary=a.beneficiary, purpose="surveys", given_at=a.rejected.submitted_at)
    a.client.post("/my/data/consents/", {"purpose": "surveys"})
    assert Case.objects.filter(contact__beneficiary=b.beneficiary).count() == 1  # only B's own from the world
    assert Case.objects.filter(contact__beneficiary=a.beneficiary).count() == 3
    assert Consent.objects.get(beneficiary=b.beneficiary, purpose="surveys").withdrawn_at is None
    assert Consent.objects.get(beneficiary=a.beneficiary, purpose="surveys").withdrawn_at is not None


def test_a_signed_out_or_other_browser_reaches_nothing(two):
    from django.test import Client

    a, _b = two
    stranger = Client()
    for method, url, data in _record_urls(a).values():
        response = getattr(stranger, method)(url, data) if method == "post" else stranger.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/my/sign-in/"), url
    for url in LIST_PAGES.values():
        assert stranger.get(url)["Location"].startswith("/my/sign-in/")
