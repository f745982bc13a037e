"""A raw dump of the database shows no national ID, IBAN, health note or income in clear; key rotation
interrupted mid-way resumes and loses nothing; lookups and duplicate checks go through the keyed hashes."""

import datetime as dt
import os
import re
import shutil
import subprocess
import sys
import textwrap
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone
from schwifty import IBAN

from association.kernel import crypto, rotation
from association.kernel.models import KeyRotation
from association.kernel.text import to_arabic_digits, to_ascii_digits
from beneficiaries import services
from beneficiaries.models import Beneficiary, HouseholdMember
from beneficiaries.search import national_id_hash, search_beneficiaries
from programs import services as programs_services
from programs.models import Volunteer
from requests_app.models import SocialStudy
from tests.factories import BeneficiaryFactory, SupportRequestFactory, valid_national_id
from tests.programs import factories as programs_factories

BASE = Path(__file__).resolve().parent.parent.parent

# Known values, registered the way the desk registers them.
PEOPLE = [
    {
        "national_id": valid_national_id(31415926),
        "iban": str(IBAN.generate("SA", bank_code="80", account_code="000000271828182845")),
        "health_notes": "فشل كلوي يحتاج غسيلًا ثلاث مرات أسبوعيًا",
        "disability_notes": "إعاقة حركية في الطرف السفلي الأيسر",
        "member_id": valid_national_id(27182818, resident=True),
        "member_income": Decimal("4321.75"),
        "member_health": "ربو مزمن عند الابن الأكبر",
    },
    {
        "national_id": valid_national_id(16180339),
        "iban": str(IBAN.generate("SA", bank_code="10", account_code="000000141421356237")),
        "health_notes": "مرض السكري من النوع الأول",
        "disability_notes": "ضعف سمع شديد",
        "member_id": valid_national_id(14142135),
        "member_income": Decimal("2718.28"),
        "member_health": "فقر دم منجلي",
    },
]
# A volunteer's ID (programs.Volunteer): encrypted like the registry's.
VOLUNTEER_ID = valid_national_id(57721566)
STUDY = {
    "monthly_income": Decimal("9876.54"),
    "monthly_expenses": Decimal("8765.43"),
    "health": "ورم حميد تحت المتابعة",
}


def _register(officer, n: int, values: dict) -> Beneficiary:
    data = {
        "national_id": values["national_id"],
        "first_name": "هيفاء",
        "father_name": "سالم",
        "grandfather_name": "ناصر",
        "family_name": f"المطيري{n}",
        "gender": "female",
        "birth_date": dt.date(1985, 3, n + 1),
        "marital_status": "widowed",
        "mobile": f"+96653{n:07d}",
        "city": "جدة",
        "iban": values["iban"],
        "health_notes": values["health_notes"],
        "disability_notes": values["disability_notes"],
    }
    household = [
        {
            "relation": "son",
            "name": "بدر",
            "national_id": values["member_id"],
            "monthly_income": values["member_income"],
            "health_notes": values["member_health"],
        }
    ]
    return services.beneficiary_register(actor=officer, data=data, household=household, consents=["data_processing"])


def _needles() -> dict[str, str]:
    """Every value that must not appear, in the one form the normalised dump is searched for."""
    needles = {}
    for values in PEOPLE:
        for key in ("national_id", "iban", "member_id"):
            needles[values[key]] = key
        for key in ("health_notes", "disability_notes", "member_health"):
            needles[values[key]] = key
        needles[str(values["member_income"])] = "member_income"
    for key, value in STUDY.items():
        needles[str(value)] = f"study {key}"
    needles[VOLUNTEER_ID] = "volunteer national_id"
    return needles


_SEPARATORS = re.compile(r"[\s\-\u200e\u200f\u202a-\u202e\u2066-\u2069.,٬٫]")


def _assert_no_clear_value(dump: bytes) -> None:
    text = dump.decode("utf-8", errors="replace")
    # Normalised: Arabic-Indic digits to ASCII, separators between digits gone (grouped IBANs and IDs),
    # upper case (an IBAN written in lower case).
    folded = _SEPARATORS.sub("", to_ascii_digits(text)).upper()
    for needle, what in _needles().items():
        assert needle not in text, f"{what} in clear in the dump"
        assert _SEPARATORS.sub("", to_ascii_digits(needle)).upper() not in folded, f"{what} (normalised) in the dump"
        assert to_arabic_digits(needle) not in text, f"{what} in Arabic-Indic digits in the dump"


