"""The eight policy channels always exist (DESIGN.md "Stable codes")."""

import pytest
from django.core.management.sql import emit_post_migrate_signal

from association.channels import CORE_CHANNELS, Channel, channels_ensure_core

pytestmark = pytest.mark.django_db
CODES = {code for code, _ar, _en in CORE_CHANNELS}


def test_migrations_create_the_eight_channels():
    assert set(Channel.objects.values_list("code", flat=True)) >= CODES
    assert len(CODES) == 8


def test_post_migrate_restores_missing_channels_without_touching_the_others():
    Channel.objects.filter(code__in=["phone", "letter"]).delete()
    Channel.objects.filter(code="website").update(is_active=False, name_ar="موقعنا")

    emit_post_migrate_signal(verbosity=0, interactive=False, db="default")

    assert set(Channel.objects.values_list("code", flat=True)) >= CODES
    website = Channel.objects.get(code="website")
    assert (website.is_active, website.name_ar) == (False, "موقعنا")


def test_ensure_is_idempotent():
    assert channels_ensure_core() == 0
    assert Channel.objects.filter(code__in=CODES).count() == 8
