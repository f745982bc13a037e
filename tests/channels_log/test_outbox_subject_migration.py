"""Migration 0011 on a database with messages written before it: a message that had a case is about that case
(and stays hidden from the staff member the complaint is about), one with only a request is about that
request, one with neither is about nothing; migrating back links each message to what it was about."""

import datetime as dt

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from channels_log.messaging.models import OutgoingMessage
from tests.factories import BeneficiaryFactory, SupportRequestFactory, UserFactory

BEFORE = [("channels_log", "0010_channel_moves_to_association")]
AFTER = [("channels_log", "0013_outbox_links_dropped")]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    ContentType.objects.clear_cache()
    return executor.loader.project_state(targets).apps


def _leaf():
    """Every app's latest migration: going back also unapplied the later migrations of other apps that depend on
    channels_log's (the procedure's message wording, programs, self-service)."""
    executor = MigrationExecutor(connection)
    return executor.loader.graph.leaf_nodes()


@pytest.mark.django_db(transaction=True)
def test_messages_keep_what_they_were_about_both_ways():
    # The person and the request are written by today's models, then carried back with the schema: the
    # registry and the request engine gained columns since (branches, encryption), which those models write.
    staff, officer = UserFactory(role="social_researcher"), UserFactory(role="relations_officer")
    beneficiary = BeneficiaryFactory()
    support_request = SupportRequestFactory(beneficiary=beneficiary, created_by=officer)
    old = _migrate(BEFORE)
    Message = old.get_model("channels_log", "OutgoingMessage")
    Contact = old.get_model("channels_log", "ContactEntry")
    Case = old.get_model("channels_log", "Case")
    at = dt.datetime(2026, 11, 1, 9, tzinfo=dt.UTC)

    def case(reference, staff_subject_id=None):
        contact = Contact.objects.create(
            channel_id=old.get_model("association", "Channel").objects.get(code="phone").pk,
            purpose="complaint",
            beneficiary_id=beneficiary.pk,
            staff_subject_id=staff_subject_id,
        )
        return Case.objects.create(
            reference=reference,
            kind="complaint",
            contact=contact,
            staff_subject_id=staff_subject_id,
            support_request_id=support_request.pk,
            opened_at=at,
            first_response_due=at,
            resolution_due=at,
        )

    about_staff, plain = case("C000000001", staff.pk), case("C000000002")

    def message(key, **links):
        return Message.objects.create(
            key=key, group_key=key, event="complaint_answered", channel="sms", language="ar", **links
        ).pk

    ids = {
        "staff": message("a", case_id=about_staff.pk, support_request_id=support_request.pk),
        "case": message("b", case_id=plain.pk),
        "request": message("c", support_request_id=support_request.pk),
        "nothing": message("d", user_id=officer.pk),
    }

    _migrate(AFTER)
    rows = {
        name: OutgoingMessage.objects.filter(pk=pk).values_list("subject_kind", "subject_id", "staff_subject_id").get()
        for name, pk in ids.items()
    }
    assert rows == {
        "staff": ("case", about_staff.pk, staff.pk),
        "case": ("case", plain.pk, None),
        "request": ("support_request", support_request.pk, None),
        "nothing": ("", None, None),
    }

    back = _migrate(BEFORE)
    Message = back.get_model("channels_log", "OutgoingMessage")
    links = {
        name: Message.objects.filter(pk=pk).values_list("case_id", "support_request_id").get()
        for name, pk in ids.items()
    }
    assert links == {
        "staff": (about_staff.pk, None),  # a message about a case: its case (the request link is not kept)
        "case": (plain.pk, None),
        "request": (None, support_request.pk),
        "nothing": (None, None),
    }
    _migrate(_leaf())
    assert OutgoingMessage.objects.get(pk=ids["staff"]).staff_subject_id == staff.pk
