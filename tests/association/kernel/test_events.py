"""Domain events: handlers run after commit, once, each in its own transaction; a failing one harms nobody."""

import logging

import pytest
from django.contrib.auth.models import Group
from django.db import transaction

from association.kernel import events


@pytest.fixture
def subscribed():
    """Subscribe handlers for one test and remove them afterwards (the registry is process-wide)."""
    added = []

    def add(name, handler):
        events.subscribe(name, handler)
        added.append((name, handler))
        return handler

    yield add
    for name, handler in added:
        events.unsubscribe(name, handler)


def test_handler_runs_once_after_commit_with_the_ids(db, subscribed, django_capture_on_commit_callbacks):
    calls = []
    subscribed("thing_decided", lambda **ids: calls.append(ids))
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        events.publish("thing_decided", thing_id=7)
        assert calls == []  # not before the commit
    assert calls == [{"thing_id": 7}]


def test_nothing_runs_for_a_rolled_back_write(db, subscribed, django_capture_on_commit_callbacks):
    calls = []
    subscribed("thing_decided", lambda **ids: calls.append(ids))
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        events.publish("thing_decided", thing_id=7)
        raise RuntimeError("the write failed")
    assert callbacks == []
    assert calls == []


def _record_group_then_fail(**ids):
    Group.objects.create(name=f"from-failing-{ids['thing_id']}")
    raise ValueError("subscriber bug")


def _record_group(**ids):
    Group.objects.get_or_create(name=f"from-good-{ids['thing_id']}")


def test_a_failing_handler_is_logged_undone_and_does_not_stop_the_others(
    db, subscribed, django_capture_on_commit_callbacks, caplog
):
    subscribed("thing_decided", _record_group_then_fail)
    subscribed("thing_decided", _record_group)
    with (
        caplog.at_level(logging.ERROR, logger="association.kernel.events"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        events.publish("thing_decided", thing_id=3)  # the publisher sees no error
    assert not Group.objects.filter(name="from-failing-3").exists()  # its own atomic block rolled back
    assert Group.objects.filter(name="from-good-3").exists()
    assert "subscriber bug" in caplog.text and "_record_group_then_fail" in caplog.text


def test_subscribing_the_same_handler_twice_runs_it_once(db, subscribed, django_capture_on_commit_callbacks):
    calls = []

    def handler(**ids):
        calls.append(ids)

    subscribed("thing_decided", handler)
    subscribed("thing_decided", handler)  # AppConfig.ready running again
    with django_capture_on_commit_callbacks(execute=True):
        events.publish("thing_decided", thing_id=1)
    assert calls == [{"thing_id": 1}]


def test_an_idempotent_subscriber_does_nothing_on_a_second_publish(db, subscribed, django_capture_on_commit_callbacks):
    subscribed("thing_decided", _record_group)
    for _ in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            events.publish("thing_decided", thing_id=9)
    assert Group.objects.filter(name="from-good-9").count() == 1


def test_other_events_do_not_reach_the_handler(db, subscribed, django_capture_on_commit_callbacks):
    calls = []
    subscribed("thing_decided", lambda **ids: calls.append(ids))
    with django_capture_on_commit_callbacks(execute=True):
        events.publish("thing_closed", thing_id=1)
    assert calls == []


def test_immediately_runs_the_subscribers_at_the_publish_inside_the_transaction(db, subscribed):
    """seed_demo's mode: the reaction happens with what caused it, not at the end of one long transaction."""
    calls = []
    subscribed("thing_decided", lambda **ids: calls.append(ids))
    with transaction.atomic(), events.immediately():
        events.publish("thing_decided", thing_id=5)
        assert calls == [{"thing_id": 5}]
        with events.immediately():
            events.publish("thing_decided", thing_id=6)
        events.publish("thing_decided", thing_id=7)  # still inside the outer block
    assert calls == [{"thing_id": 5}, {"thing_id": 6}, {"thing_id": 7}]


def test_outside_immediately_publish_waits_for_the_commit_again(db, subscribed, django_capture_on_commit_callbacks):
    calls = []
    subscribed("thing_decided", lambda **ids: calls.append(ids))
    with events.immediately():
        pass
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        events.publish("thing_decided", thing_id=8)
        assert calls == []
    assert calls == [{"thing_id": 8}]