def _add_study(person, officer):
    support_request = SupportRequestFactory(beneficiary=person, created_by=officer)
    return SocialStudy.objects.create(
        support_request=support_request,
        researcher=officer,
        referred_by=officer,
        referral_reason="زيارة",
        referred_at=timezone.now(),
        income_per_person=Decimal("3292.18"),
        **STUDY,
    )


def test_the_needles_would_be_found_in_a_clear_dump():
    # Guards the check itself: the same values written in clear, grouped or in Arabic-Indic digits are caught.
    values = PEOPLE[0]
    grouped_iban = " ".join(values["iban"][i : i + 4] for i in range(0, 24, 4)).lower()
    for clear in (values["national_id"], to_arabic_digits(values["member_id"]), grouped_iban, "٤٣٢١٫٧٥"):
        with pytest.raises(AssertionError):
            _assert_no_clear_value(f"COPY x (a) FROM stdin;\n{clear}\n".encode())


@pytest.mark.django_db(transaction=True)
def test_a_pg_dump_holds_no_id_iban_health_note_or_income_in_clear(officer):
    if connection.vendor != "postgresql":
        pytest.skip("pg_dump: PostgreSQL only (the SQLite file is checked below)")
    people = [_register(officer, n, values) for n, values in enumerate(PEOPLE)]
    _add_study(people[0], officer)
    volunteer = programs_services.volunteer_apply(
        actor=programs_factories.coordinator(),
        volunteer=Volunteer(
            full_name="متطوعة",
            national_id=VOLUNTEER_ID,
            mobile="+966561234567",
            skills="التنظيم",
            availability="evenings",
        ),
    )
    pg_dump = shutil.which("pg_dump")
    assert pg_dump, "pg_dump missing: apt-get install postgresql-client (.ci/run installs it)"
    params = connection.get_connection_params()
    env = {**os.environ, "PGPASSWORD": str(params.get("password") or "")}
    command = [
        pg_dump,
        "--data-only",
        "-h",
        str(params.get("host") or "127.0.0.1"),
        "-p",
        str(params.get("port") or 5432),
    ]
    command += ["-U", str(params.get("user") or "postgres"), connection.settings_dict["NAME"]]
    dump = subprocess.run(command, env=env, capture_output=True, timeout=120, check=True).stdout
    assert b"beneficiaries_beneficiary" in dump and b"enc1:" in dump  # the rows are in it, encrypted
    _assert_no_clear_value(dump)
    # The portal still reads them, and finds them by ID.
    assert search_beneficiaries(Beneficiary.objects.all(), PEOPLE[1]["national_id"]).get() == people[1]
    assert HouseholdMember.objects.get(beneficiary=people[0]).monthly_income == PEOPLE[0]["member_income"]
    assert b"programs_volunteer" in dump
    assert Volunteer.objects.get(national_id_hash=national_id_hash(VOLUNTEER_ID)) == volunteer
    assert Volunteer.objects.get(pk=volunteer.pk).national_id == VOLUNTEER_ID


_SQLITE_SCRIPT = textwrap.dedent(
    """
    import datetime as dt, json, sys
    import django
    django.setup()
    from django.core.management import call_command
    from django.db.migrations.executor import MigrationExecutor
    from django.db import connection

    people, study = json.loads(sys.argv[1]), json.loads(sys.argv[2])
    # The registry as it was before encryption, with clear rows in it.
    call_command("migrate", "requests_app", "0007", verbosity=0)
    call_command("migrate", "beneficiaries", "0005", verbosity=0)
    state = MigrationExecutor(connection).loader.project_state(
        [("beneficiaries", "0005_identifier_validators"), ("requests_app", "0007_refer_close_permissions")]
    )
    Beneficiary = state.apps.get_model("beneficiaries", "Beneficiary")
    Member = state.apps.get_model("beneficiaries", "HouseholdMember")
    for n, v in enumerate(people):
        b = Beneficiary.objects.create(
            national_id=v["national_id"], id_type="citizen", first_name="هيفاء", father_name="سالم",
            grandfather_name="ناصر", family_name="المطيري", name_normalized="هيفاء", gender="female",
            birth_date=dt.date(1985, 3, 1), marital_status="widowed", mobile=f"+96653{n:07d}", city="جدة",
            iban=v["iban"], health_notes=v["health_notes"], disability_notes=v["disability_notes"],
        )
        Member.objects.create(beneficiary=b, relation="son", name="بدر", national_id=v["member_id"],
                              monthly_income=v["member_income"], health_notes=v["member_health"])
    User = state.apps.get_model("auth", "User")
    user = User.objects.create(username="researcher")
    Request = state.apps.get_model("requests_app", "SupportRequest")
    Study = state.apps.get_model("requests_app", "SocialStudy")
    ServiceType = state.apps.get_model("requests_app", "ServiceType")
    Channel = state.apps.get_model("association", "Channel")
    service = ServiceType.objects.create(code="aid", name="مساعدة")
    request = Request.objects.create(beneficiary=b, service_type=service, channel=Channel.objects.first(),
                                     description="طلب", created_by=user)
    Study.objects.create(support_request=request, researcher=user, referred_by=user, referral_reason="زيارة",
                         referred_at="2026-01-01T00:00:00Z", **study)
    call_command("migrate", verbosity=0)
    from beneficiaries.models import Beneficiary as Current
    from beneficiaries.search import search_beneficiaries
    found = search_beneficiaries(Current.objects.all(), people[0]["national_id"]).get()
    print(json.dumps({"iban": found.iban, "health": found.health_notes}))
    connection.close()
    """
)


