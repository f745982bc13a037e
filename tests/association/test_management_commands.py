"""seed_demo is idempotent and prints the logins; render_document fails cleanly on bad input."""

import io

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from association.demo import DEMO_PASSWORD, USERS
from beneficiaries.models import Beneficiary

pytestmark = pytest.mark.django_db(transaction=False)


def _row_counts() -> dict[str, int]:
    return {model._meta.label: model.objects.count() for model in apps.get_models() if model._meta.managed}


def test_seed_demo_twice_creates_nothing_new_and_prints_the_logins(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    first_out = io.StringIO()
    call_command("seed_demo", stdout=first_out)
    after_first = _row_counts()
    assert after_first["beneficiaries.Beneficiary"] >= 20
    assert after_first["channels_log.ContactEntry"] > 0 and after_first["requests_app.SupportRequest"] > 0

    second_out = io.StringIO()
    call_command("seed_demo", stdout=second_out)
    after_second = _row_counts()
    grown = {label: (after_first[label], count) for label, count in after_second.items() if count != after_first[label]}
    assert not grown, f"a second seed_demo changed row counts: {grown}"

    printed = second_out.getvalue()
    assert DEMO_PASSWORD in printed
    for username, *_rest in USERS:
        assert username in printed


def test_the_demo_relations_officer_can_log_in_with_the_printed_password():
    call_command("seed_demo", stdout=io.StringIO())
    officer = get_user_model().objects.get(username="officer")
    assert officer.check_password(DEMO_PASSWORD)
    assert officer.groups.filter(name="relations_officer").exists()
    assert Beneficiary.objects.filter(created_by=officer).exists()


def test_render_document_with_an_unknown_kind_is_a_clean_error(tmp_path):
    output = tmp_path / "out.pdf"
    with pytest.raises(CommandError) as info:
        call_command("render_document", "no_such_kind", "1", "-o", str(output))
    message = str(info.value)
    assert "no_such_kind" in message and "acknowledgment" in message
    assert not output.exists()


def test_render_document_with_a_missing_record_is_a_clean_error(tmp_path):
    output = tmp_path / "out.pdf"
    with pytest.raises(CommandError):
        call_command("render_document", "acknowledgment", "999999", "-o", str(output))
    assert not output.exists()
