"""Time the desk search by national ID, the duplicate check and the list page on a filled registry.

    .venv/bin/python tools/bench_id_search.py [ROWS]

Fills the configured database (never the shared one: set DATABASE_URL) up to ROWS beneficiaries whose
family name is «قياس» (default 20000), then prints the median of repeated runs in milliseconds.
"""

import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "association.settings")
os.environ.setdefault("DEBUG", "1")

import django  # noqa: E402

django.setup()

import datetime as dt  # noqa: E402

from django.contrib.auth import get_user_model  # noqa: E402
from django.db import transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.urls import reverse  # noqa: E402
from stdnum import luhn  # noqa: E402

from beneficiaries.models import Beneficiary  # noqa: E402
from beneficiaries.search import search_beneficiaries  # noqa: E402

FAMILY = "قياس"
SENSITIVE = ("national_id", "iban", "health_notes", "disability_notes")


def national_id(n: int) -> str:
    base = f"1{70000000 + n:08d}"
    return base + luhn.calc_check_digit(base)


def fill(rows: int) -> None:
    have = Beneficiary.objects.filter(family_name=FAMILY).count()
    batch = []
    for n in range(have, rows):
        person = Beneficiary(
            national_id=national_id(n),
            first_name="سالم",
            father_name="علي",
            grandfather_name="سعد",
            family_name=FAMILY,
            gender="male",
            birth_date=dt.date(1970, 1, 1) + dt.timedelta(days=n % 9000),
            marital_status="married",
            mobile=f"+96650{n:07d}",
            city="الرياض",
            iban="SA0380000000608010167519",
            health_notes="سكري" if n % 3 == 0 else "",
        )
        person.derive_fields()
        batch.append(person)
        if len(batch) == 2000:
            with transaction.atomic():
                Beneficiary.objects.bulk_create(batch)
            batch = []
    if batch:
        Beneficiary.objects.bulk_create(batch)


def median_ms(fn, runs: int) -> float:
    fn()  # warm
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return round(statistics.median(times), 2)


def duplicate_check(value: str) -> bool:
    try:
        from beneficiaries.selectors import beneficiaries_with_national_id
    except ImportError:
        return Beneficiary.objects.filter(national_id=value).exists()
    return beneficiaries_with_national_id(Beneficiary.objects.all(), value).exists()


def id_only(query: str) -> list:
    """The ID part of the search alone (the rest is the mobile and name conditions)."""
    from django.db.models import Q

    try:
        from beneficiaries.search import national_id_condition
    except ImportError:  # before encryption: prefix or suffix on the clear column
        return list(Beneficiary.objects.filter(Q(national_id__startswith=query) | Q(national_id__endswith=query)))
    return list(Beneficiary.objects.filter(national_id_condition(query)))


def main() -> None:
    rows = int(sys.argv[1]) if len(sys.argv) > 1 else 20000
    fill(rows)
    total = Beneficiary.objects.count()
    wanted = national_id(rows // 2)
    user = get_user_model().objects.filter(is_superuser=True).first() or get_user_model().objects.create_superuser(
        "bench-admin", password=None
    )
    client = Client()
    client.force_login(user)
    assert [b.national_id for b in search_beneficiaries(Beneficiary.objects.all(), wanted)] == [wanted]
    figures = {
        "rows": total,
        "search by whole ID (selector)": median_ms(
            lambda: list(search_beneficiaries(Beneficiary.objects.all(), wanted)), 50
        ),
        "search by last 5 digits (selector)": median_ms(
            lambda: list(search_beneficiaries(Beneficiary.objects.all(), wanted[-5:])), 50
        ),
        "ID condition only, whole ID": median_ms(lambda: id_only(wanted), 50),
        "ID condition only, last 5 digits": median_ms(lambda: id_only(wanted[-5:]), 50),
        "duplicate check by ID": median_ms(lambda: duplicate_check(wanted), 50),
        "desk POST by whole ID (page)": median_ms(
            lambda: client.post(reverse("beneficiaries:desk"), {"q": wanted}, HTTP_HX_REQUEST="true"), 20
        ),
        "list page, 25 rows (page)": median_ms(lambda: client.get(reverse("beneficiaries:list")), 20),
        "25 rows loaded, 4 encrypted columns each": median_ms(
            lambda: list(Beneficiary.objects.order_by("-pk")[:25]), 50
        ),
        "25 rows loaded, those columns deferred": median_ms(
            lambda: list(Beneficiary.objects.order_by("-pk").defer(*SENSITIVE)[:25]), 50
        ),
    }
    for name, value in figures.items():
        print(f"{name}: {value}")


if __name__ == "__main__":
    main()
