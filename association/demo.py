"""Demo data: the helpers every app's demo loader uses, and the association's own demo records.

Every app adds its demo data through the kernel registry (slot ``demo``, registered in its
``AppConfig.ready``): ``loader(*, users, stdout, state) -> None``, idempotent (a rerun creates nothing new),
run by ``manage.py seed_demo`` in ``order``:

  0 association: profile, bank accounts, official holidays      20 beneficiaries: document types
  25 requests_app: service types                                  30 beneficiaries: the 24 demo people
  31 channels_log: the contact each of them came through          32 requests_app: yesterday's drafts
  40 association.policy: the demo policy, imported, approved         50 requests_app: requests in every status
  60 surveys                                                      70 channels_log: cases, then delivers the
                                                                     messages the others queued

``state`` is one dict shared by the loaders of a run (e.g. the people registered in this run).
"""

import contextlib
import datetime as dt

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone
from stdnum import luhn

from .kernel.roles import Role
from .models import AssociationProfile, BankAccount, OfficialHoliday

DEMO_PASSWORD = "demo12345"

USERS = [
    # username, first name, last name, role (None = superuser)
    ("officer", "نورة", "القحطاني", Role.RELATIONS_OFFICER),
    ("officer2", "سلمان", "الدوسري", Role.RELATIONS_OFFICER),
    ("researcher", "فهد", "العتيبي", Role.SOCIAL_RESEARCHER),
    ("researcher2", "هيا", "الشهري", Role.SOCIAL_RESEARCHER),
    ("member1", "عبدالله", "الغامدي", Role.COMMITTEE_MEMBER),
    ("member2", "مها", "الزهراني", Role.COMMITTEE_MEMBER),
    ("member3", "خالد", "المطيري", Role.COMMITTEE_MEMBER),
    ("chair", "سعد", "الحربي", Role.COMMITTEE_CHAIR),
    ("manager", "ريم", "السبيعي", Role.MANAGER),
    ("representative", "ماجد", "الشمري", Role.REPRESENTATIVE),
    ("admin", "مدير", "النظام", None),
]


def demo_national_id(index: int, resident: bool = False) -> str:
    base = f"{2 if resident else 1}{100000 + index:08d}"
    return base + luhn.calc_check_digit(base)


@contextlib.contextmanager
def demo_clock(at: dt.datetime):
    """Play a piece of demo history on the day it happened: the real services run with the clock set to
    ``at`` (ticking on from there), so every row they write is dated as it would be, and every rule they
    check on the way — the committee's window, a case's working-day targets — holds as it would have.
    Demo loading only; the portal and the tests keep the real clock."""
    import time_machine

    if at > timezone.now():
        raise ValueError(f"demo history cannot happen in the future ({at:%Y-%m-%d %H:%M})")
    with time_machine.travel(at, tick=True):
        yield


def demo_day(days_ago: int, hour: int, minute: int = 0) -> dt.datetime:
    """``hour:minute`` Riyadh time, ``days_ago`` days before today (at least one: today's hours may be ahead)."""
    if days_ago < 1:
        raise ValueError("demo_day is for earlier days; use an offset from now for today")
    day = timezone.localdate() - dt.timedelta(days=days_ago)
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


def demo_iban(bank_code: str, account: int) -> str:
    from schwifty import IBAN

    return IBAN.generate("SA", bank_code=bank_code, account_code=f"{account:018d}").compact


def demo_users() -> dict:
    """The demo staff (one or two of each role, and the admin), created once; ``{username: user}``."""
    User = get_user_model()
    users = {}
    for username, first, last, role in USERS:
        user = User.objects.filter(username=username).first()
        if user is None:
            user = User(
                username=username,
                first_name=first,
                last_name=last,
                email=f"{username}@example.org",
                date_joined=timezone.now() - dt.timedelta(days=365),
            )  # staff long before the demo's history
            user.set_password(DEMO_PASSWORD)
            if role is None:
                user.is_staff = user.is_superuser = True
            user.save()
            if role is not None:
                user.groups.add(Group.objects.get(name=role))
        users[username] = user
    return users


def seed_profile(*, users: dict, stdout, state: dict) -> None:
    """The demo association: its profile (letterhead), two bank accounts and two official holidays."""
    profile = AssociationProfile.objects.filter(pk=1).first()
    if profile is None:
        profile = AssociationProfile(
            name="جمعية البر الخيرية التجريبية",
            name_en="Demo Charity Association",
            license_number="1234",
            supervising_authority="المركز الوطني لتنمية القطاع غير الربحي",
            city="الرياض",
            address="الرياض — حي النسيم — شارع الأمير سعود",
            phone="0114000000",
            email="info@example.org",
            website="https://example.org",
            x_account="@demo_charity",
            whatsapp="0550000000",
        )
        profile.save()
    if not profile.bank_accounts.exists():
        for order, (code, purpose) in enumerate([("80", "الزكاة"), ("10", "التبرعات العامة")]):
            account = BankAccount(
                profile=profile,
                iban=demo_iban(code, 6080101675 + order),
                purpose=purpose,
                account_name=profile.name,
                order=order,
            )
            account.clean()
            account.save()
    for date, name in [(dt.date(2027, 2, 22), "يوم التأسيس"), (dt.date(2026, 9, 23), "اليوم الوطني")]:
        OfficialHoliday.objects.get_or_create(date=date, defaults={"name": name})
    state["association"] = profile


# The demo branch offices, and who works from them: the Al-Kharj office has its own representative and
# researcher, so its requests go to «هيا الشهري»; everyone else works for the head office.
DEMO_BRANCHES = [
    ("مكتب الخرج", "الخرج", "الخرج — حي السيح — طريق الملك عبدالعزيز", "0115440000", ["representative", "researcher2"]),
    ("مكتب الدرعية", "الدرعية", "الدرعية — حي العمارية", "0114860000", []),
]


def seed_branches(*, users: dict, stdout, state: dict) -> None:
    from .branches import Branch, StaffBranch

    for name, city, address, phone, staff in DEMO_BRANCHES:
        branch, _created = Branch.objects.get_or_create(
            name=name, defaults={"city": city, "address": address, "phone": phone}
        )
        for username in staff:
            StaffBranch.objects.get_or_create(user=users[username], defaults={"branch": branch})
