"""Cases react to ``low_score_recorded(response_id, beneficiary_id, support_request_id, summary)`` — surveys sits
above, so the payload carries all the follow-up needs: a follow-up contact on the website channel and its case,
once per response however often (or however concurrently) the event comes, then ``low_score_followed_up``."""

import pytest

from association.kernel import events
from channels_log.cases.models import Case
from channels_log.cases.subscribers import open_low_score_follow_up
from channels_log.contacts.models import ContactEntry
from tests.concurrency import run_at_once
from tests.factories import BeneficiaryFactory, SupportRequestFactory
from tests.services import require_postgres

pytestmark = pytest.mark.django_db


@pytest.fixture
def followed_up():
    seen = []

    def listener(**ids):
        seen.append(ids)

    events.subscribe("low_score_followed_up", listener)
    yield seen
    events.unsubscribe("low_score_followed_up", listener)


def _payload(beneficiary, support_request=None, response_id=501):
    return {
        "response_id": response_id,
        "beneficiary_id": beneficiary.pk,
        "support_request_id": support_request.pk if support_request else None,
        "summary": "استبيان الرضا (v2): 1/5 · 2/10",
    }


def test_the_event_opens_the_follow_up_contact_and_case_once(followed_up, django_capture_on_commit_callbacks):
    beneficiary = BeneficiaryFactory()
    support_request = SupportRequestFactory(beneficiary=beneficiary)
    payload = _payload(beneficiary, support_request)
    with django_capture_on_commit_callbacks(execute=True):
        assert events.dispatch("low_score_recorded", **payload) == []
        assert events.dispatch("low_score_recorded", **payload) == []

    entry = ContactEntry.objects.get(purpose=ContactEntry.Purpose.FOLLOW_UP)
    assert (entry.beneficiary, entry.support_request, entry.recorded_by) == (beneficiary, support_request, None)
    assert entry.channel.code == "website" and "1/5 · 2/10" in entry.body
    case = Case.objects.get()
    assert (case.kind, case.contact, case.support_request) == ("follow_up", entry, support_request)
    # Said twice (the second time with the same follow-up), so surveys can link a response it missed.
    assert followed_up == [{"response_id": 501, "contact_id": entry.pk, "case_id": case.pk}] * 2


def test_a_request_of_someone_else_or_a_person_gone_is_not_trusted():
    beneficiary = BeneficiaryFactory()
    open_low_score_follow_up(**_payload(beneficiary, SupportRequestFactory(), response_id=1))
    assert ContactEntry.objects.get().support_request is None
    assert open_low_score_follow_up(**{**_payload(beneficiary, response_id=2), "beneficiary_id": 987654}) is None
    assert ContactEntry.objects.count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_deliveries_of_the_event_at_once_open_one_follow_up():
    require_postgres()
    beneficiary = BeneficiaryFactory()
    payload = _payload(beneficiary, response_id=77)
    results = run_at_once([lambda: events.dispatch("low_score_recorded", **payload)] * 2)
    assert all(result == [] for result in results)
    assert ContactEntry.objects.filter(source_key="low_score:77").count() == 1
    assert Case.objects.filter(kind="follow_up").count() == 1
