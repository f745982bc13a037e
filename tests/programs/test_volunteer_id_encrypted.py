"""A volunteer's national ID is encrypted at rest and kept unique by its keyed hash, whatever form it is typed in."""

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from association.kernel import crypto
from beneficiaries.search import national_id_hash
from programs import services
from programs.models import Volunteer
from tests.factories import valid_national_id
from tests.programs import factories

pytestmark = pytest.mark.django_db


def test_the_id_is_stored_encrypted_and_found_by_its_hash():
    volunteer = factories.volunteer()
    with connection.cursor() as cursor:
        cursor.execute("SELECT national_id, national_id_hash FROM programs_volunteer WHERE id = %s", [volunteer.pk])
        stored, stored_hash = cursor.fetchone()
    assert crypto.is_encrypted(stored) and volunteer.national_id not in stored
    assert stored_hash == national_id_hash(volunteer.national_id)
    assert Volunteer.objects.get(national_id_hash=national_id_hash(volunteer.national_id)) == volunteer
    assert Volunteer.objects.get(pk=volunteer.pk).national_id_masked.endswith(volunteer.national_id[-4:])


def test_the_same_id_twice_is_refused_on_the_id_field():
    first = factories.volunteer()
    again = Volunteer(
        full_name="متطوع آخر",
        national_id=first.national_id,
        mobile="+966561112233",
        skills="x",
        availability="evenings",
    )
    with pytest.raises(ValidationError) as caught:
        services.volunteer_apply(actor=factories.coordinator(), volunteer=again)
    assert list(caught.value.message_dict) == ["national_id"]
    assert Volunteer.objects.filter(national_id_hash=national_id_hash(first.national_id)).count() == 1


def test_the_same_id_typed_in_arabic_digits_in_the_form_is_refused():
    from association.kernel.text import to_arabic_digits
    from programs.forms import VolunteerForm

    first = factories.volunteer()
    form = VolunteerForm(
        data={
            "full_name": "متطوع آخر",
            "national_id": to_arabic_digits(first.national_id),
            "mobile": "0561112244",
            "skills": "x",
            "availability": "evenings",
        }
    )
    assert not form.is_valid()
    assert list(form.errors) == ["national_id"]
    assert form.errors["national_id"] == ["سبق تسجيل متطوع برقم الهوية هذا."]  # in Arabic, on the ID field
    assert Volunteer.objects.count() == 1


def test_a_new_id_is_accepted():
    factories.volunteer()
    other = valid_national_id(70999999)
    made = services.volunteer_apply(
        actor=factories.coordinator(),
        volunteer=Volunteer(
            full_name="متطوع", national_id=other, mobile="+966561112255", skills="x", availability="evenings"
        ),
    )
    assert made.national_id_hash == national_id_hash(other)


def test_key_rotation_covers_the_volunteers(settings):
    import base64
    import secrets

    from association.kernel import rotation

    volunteers = [factories.volunteer() for _n in range(3)]
    assert Volunteer in crypto.encrypted_models()
    settings.FIELD_ENCRYPTION_KEYS = [
        f"vol:{base64.b64encode(secrets.token_bytes(32)).decode()}",
        *settings.FIELD_ENCRYPTION_KEYS,
    ]
    done = rotation.rotate(batch_size=2)
    assert done["programs_volunteer"] == 3
    assert rotation.key_usage()["programs_volunteer.national_id"] == {"vol": 3}
    assert [Volunteer.objects.get(pk=v.pk).national_id for v in volunteers] == [v.national_id for v in volunteers]
