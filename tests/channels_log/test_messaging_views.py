"""Staff pages for outgoing messages: delivery log list and detail, retry, preferences, the beneficiary page."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from channels_log.messaging.models import MessagePreference, OutgoingMessage
from channels_log.messaging.services import message_queue
from tests.factories import BeneficiaryFactory, SupportRequestFactory

pytestmark = pytest.mark.django_db


def _messages(n, event="request_received"):
    result = []
    for i in range(n):
        request = SupportRequestFactory()
        result += message_queue(
            event=event,
            key=f"{event}-{i}",
            beneficiary=request.beneficiary,
            context={"reference": f"R-{i}", "support_request": request},
        )
    return result


def _list_queries(client, n):
    OutgoingMessage.objects.all().delete()
    _messages(n)
    client.get(reverse("channels_log:messages"))  # warm: the cached reads (kernel.memo) a change of rows retires
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse("channels_log:messages"))
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_list_query_count_does_not_grow_with_rows(client_for, manager):
    client = client_for(manager)
    assert _list_queries(client, 5) == _list_queries(client, 50)


def test_list_filters_by_status_channel_and_event(client_for, officer):
    sent, queued = _messages(2)
    OutgoingMessage.objects.filter(pk=sent.pk).update(status="sent")
    _messages(1, event="decision_made")
    client = client_for(officer)
    page = client.get(reverse("channels_log:messages"), {"status": "sent"}).context["page"]
    assert [m.pk for m in page.object_list] == [sent.pk]
    page = client.get(reverse("channels_log:messages"), {"event": "decision_made", "channel": "sms"}).context["page"]
    assert [m.event for m in page.object_list] == ["decision_made"]
    # An unknown filter value is ignored, never a 500.
    assert client.get(reverse("channels_log:messages"), {"status": "bogus"}).context["page"].paginator.count == 3


def test_detail_shows_the_delivery_log(client_for, officer):
    [message] = _messages(1)
    response = client_for(officer).get(reverse("channels_log:message_detail", args=[message.pk]))
    assert response.status_code == 200
    assert [e.status for e in response.context["log"]] == ["queued"]
    assert message.key in response.content.decode()


def test_manager_retries_a_failed_message(client_for, manager, django_capture_on_commit_callbacks):
    [message] = _messages(1)
    OutgoingMessage.objects.filter(pk=message.pk).update(status="failed", last_error="gateway answered 503")
    with django_capture_on_commit_callbacks() as callbacks:
        response = client_for(manager).post(reverse("channels_log:message_retry", args=[message.pk]))
    assert response.status_code == 302
    message.refresh_from_db()
    assert message.status == "queued" and len(callbacks) == 1
    assert message.log.last().actor == manager


def test_retrying_a_message_that_did_not_fail_changes_nothing(client_for, manager):
    [message] = _messages(1)
    response = client_for(manager).post(reverse("channels_log:message_retry", args=[message.pk]), follow=True)
    assert [m.level_tag for m in response.context["messages"]] == ["error"]
    assert OutgoingMessage.objects.get(pk=message.pk).log.count() == 1


def test_retry_is_post_only_and_for_managers(client_for, manager, officer):
    [message] = _messages(1)
    url = reverse("channels_log:message_retry", args=[message.pk])
    assert client_for(manager).get(url).status_code == 405
    assert client_for(officer).post(url).status_code == 403


def test_preferences_are_saved_and_respected(client_for, officer):
    beneficiary = BeneficiaryFactory()
    url = reverse("channels_log:message_preferences", args=[beneficiary.public_id])
    client = client_for(officer)
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "sms_enabled": "on",
            "email": "x@example.org",
            "email_enabled": "on",
            "language": "en",
            "opt_out_non_essential": "on",
        },
    )
    assert response.status_code == 302
    preference = MessagePreference.objects.get(beneficiary=beneficiary)
    assert preference.language == "en" and preference.opt_out_non_essential and preference.updated_by == officer
    [survey] = message_queue(event="survey_invitation", key="s", beneficiary=beneficiary, context={})
    assert survey.status == "skipped"


def test_bad_preferences_show_the_error_and_keep_the_input(client_for, officer):
    beneficiary = BeneficiaryFactory()
    url = reverse("channels_log:message_preferences", args=[beneficiary.public_id])
    response = client_for(officer).post(url, {"email": "not-an-email", "language": "en"})
    assert response.status_code == 400
    assert "not-an-email" in response.content.decode()
    assert not MessagePreference.objects.exists()


def test_messages_show_on_the_beneficiary_page(client_for, officer):
    [message] = _messages(1)
    response = client_for(officer).get(message.beneficiary.get_absolute_url())
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="messages"' in html and reverse("channels_log:message_detail", args=[message.pk]) in html


def test_messages_are_on_the_merged_timeline_linked_for_those_who_may_open_them(client_for, officer, member):
    [message] = _messages(1)
    url = reverse("beneficiaries:timeline", args=[message.beneficiary.public_id])
    detail = reverse("channels_log:message_detail", args=[message.pk])
    html = client_for(officer).get(url).content.decode()
    assert 'data-kind="message"' in html and detail in html
    html = client_for(member).get(url).content.decode()
    assert 'data-kind="message"' in html and detail not in html


def test_recorded_reasons_are_shown_in_the_reader_language(client_for, officer):
    beneficiary = BeneficiaryFactory()
    MessagePreference.objects.create(beneficiary=beneficiary, opt_out_non_essential=True)
    message_queue(event="survey_invitation", key="s-reason", beneficiary=beneficiary, context={})
    message_queue(event="decision_made", key="d-reason", beneficiary=beneficiary, context={})
    client = client_for(officer)
    html = client.get(reverse("channels_log:messages"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "opted out of non-essential messages" in html
