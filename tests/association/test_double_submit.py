"""Eight identical POSTs of one form at the same instant, from eight connections, create one record:
a delivery, a contact, a request draft, a document, a public case (association.kernel.form_tokens on
PostgreSQL, whose unique index makes the seven others wait for the first and then answer its result).
The finding: eight of each were created."""

from collections import Counter

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from association.channels import Channel
from association.kernel.models import FormSubmission
from beneficiaries.models import Document
from channels_log.cases.models import Case
from channels_log.contacts.models import ContactEntry
from requests_app.models import Delivery, SupportRequest
from tests.concurrency import run_at_once
from tests.factories import BeneficiaryFactory, DocumentTypeFactory, ServiceTypeFactory, SupportRequestFactory
from tests.services import require_postgres

from .form_pages import form_token

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]
TIMES = 8
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 40


@pytest.fixture(autouse=True)
def _postgres_and_clean_cache(settings, tmp_path):
    require_postgres()
    settings.MEDIA_ROOT = tmp_path
    cache.clear()


def _clients(user, count=TIMES, **defaults):
    """Eight browser tabs of one user (one session), each on its own connection when it posts."""
    first = Client(**defaults)
    if user is not None:
        first.force_login(user)
    clients = [first]
    for _ in range(count - 1):
        other = Client(**defaults)
        other.cookies = first.cookies
        clients.append(other)
    return clients


def _at_once(clients, url, make_data):
    """Each client posts its own copy of the data (``make_data()``) at the same instant; their answers."""

    def post(client, data):
        def send():
            response = client.post(url, data)
            return (response.status_code, response.get("Location", ""))

        return send

    return run_at_once([post(client, make_data()) for client in clients])


def _assert_one_result(statuses):
    """Every answer is the same redirect (the first result, replayed); none is an error."""
    assert Counter(statuses).most_common(1)[0][1] == TIMES, statuses
    assert statuses[0][0] == 302
    assert FormSubmission.objects.count() == 1


def test_eight_identical_deliveries_record_one(officer):
    support_request = SupportRequestFactory(status=SupportRequest.Status.REGISTERED, created_by=officer)
    clients = _clients(officer)
    page = clients[0].get(support_request.get_absolute_url())
    token = form_token(page.content, contains='data-action="delivery"')
    data = {
        "delivery-delivered_on": "2026-11-20",
        "delivery-what": "سلة غذائية",
        "delivery-quantity": "1",
        "delivery-receipt_confirmed": "on",
        "form_token": token,
    }
    statuses = _at_once(clients, reverse("requests_app:delivery_new", args=[support_request.pk]), lambda: data)
    _assert_one_result(statuses)
    assert Delivery.objects.filter(support_request=support_request).count() == 1


def test_eight_identical_contacts_record_one(officer):
    clients = _clients(officer)
    token = form_token(clients[0].get(reverse("channels_log:new")).content, contains="contact_mobile")
    data = {
        "channel": Channel.objects.get(code="phone").pk,
        "direction": "in",
        "purpose": "inquiry",
        "contact_name": "سارة أحمد",
        "contact_mobile": "0551234567",
        "subject": "استفسار عن الطلب",
        "body": "متى يصل الرد؟",
        "form_token": token,
    }
    statuses = _at_once(clients, reverse("channels_log:new"), lambda: data)
    _assert_one_result(statuses)
    assert ContactEntry.objects.filter(subject="استفسار عن الطلب").count() == 1


def test_eight_identical_request_drafts_open_one(officer):
    beneficiary = BeneficiaryFactory()
    service_type = ServiceTypeFactory()
    url = reverse("requests_app:new", args=[beneficiary.public_id])
    clients = _clients(officer)
    token = form_token(clients[0].get(url).content, contains="description")
    data = {
        "service_type": service_type.pk,
        "channel": Channel.objects.get(code="interview").pk,
        "description": "سلة غذائية للأسرة",
        "form_token": token,
    }
    statuses = _at_once(clients, url, lambda: data)
    _assert_one_result(statuses)
    assert SupportRequest.objects.filter(beneficiary=beneficiary).count() == 1


def test_eight_identical_document_uploads_store_one(officer):
    beneficiary = BeneficiaryFactory()
    document_type = DocumentTypeFactory()
    clients = _clients(officer)
    page = clients[0].get(beneficiary.get_absolute_url())
    token = form_token(page.content, contains=reverse("beneficiaries:document_upload", args=[beneficiary.public_id]))

    def data():  # each request sends its own copy of the file
        return {
            "document_type": document_type.pk,
            "note": "صورة الهوية",
            "form_token": token,
            "file": SimpleUploadedFile("id.png", PNG, content_type="image/png"),
        }

    statuses = _at_once(clients, reverse("beneficiaries:document_upload", args=[beneficiary.public_id]), data)
    _assert_one_result(statuses)
    assert Document.objects.filter(beneficiary=beneficiary).count() == 1


def test_eight_identical_public_messages_open_one_case():
    clients = _clients(None, REMOTE_ADDR="198.51.100.8")
    token = form_token(clients[0].get(reverse("channels_log:public_contact")).content, contains="public-contact-form")
    data = {
        "kind": "complaint",
        "name": "فاطمة علي",
        "mobile": "0551234567",
        "subject": "تأخر الرد",
        "body": "قدمت طلبًا ولم يصلني رد.",
        "website": "",
        "form_token": token,
    }
    statuses = _at_once(clients, reverse("channels_log:public_contact"), lambda: data)
    _assert_one_result(statuses)
    assert Case.objects.filter(contact__subject="تأخر الرد").count() == 1
