"""Admin: message templates are editable with a preview and a syntax check; messages are read-only."""

import pytest
from django.urls import reverse

from channels_log.messaging.models import MessageTemplate, OutgoingMessage
from channels_log.messaging.services import message_queue
from tests.factories import BeneficiaryFactory

pytestmark = pytest.mark.django_db


def test_template_change_page_shows_a_preview_with_sample_data(client_for, superuser):
    template = MessageTemplate.objects.get(event="request_received", channel="sms", language="ar")
    response = client_for(superuser).get(reverse("admin:channels_log_messagetemplate_change", args=[template.pk]))
    assert response.status_code == 200
    assert "استلمنا طلبك R-2026-0001 (سلة غذائية)" in response.content.decode()


def test_a_broken_template_is_refused_and_the_old_wording_kept(client_for, superuser):
    template = MessageTemplate.objects.get(event="decision_made", channel="sms", language="en")
    url = reverse("admin:channels_log_messagetemplate_change", args=[template.pk])
    response = client_for(superuser).post(
        url,
        {
            "event": template.event,
            "channel": template.channel,
            "language": template.language,
            "subject": "",
            "body": "Decision {% if outcome %}",
            "is_active": "on",
        },
    )
    assert response.status_code == 200 and response.context["adminform"].form.errors["body"]
    template.refresh_from_db()
    assert "{% if outcome %}" in template.body and "{% endif %}" in template.body


def test_edited_wording_is_used_for_the_next_message(client_for, superuser):
    template = MessageTemplate.objects.get(event="decision_made", channel="sms", language="ar")
    url = reverse("admin:channels_log_messagetemplate_change", args=[template.pk])
    response = client_for(superuser).post(
        url,
        {
            "event": template.event,
            "channel": template.channel,
            "language": template.language,
            "subject": "",
            "body": "قرار: {{ outcome }}",
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    [message] = message_queue(
        event="decision_made", key="k", beneficiary=BeneficiaryFactory(), context={"outcome": "قبول"}
    )
    assert message.body == "قرار: قبول"


def test_admin_retry_action_requeues_failed_messages_only(client_for, superuser):
    failed, queued = (
        message_queue(event="decision_made", key=f"k{n}", beneficiary=BeneficiaryFactory())[0] for n in range(2)
    )
    OutgoingMessage.objects.filter(pk=failed.pk).update(status="failed")
    response = client_for(superuser).post(
        reverse("admin:channels_log_outgoingmessage_changelist"),
        {
            "action": "retry",
            "_selected_action": [failed.pk, queued.pk],
        },
    )
    assert response.status_code == 302
    assert OutgoingMessage.objects.get(pk=failed.pk).status == "queued"
    assert OutgoingMessage.objects.get(pk=queued.pk).log.count() == 1
    page = client_for(superuser).get(reverse("admin:channels_log_outgoingmessage_change", args=[failed.pk]))
    assert page.status_code == 200