@pytest.mark.slow
def test_the_sqlite_file_holds_no_clear_value_after_migrating_clear_rows(tmp_path):
    """The embedded mode's database, file bytes: clear rows written before encryption are encrypted by the
    migration and leave nothing readable behind (``secure_delete``)."""
    import json

    database = tmp_path / "portal.sqlite3"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "association.settings",
        "DEBUG": "1",
        "DATABASE_URL": f"sqlite:///{database}",
        "VAR_DIR": str(tmp_path / "var"),
        "CELERY_BROKER_URL": "",
        "PYTHONPATH": str(BASE),
    }
    people = [{k: str(v) for k, v in values.items()} for values in PEOPLE]
    study = {k: str(v) for k, v in STUDY.items()}
    done = subprocess.run(
        [sys.executable, "-c", _SQLITE_SCRIPT, json.dumps(people), json.dumps(study)],
        env=env,
        cwd=BASE,
        capture_output=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr.decode()[-3000:]
    read_back = json.loads(done.stdout.decode().strip().splitlines()[-1])
    assert read_back == {"iban": PEOPLE[0]["iban"], "health": PEOPLE[0]["health_notes"]}
    dump = b"".join(path.read_bytes() for path in tmp_path.glob("portal.sqlite3*"))
    assert b"enc1:" in dump
    _assert_no_clear_value(dump)


@pytest.mark.django_db
def test_rotation_interrupted_mid_batch_resumes_and_loses_nothing(settings, monkeypatch, officer):
    for n in range(12):
        person = BeneficiaryFactory(iban=str(IBAN.generate("SA", bank_code="80", account_code=f"{n:018d}")))
        person.health_notes = f"ملاحظة صحية {n}"
        person.save()
        HouseholdMember.objects.create(beneficiary=person, relation="son", name="ابن", monthly_income=n * 100)
    before = {b.pk: (b.national_id, b.iban, b.health_notes, b.national_id_hash) for b in Beneficiary.objects.all()}
    old_key = crypto.key_id_of(_raw_id(min(before)))
    settings.FIELD_ENCRYPTION_KEYS = [f"next:{_new_key()}", *settings.FIELD_ENCRYPTION_KEYS]

    calls = {"n": 0}
    real_encrypt = crypto.encrypt

    def crash_in_second_batch(plaintext, *, context):
        calls["n"] += 1
        if calls["n"] == 5 * 4 + 7:  # 5 rows x 4 columns in the first batch, then part of the second
            raise KeyboardInterrupt
        return real_encrypt(plaintext, context=context)

    monkeypatch.setattr(crypto, "encrypt", crash_in_second_batch)
    with pytest.raises(KeyboardInterrupt):
        rotation.rotate(batch_size=5)
    monkeypatch.setattr(crypto, "encrypt", real_encrypt)

    progress = KeyRotation.objects.get(table="beneficiaries_beneficiary", key_id="next")
    pks = sorted(before)
    assert (progress.last_pk, progress.rows_done, progress.finished_at) == (pks[4], 5, None)
    assert [crypto.key_id_of(_raw_id(pk)) for pk in pks] == ["next"] * 5 + [old_key] * 7  # the batch rolled back

    done = rotation.rotate(batch_size=5)
    assert done["beneficiaries_beneficiary"] == 7  # resumed after the committed batch, not from the start
    assert done["beneficiaries_householdmember"] == 12
    progress.refresh_from_db()
    assert progress.rows_done == 12 and progress.finished_at is not None
    after = {b.pk: (b.national_id, b.iban, b.health_notes, b.national_id_hash) for b in Beneficiary.objects.all()}
    assert after == before
    usage = rotation.key_usage()
    assert usage["beneficiaries_beneficiary.national_id"] == {"next": 12}
    assert usage["beneficiaries_householdmember.monthly_income"] == {"next": 12}
    # The old key may now leave the list: everything still reads.
    settings.FIELD_ENCRYPTION_KEYS = settings.FIELD_ENCRYPTION_KEYS[:1]
    assert sorted(m.monthly_income for m in HouseholdMember.objects.all())[-1] == Decimal(1100)


@pytest.mark.django_db
def test_the_command_runs_in_slices_and_reports_key_usage(settings, capsys):
    BeneficiaryFactory.create_batch(3, health_notes="ربو")
    settings.FIELD_ENCRYPTION_KEYS = [f"k7:{_new_key()}", *settings.FIELD_ENCRYPTION_KEYS]
    old_key = crypto.key_id_of(_raw_id(Beneficiary.objects.order_by("pk")[0].pk))
    call_command("rotate_field_keys", "--batch-size", "2", "--max-batches", "1")
    expected = ", ".join(f"{key}={count}" for key, count in sorted({old_key: 1, "k7": 2}.items()))
    assert f"beneficiaries_beneficiary.national_id: {expected}" in capsys.readouterr().out
    call_command("rotate_field_keys")
    out = capsys.readouterr().out
    assert "beneficiaries_beneficiary.national_id: k7=3" in out
    assert "beneficiaries_beneficiary.health_notes: k7=3" in out


def _new_key() -> str:
    import base64
    import secrets

    return base64.b64encode(secrets.token_bytes(32)).decode()


def _raw_id(pk) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT national_id FROM beneficiaries_beneficiary WHERE id = %s", [pk])
        return cursor.fetchone()[0]


# --- lookups and duplicates by keyed hash --------------------------------------------------------


@pytest.mark.django_db
def test_the_same_id_typed_in_any_form_is_refused_by_its_hash(officer):
    _register(officer, 0, PEOPLE[0])
    again = {**PEOPLE[1], "national_id": PEOPLE[0]["national_id"]}
    with pytest.raises(Exception) as refused:  # noqa: PT011 - a ValidationError on the ID field
        _register(officer, 1, again)
    assert "national_id" in refused.value.message_dict


@pytest.mark.django_db
def test_the_same_iban_is_a_possible_duplicate(officer):
    first = _register(officer, 0, PEOPLE[0])
    same_iban = {**PEOPLE[1], "iban": PEOPLE[0]["iban"]}
    with pytest.raises(services.PossibleDuplicate) as found:
        _register(officer, 1, same_iban)
    assert found.value.matches == [first]


@pytest.mark.django_db
@pytest.mark.parametrize("typed", ["whole", "arabic", "grouped", "last4", "last6"])
def test_the_desk_search_finds_an_id_by_its_hash_in_any_form(officer, typed):
    wanted = _register(officer, 0, PEOPLE[0])
    _register(officer, 1, PEOPLE[1])
    national_id = PEOPLE[0]["national_id"]
    query = {
        "whole": national_id,
        "arabic": to_arabic_digits(national_id),
        "grouped": f"{national_id[:1]} {national_id[1:5]} {national_id[5:]}",
        "last4": national_id[-4:],
        "last6": to_arabic_digits(national_id[-6:]),
    }[typed]
    assert list(search_beneficiaries(Beneficiary.objects.all(), query)) == [wanted]


@pytest.mark.django_db
@pytest.mark.parametrize("typed", ["2233", "1112233", "٥٥١١١٢٢٣٣"[-7:]])
def test_the_last_digits_of_a_mobile_still_find_it(typed):
    wanted = BeneficiaryFactory(mobile="+966551112233")
    BeneficiaryFactory(mobile="+966561119999")
    assert list(search_beneficiaries(Beneficiary.objects.all(), typed)) == [wanted]
