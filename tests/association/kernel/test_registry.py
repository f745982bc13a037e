"""Provider slots: ordered, results without None, a provider registered twice runs once."""

import pytest

from association.kernel import registry


@pytest.fixture
def slot():
    name = "test_slot"
    yield name
    for provider in registry.providers(name):
        registry.unregister(name, provider)


def late(**kwargs):
    return ("late", kwargs)


def early(**kwargs):
    return ("early", kwargs)


def silent(**kwargs):
    return None


def test_collect_calls_providers_in_order_with_the_arguments(slot):
    registry.register(slot, late, order=50)
    registry.register(slot, silent, order=20)
    registry.register(slot, early, order=10)
    assert registry.collect(slot, user="u") == [("early", {"user": "u"}), ("late", {"user": "u"})]


def test_equal_orders_keep_registration_order(slot):
    registry.register(slot, late)
    registry.register(slot, early)
    assert registry.providers(slot) == [late, early]


def test_registering_again_replaces_and_may_move(slot):
    registry.register(slot, early, order=10)
    registry.register(slot, late, order=20)
    registry.register(slot, early, order=30)
    assert registry.providers(slot) == [late, early]


def test_an_empty_slot_collects_nothing_and_has_no_single_provider(slot):
    assert registry.collect(slot) == []
    assert registry.single(slot) is None


def test_single_is_the_last_registered(slot):
    registry.register(slot, early)
    registry.register(slot, late)
    assert registry.single(slot) is late


def test_the_association_registers_the_pdf_letterhead():
    from association.letterhead import letterhead

    assert registry.single("pdf_letterhead") is letterhead
