"""Demo data for the embedded mode: idempotent (a rerun changes nothing), prints the logins."""

import contextlib
import datetime as dt
import importlib
import importlib.util
import random

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone
from stdnum import luhn

from association.kernel.roles import Role, sync_role_groups
from association.models import AssociationProfile, BankAccount, OfficialHoliday
from beneficiaries import services as beneficiary_services
from beneficiaries.models import Beneficiary, Consent, DocumentType
from channels_log.models import Channel, ContactEntry
from channels_log.services import contact_record
from requests_app.models import ServiceType
from requests_app.services import support_request_create_draft

DEMO_PASSWORD = "demo12345"

# Each app adds its demo data in ``<app>/demo.py``: ``seed(*, users: dict, stdout) -> None``,
# idempotent. They run in this order after the core data (association, users, registry); channels_log
# comes last because it also delivers the messages the others' flows queued.
DEMO_MODULES = ["association.demo", "requests_app.demo", "surveys.demo", "channels_log.demo"]

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
    ("admin", "مدير", "النظام", None),
]

DOCUMENT_TYPES = [
    ("national_id", "صورة الهوية الوطنية / الإقامة"),
    ("family_card", "صورة سجل الأسرة"),
    ("income_proof", "إثبات الدخل أو تعريف بالراتب"),
    ("lease", "عقد الإيجار"),
    ("bank_letter", "خطاب الآيبان من البنك"),
    ("medical_report", "تقرير طبي"),
]

SERVICE_TYPES = [
    ("financial_aid", "مساعدة مالية", ["national_id", "family_card", "income_proof", "bank_letter"]),
    ("food_basket", "سلة غذائية", ["national_id", "family_card"]),
    ("rent_support", "دعم إيجار السكن", ["national_id", "family_card", "income_proof", "lease"]),
    ("medical_support", "دعم علاجي", ["national_id", "medical_report"]),
]

FIRST_NAMES_M = ["محمد", "أحمد", "عبدالرحمن", "سعود", "تركي", "ناصر", "ماجد", "فيصل", "يوسف", "إبراهيم"]
FIRST_NAMES_F = ["فاطمة", "عائشة", "نوف", "سارة", "منيرة", "لطيفة", "هند", "أمل", "جواهر", "مريم"]
FATHERS = ["عبدالله", "سعد", "محمد", "علي", "حمد", "صالح", "عبدالعزيز", "إبراهيم"]
FAMILIES = ["العتيبي", "القحطاني", "الشمري", "الدوسري", "المطيري", "الغامدي", "الزهراني", "العنزي", "الحربي", "السبيعي"]
CITIES = [("الرياض", "النسيم"), ("الرياض", "الشفا"), ("الخرج", "السيح"), ("الدرعية", "العمارية"), ("الرياض", "السويدي")]


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


class Command(BaseCommand):
    help = "Load idempotent demo data (association, users of every role, beneficiaries, contacts, drafts)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--no-logins",
            action="store_true",
            help="do not list the demo logins (run_embedded lists them once the site answers)",
        )

    @transaction.atomic
    def handle(self, *args, no_logins=False, **options):
        sync_role_groups()
        profile = self._profile()
        users = self._users()
        self._catalogues()
        created = self._beneficiaries(users)
        for module_name in DEMO_MODULES:
            if importlib.util.find_spec(module_name) is not None:
                importlib.import_module(module_name).seed(users=users, stdout=self.stdout)
        self.stdout.write(self.style.SUCCESS(f"Demo data ready: {profile.name}; {created} new beneficiaries."))
        if no_logins:
            return
        self.stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD}):")
        for username, _first, _last, role in USERS:
            self.stdout.write(f"  {username:<12} {role or 'admin (superuser)'}")

    def _profile(self) -> AssociationProfile:
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
        return profile

    def _users(self) -> dict:
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

    def _catalogues(self) -> None:
        for code, name in DOCUMENT_TYPES:
            DocumentType.objects.get_or_create(code=code, defaults={"name": name})
        for code, name, docs in SERVICE_TYPES:
            service, created = ServiceType.objects.get_or_create(code=code, defaults={"name": name})
            if created:
                service.required_documents.set(DocumentType.objects.filter(code__in=docs))

    def _beneficiaries(self, users) -> int:
        rng = random.Random(2026)  # the same demo every time
        officer = users["officer"]
        channels = list(Channel.objects.filter(is_active=True))
        created = 0
        for i in range(24):
            national_id = demo_national_id(i, resident=(i % 6 == 5))
            if Beneficiary.objects.filter(national_id=national_id).exists():
                continue
            female = i % 2 == 1
            city, district = CITIES[i % len(CITIES)]
            data = {
                "national_id": national_id,
                "first_name": rng.choice(FIRST_NAMES_F if female else FIRST_NAMES_M),
                "father_name": rng.choice(FATHERS),
                "grandfather_name": rng.choice(FATHERS),
                "family_name": rng.choice(FAMILIES),
                "gender": "female" if female else "male",
                "birth_date": dt.date(1960 + i, 1 + i % 12, 1 + i % 27),
                "nationality": "سعودي" if i % 6 != 5 else "يمني",
                "marital_status": rng.choice(["married", "widowed", "divorced", "single"]),
                "mobile": f"+96650{1000000 + i * 7919:07d}",
                "city": city,
                "district": district,
                "iban": demo_iban(rng.choice(["80", "10", "20", "05"]), 1000 + i) if i % 3 else "",
                "health_notes": "سكري من النوع الثاني" if i % 5 == 0 else "",
            }
            household = [
                {
                    "relation": "son" if k % 2 == 0 else "daughter",
                    "name": f"ابن/ابنة رقم {k + 1}",
                    "birth_date": dt.date(2005 + k, 3, 1),
                    "monthly_income": 0,
                }
                for k in range(i % 4)
            ]
            # Registered over the weeks before the demo's requests were opened (one every day or so).
            with demo_clock(demo_day(70 - i, 9 + i % 5, 10 * (i % 6))):
                beneficiary = beneficiary_services.beneficiary_register(
                    actor=officer,
                    data=data,
                    household=household,
                    consents=[Consent.Purpose.DATA_PROCESSING, Consent.Purpose.CONTACT, Consent.Purpose.SURVEYS],
                    confirm_duplicate=True,
                )
                created += 1
                contact_record(
                    actor=officer,
                    channel=channels[i % len(channels)],
                    purpose=ContactEntry.Purpose.SERVICE_REQUEST,
                    beneficiary=beneficiary,
                    subject="طلب مساعدة",
                    body="حضر المستفيد واستفسر عن خدمات الجمعية.",
                )
            if i % 4 == 0:
                # Came back yesterday to ask for a food basket: the draft waits for the documents.
                with demo_clock(demo_day(1, 9 + i // 4)):
                    support_request_create_draft(
                        beneficiary=beneficiary,
                        service_type=ServiceType.objects.get(code="food_basket"),
                        channel=channels[i % len(channels)],
                        description="طلب سلة غذائية شهرية للأسرة.",
                        actor=officer,
                    )
        return created
