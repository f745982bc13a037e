"""The officer hands in each missing document from the request page itself — upload and verification in one
step, or upload now and verify later — with the registry's upload rule; a bad file is refused next to its
field and leaves nothing behind."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from beneficiaries.models import Document
from requests_app.models import SupportRequest

from .factories import draft_request, force_status, png_data_url, tiny_png

S = SupportRequest.Status


def _upload_url(support_request, document_type):
    return reverse("requests_app:document_supply", args=[support_request.pk, document_type.pk])


def _png(name="id.png"):
    return SimpleUploadedFile(name, tiny_png(), content_type="image/png")


def _prefix(document_type):
    return f"doc-{document_type.pk}"


def test_upload_checked_against_the_original_from_the_request_page(officer, client_for):
    support_request = draft_request(officer, documents=2)
    first, second = support_request.service_type.required_documents.order_by("pk")
    client = client_for(officer)
    page = client.get(support_request.get_absolute_url()).content.decode()
    assert f'id="missing-doc-{first.pk}"' in page and f'id="missing-doc-{second.pk}"' in page

    response = client.post(
        _upload_url(support_request, first), {f"{_prefix(first)}-file": _png(), f"{_prefix(first)}-verified": "on"}
    )
    assert response.status_code == 302
    assert response["Location"] == support_request.get_absolute_url() + "#missing-items"
    document = Document.objects.get(beneficiary=support_request.beneficiary, document_type=first)
    assert document.verified_by == officer and document.supplied_by == officer and document.content_type == "image/png"

    page = client.get(support_request.get_absolute_url()).content.decode()
    assert f'id="missing-doc-{first.pk}"' not in page and f'data-document-type="{first.pk}"' not in page
    assert f'id="missing-doc-{second.pk}"' in page


def test_upload_now_verify_later_from_the_same_page(officer, client_for):
    support_request = draft_request(officer, documents=1)
    document_type = support_request.service_type.required_documents.get()
    client = client_for(officer)
    client.post(_upload_url(support_request, document_type), {f"{_prefix(document_type)}-file": _png()})
    document = Document.objects.get(beneficiary=support_request.beneficiary)
    assert document.verified_at is None
    page = client.get(support_request.get_absolute_url()).content.decode()
    assert f'id="verify-doc-{document_type.pk}"' in page and f'id="missing-doc-{document_type.pk}"' not in page

    response = client.post(reverse("requests_app:document_verify", args=[support_request.pk, document_type.pk]))
    assert response.status_code == 302
    document.refresh_from_db()
    assert document.verified_by == officer
    page = client.get(support_request.get_absolute_url()).content.decode()
    assert f'data-document-type="{document_type.pk}"' not in page


def test_with_every_document_verified_and_the_declaration_signed_the_request_submits(officer, client_for):
    support_request = draft_request(officer, documents=2)
    client = client_for(officer)
    for document_type in support_request.service_type.required_documents.all():
        prefix = _prefix(document_type)
        client.post(_upload_url(support_request, document_type), {f"{prefix}-file": _png(), f"{prefix}-verified": "on"})
    client.post(reverse("requests_app:declaration", args=[support_request.pk]), {"signature_data": png_data_url()})
    assert 'id="missing-items"' not in client.get(support_request.get_absolute_url()).content.decode()
    client.post(reverse("requests_app:submit", args=[support_request.pk]))
    support_request.refresh_from_db()
    assert support_request.status == S.SUBMITTED


BAD_FILES = [
    ("a text file named like a PDF", "id.pdf", b"this is not a pdf at all, just some text\n" * 3, "application/pdf"),
    ("a web page named like a JPEG", "id.jpg", b"<!doctype html><html><body>hello</body></html>", "image/jpeg"),
    ("an empty file", "id.png", b"", "image/png"),
    ("a zip archive", "id.zip", b"PK\x03\x04" + b"\x00" * 60, "application/zip"),
]


@pytest.mark.parametrize(("label", "name", "content", "content_type"), BAD_FILES, ids=[b[0] for b in BAD_FILES])
def test_a_bad_file_is_refused_next_to_its_field_in_arabic_and_nothing_is_saved(
    label, name, content, content_type, officer, client_for
):
    support_request = draft_request(officer, documents=2)
    document_type, other = support_request.service_type.required_documents.order_by("pk")
    prefix = _prefix(document_type)
    response = client_for(officer).post(
        _upload_url(support_request, document_type),
        {f"{prefix}-file": SimpleUploadedFile(name, content, content_type=content_type), f"{prefix}-verified": "on"},
    )
    assert response.status_code == 400
    assert not Document.objects.exists()
    html = response.content.decode()
    form = html[html.index(f'id="missing-doc-{document_type.pk}"') :]
    form = form[: form.index("</form>")]
    [error] = re.findall(r'class="invalid-feedback[^"]*"[^>]*>(.*?)</div>', form, re.S)
    assert re.search("[\u0621-\u064a]{3}", error) and not re.search("[a-z]{4}", error.replace("PDF", "")), error
    # The other item's form is fresh: the error stays with the file it is about.
    other_form = html[html.index(f'id="missing-doc-{other.pk}"') :]
    assert "invalid-feedback" not in other_form[: other_form.index("</form>")]


def test_no_file_chosen_is_an_error_next_to_the_field(officer, client_for):
    support_request = draft_request(officer, documents=1)
    document_type = support_request.service_type.required_documents.get()
    response = client_for(officer).post(_upload_url(support_request, document_type), {})
    assert response.status_code == 400
    assert response.context["missing"][0].form.errors["file"]
    assert not Document.objects.exists()


def test_a_document_the_service_does_not_require_is_refused(officer, client_for):
    from tests.factories import DocumentTypeFactory

    support_request = draft_request(officer, documents=1)
    unrelated = DocumentTypeFactory()
    response = client_for(officer).post(_upload_url(support_request, unrelated), {f"{_prefix(unrelated)}-file": _png()})
    assert response.status_code == 400
    assert not Document.objects.exists()


def test_after_submission_documents_are_not_added_from_the_request_page(officer, client_for):
    support_request = force_status(draft_request(officer, documents=1), S.SUBMITTED)
    document_type = support_request.service_type.required_documents.get()
    response = client_for(officer).post(
        _upload_url(support_request, document_type), {f"{_prefix(document_type)}-file": _png()}
    )
    assert response.status_code == 400
    assert not Document.objects.exists()


def test_permission_as_for_document_upload(officer, researcher, member, client_for):
    support_request = draft_request(officer, documents=1)
    document_type = support_request.service_type.required_documents.get()
    url = _upload_url(support_request, document_type)
    prefix = _prefix(document_type)
    assert client_for(member).post(url, {f"{prefix}-file": _png()}).status_code == 403
    # A researcher may hand a document in, not verify it: nothing is kept from a refused verification.
    assert client_for(researcher).post(url, {f"{prefix}-file": _png(), f"{prefix}-verified": "on"}).status_code == 403
    assert not Document.objects.exists()
    page = client_for(researcher).get(support_request.get_absolute_url()).content.decode()
    assert f'name="{prefix}-verified"' not in page and f'id="missing-doc-{document_type.pk}"' in page
    assert client_for(researcher).post(url, {f"{prefix}-file": _png()}).status_code == 302
    assert Document.objects.get().verified_at is None
    verify = reverse("requests_app:document_verify", args=[support_request.pk, document_type.pk])
    assert client_for(researcher).post(verify).status_code == 403
    assert Document.objects.get().verified_at is None
    assert client_for(member).get(support_request.get_absolute_url()).content.decode().count("missing-doc-") == 0


def test_the_declaration_line_links_to_the_signing_page_for_the_officer(officer, client_for):
    support_request = draft_request(officer, documents=0)
    html = client_for(officer).get(support_request.get_absolute_url()).content.decode()
    missing = html[html.index('id="missing-items"') :]
    assert reverse("requests_app:declaration", args=[support_request.pk]) in missing[: missing.index("</ul>")]
