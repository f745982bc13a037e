"""Encryption at rest (association.kernel.crypto): authenticated, bound to its column, keyed by id, rotatable;
exact lookups by keyed hash only."""

import base64
import datetime as dt
import secrets
from decimal import Decimal

import pytest
from django.core.exceptions import FieldError
from django.db import connection

from association.kernel import crypto
from beneficiaries.models import Beneficiary, HouseholdMember
from beneficiaries.search import national_id_hash
from tests.factories import BeneficiaryFactory, valid_national_id


def _key() -> str:
    return base64.b64encode(secrets.token_bytes(32)).decode()


def _raw(model, pk, column):
    table = connection.ops.quote_name(model._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {connection.ops.quote_name(column)} FROM {table} WHERE id = %s", [pk])  # noqa: S608
        return cursor.fetchone()[0]


def test_a_value_round_trips_and_two_encryptions_differ():
    first = crypto.encrypt("1012345678", context="a.b.c")
    second = crypto.encrypt("1012345678", context="a.b.c")
    assert first != second and "1012345678" not in first
    assert first.startswith(f"enc1:{crypto.current_key_id()}:")
    assert crypto.decrypt(first, context="a.b.c") == crypto.decrypt(second, context="a.b.c") == "1012345678"
    assert crypto.encrypt("", context="a.b.c") == ""


def test_a_value_moved_to_another_column_or_altered_fails_to_decrypt():
    token = crypto.encrypt("سكري", context="beneficiaries.beneficiary.health_notes")
    with pytest.raises(crypto.DecryptionError, match="authentication"):
        crypto.decrypt(token, context="beneficiaries.beneficiary.disability_notes")
    body = token.rsplit(":", 1)[1]
    flipped = body[:-2] + ("A" if body[-2] != "A" else "B") + body[-1]
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt(token.rsplit(":", 1)[0] + ":" + flipped, context="beneficiaries.beneficiary.health_notes")


def test_old_keys_decrypt_the_first_key_encrypts_and_an_unknown_key_is_named(settings):
    old = crypto.encrypt("SA0380000000608010167519", context="x")
    old_id = crypto.key_id_of(old)
    settings.FIELD_ENCRYPTION_KEYS = [f"new:{_key()}", *settings.FIELD_ENCRYPTION_KEYS]
    assert crypto.current_key_id() == "new"
    assert crypto.key_id_of(crypto.encrypt("v", context="x")) == "new"
    assert crypto.decrypt(old, context="x") == "SA0380000000608010167519"
    settings.FIELD_ENCRYPTION_KEYS = [f"new:{_key()}"]
    with pytest.raises(crypto.DecryptionError, match=old_id):
        crypto.decrypt(old, context="x")


def test_a_key_without_an_id_gets_a_fingerprint_that_is_not_the_key():
    raw = secrets.token_bytes(32)
    [(key_id, key)] = crypto.parse_keyring([base64.urlsafe_b64encode(raw).decode()])
    assert key == raw and len(key_id) == 8 and key_id not in base64.b64encode(raw).decode()


def test_the_blind_index_is_keyed_stable_and_per_purpose(settings):
    value = valid_national_id(1234567)
    digest = crypto.blind_index(value, purpose="national_id")
    assert digest == crypto.blind_index(value, purpose="national_id") and len(digest) == 64
    assert digest != crypto.blind_index(value, purpose="iban")
    assert crypto.blind_index(value, purpose="x", last=4) == crypto.blind_index("99" + value[-4:], purpose="x", last=4)
    assert crypto.blind_index("", purpose="national_id") is None
    settings.BLIND_INDEX_KEY = _key()
    assert crypto.blind_index(value, purpose="national_id") != digest


@pytest.mark.django_db
def test_model_fields_store_ciphertext_and_read_clear_values():
    person = BeneficiaryFactory(iban="SA0380000000608010167519", health_notes="ضغط الدم", disability_notes="")
    member = HouseholdMember.objects.create(
        beneficiary=person, relation="son", name="سعد", national_id=valid_national_id(7654321), monthly_income="1250.50"
    )
    raw_id = _raw(Beneficiary, person.pk, "national_id")
    assert raw_id.startswith("enc1:") and person.national_id not in raw_id
    assert _raw(Beneficiary, person.pk, "disability_notes") == ""  # empty stays empty: "is it recorded?" is a query
    assert _raw(Beneficiary, person.pk, "national_id_hash") == national_id_hash(person.national_id)
    assert "1250" not in _raw(HouseholdMember, member.pk, "monthly_income")
    fresh = Beneficiary.objects.get(pk=person.pk)
    assert (fresh.national_id, fresh.iban, fresh.health_notes) == (
        person.national_id,
        "SA0380000000608010167519",
        "ضغط الدم",
    )
    assert fresh.national_id_masked.endswith(person.national_id[-4:])
    assert HouseholdMember.objects.get(pk=member.pk).monthly_income == Decimal("1250.50")
    assert Beneficiary.objects.filter(disability_notes="").count() == 1


@pytest.mark.django_db
def test_lookups_by_value_on_an_encrypted_column_are_refused():
    for lookup in ({"national_id": "1012345678"}, {"national_id__startswith": "10"}, {"iban__in": ["SA03"]}):
        with pytest.raises(FieldError, match="encrypted"):
            Beneficiary.objects.filter(**lookup)


@pytest.mark.django_db
def test_changing_the_id_moves_its_hash_even_with_update_fields():
    person = BeneficiaryFactory()
    new_id = valid_national_id(8887776)
    person.national_id = new_id
    person.save(update_fields=["national_id"])
    assert Beneficiary.objects.get(national_id_hash=national_id_hash(new_id)) == person
    assert not Beneficiary.objects.filter(national_id_last4_hash=crypto.blind_index("0000", purpose="x")).exists()


def test_every_model_with_an_encrypted_column_is_found_without_importing_apps():
    labels = {model._meta.label for model in crypto.encrypted_models()}
    assert {"beneficiaries.Beneficiary", "beneficiaries.HouseholdMember", "requests_app.SocialStudy"} <= labels


@pytest.mark.django_db
def test_birth_date_and_names_stay_queryable():
    # Only the listed personal values are encrypted: the registry still sorts and filters by the rest.
    BeneficiaryFactory(birth_date=dt.date(1990, 1, 1))
    assert Beneficiary.objects.filter(birth_date__year=1990).count() == 1
