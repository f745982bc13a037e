"""The beneficiary page: the registry's own records and the cards other apps provide (kernel registry
``beneficiary_panels`` / ``beneficiary_actions``), for a query budget that does not grow with related rows."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from association.kernel import registry
from association.kernel.registry import Panel
from beneficiaries import services
from beneficiaries.models import Consent, Document, HouseholdMember
from channels_log.messaging.services import message_queue
from tests.channels_log.factories import make_case, make_contact
from tests.factories import BeneficiaryFactory, DocumentTypeFactory, SupportRequestFactory

pytestmark = pytest.mark.django_db

# Queries of the beneficiary page for a relations officer, whatever the number of household members,
# documents, consents, edits, requests, contacts and messages (session and user, permissions, the person,
# household, documents, consents, changes, the sensitive-data rule, each card, the document form's types);
# the data protection card reads the person's requests about their data, legal holds and erasure (3).
DETAIL_QUERY_BUDGET = 18


def _related_rows(beneficiary, officer, n):
    for i in range(n):
        HouseholdMember.objects.create(beneficiary=beneficiary, relation="son", name=f"ابن {i}", monthly_income=0)
        Document.objects.create(
            beneficiary=beneficiary,
            document_type=DocumentTypeFactory(),
            file=f"documents/{i}.pdf",
            content_type="application/pdf",
            supplied_by=officer,
            verified_by=officer if i % 2 else None,
            verified_at=timezone.now() if i % 2 else None,
        )
        SupportRequestFactory(beneficiary=beneficiary, created_by=officer)
        make_contact(purpose="note", actor=officer, beneficiary=beneficiary, subject=f"زيارة {i}")
        make_case(kind="complaint", actor=officer, beneficiary=beneficiary, subject=f"شكوى {i}")
        message_queue(event="request_received", key=f"detail-{beneficiary.pk}-{i}", beneficiary=beneficiary, context={})
        services.beneficiary_update(
            beneficiary=beneficiary, actor=officer, expected_version=beneficiary.version, data={"city": f"مدينة {i}"}
        )
        beneficiary.refresh_from_db()
    for purpose in Consent.Purpose.values[:n]:
        services.consent_set(beneficiary=beneficiary, purpose=purpose, given=True, actor=officer)


def _queries(client, beneficiary) -> int:
    client.get(beneficiary.get_absolute_url())
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(beneficiary.get_absolute_url())
    assert response.status_code == 200
    return len(ctx)


def test_the_page_costs_the_same_queries_with_one_and_with_many_related_rows(client_for, officer):
    client = client_for(officer)
    one, many = BeneficiaryFactory(), BeneficiaryFactory()
    _related_rows(one, officer, 1)
    _related_rows(many, officer, 12)
    assert _queries(client, one) == _queries(client, many) <= DETAIL_QUERY_BUDGET


def test_the_page_shows_every_providers_card_and_link(client_for, officer, member):
    beneficiary = BeneficiaryFactory()
    support_request = SupportRequestFactory(beneficiary=beneficiary)
    make_contact(purpose="note", actor=officer, beneficiary=beneficiary, subject="زيارة منزلية")
    [message] = message_queue(event="request_received", key="detail-cards", beneficiary=beneficiary, context={})
    html = client_for(officer).get(beneficiary.get_absolute_url()).content.decode()
    for card in ('id="requests"', 'id="contacts"', 'id="messages"', 'id="documents"', 'id="changes"'):
        assert card in html, card
    assert support_request.get_absolute_url() in html and "زيارة منزلية" in html
    assert reverse("channels_log:message_detail", args=[message.pk]) in html
    assert reverse("requests_app:new", args=[beneficiary.public_id]) in html  # the officer may start one
    assert f"{reverse('channels_log:new')}?beneficiary={beneficiary.public_id}" in html
    assert reverse("beneficiaries:timeline", args=[beneficiary.public_id]) in html
    # A committee member reads the same cards but gets no link to start a request or record a contact.
    html = client_for(member).get(beneficiary.get_absolute_url()).content.decode()
    assert 'id="requests"' in html and reverse("requests_app:new", args=[beneficiary.public_id]) not in html
    assert reverse("channels_log:new") not in html


def test_a_card_draws_its_own_template_with_its_context(client_for, officer, settings, tmp_path):
    (tmp_path / "probe.html").write_text('<div id="probe">{{ beneficiary.first_name }} · {{ note }}</div>')
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [*settings.TEMPLATES[0]["DIRS"], tmp_path]}]
    beneficiary = BeneficiaryFactory(first_name="نورة")

    def provider(*, beneficiary, user):
        return (
            Panel("probe.html", {"note": "بطاقة تجريبية"}) if user.has_perm("beneficiaries.add_beneficiary") else None
        )

    registry.register("beneficiary_panels", provider, order=99)
    try:
        html = client_for(officer).get(beneficiary.get_absolute_url()).content.decode()
    finally:
        registry.unregister("beneficiary_panels", provider)
    assert '<div id="probe">نورة · بطاقة تجريبية</div>' in html


def test_the_desk_shows_the_officers_recent_contacts_from_the_contact_log(client_for, officer, make_user):
    from association.kernel.roles import Role

    person = BeneficiaryFactory()
    make_contact(purpose="note", actor=officer, beneficiary=person, subject="اتصال")
    make_contact(
        purpose="note", actor=make_user(Role.RELATIONS_OFFICER), beneficiary=BeneficiaryFactory(family_name="الغامدي")
    )
    response = client_for(officer).get(reverse("beneficiaries:desk"))
    html = response.content.decode()
    assert 'id="recent-contacts"' in html and person.get_absolute_url() in html
    assert "الغامدي" not in html  # a colleague's contact is not "yours"
    assert 'id="btn-record-contact"' in html and f'href="{reverse("channels_log:new")}"' in html


def test_the_list_counts_open_requests_through_the_requests_column(client_for, officer):
    person = BeneficiaryFactory()
    SupportRequestFactory(beneficiary=person)
    SupportRequestFactory(beneficiary=person, status="closed")
    SupportRequestFactory(beneficiary=person, status="rejected")
    response = client_for(officer).get(reverse("beneficiaries:list"))
    [row] = [b for b in response.context["page"].object_list if b.pk == person.pk]
    assert row.column_values == [1]
    assert [c.key for c in response.context["columns"]] == ["open_requests"]
