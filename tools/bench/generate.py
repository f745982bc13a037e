"""The bench data set, written with the project's own models: each row built as the model, its derived fields
computed by the model's own ``derive_fields`` and its identifiers checked by the kernel's validators, then
written in batches with ``bulk_create`` (the row-at-a-time services would take hours at this scale).

Sizes follow ``BENCH_BENEFICIARIES`` (default 200,000): as many requests, five contacts each, a case for one
in four. Dates spread over three years. What the periodic sweeps would have done already (reminders sent,
overdue cases escalated) is recorded, so a measured sweep starts from "nothing due", as in production."""

import contextlib
import datetime as dt
import random
import sys
import time

from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.utils import timezone

from association.channels import Channel
from association.kernel.dates import hijri_year
from association.kernel.identifiers import validate_iban, validate_mobile, validate_national_id
from association.kernel.roles import Role
from association.kernel.workdays import add_working_days
from association.models import OfficialHoliday
from beneficiaries.models import Beneficiary, Consent
from channels_log.cases.models import Case, ResponseTarget
from channels_log.contacts import daily as contact_days
from channels_log.contacts.models import ContactEntry
from requests_app.models import RequestNotification, RequestSequence, ServiceType, SupportRequest
from requests_app.selectors import RIYADH, decidable_from, overdue_filter
from surveys.models import Answer, Question, Response, SurveyVersion
from surveys.services import response_figures_refresh

from . import names

BATCH = 5000
# One row in CHECK_EVERY goes through the model's clean_fields too (identifiers are validated for every row).
CHECK_EVERY = 50
YEARS = 3
# Offsets in the ID and mobile ranges, far from the demo's and the tests' numbers.
ID_BASE = 30_000_000
S = SupportRequest.Status
# Request statuses with their share of the data set: every status, most of them finished.
STATUS_MIX = [
    (S.DRAFT, 4),
    (S.SUBMITTED, 5),
    (S.INCOMPLETE, 4),
    (S.IN_RESEARCH, 6),
    (S.AWAITING_COMMITTEE, 6),
    (S.APPROVED, 8),
    (S.REJECTED, 8),
    (S.REGISTERED, 10),
    (S.SERVICE_DELIVERED, 20),
    (S.CLOSED, 24),
    (S.WITHDRAWN, 5),
]
UNDECIDED = {S.SUBMITTED, S.IN_RESEARCH, S.AWAITING_COMMITTEE}
DECIDED = {S.APPROVED, S.REJECTED, S.REGISTERED, S.SERVICE_DELIVERED, S.CLOSED}
P = ContactEntry.Purpose
PURPOSE_MIX = [
    (P.INQUIRY, 30),
    (P.COMPLAINT, 8),
    (P.SUGGESTION, 5),
    (P.NOTE, 25),
    (P.FOLLOW_UP, 17),
    (P.THANKS, 5),
    (P.SERVICE_REQUEST, 10),
]
CASE_KINDS = {P.INQUIRY: Case.Kind.INQUIRY, P.COMPLAINT: Case.Kind.COMPLAINT, P.SUGGESTION: Case.Kind.SUGGESTION}


def scale_for(beneficiaries: int) -> dict:
    return {
        "beneficiaries": beneficiaries,
        "requests": beneficiaries,
        "contacts": beneficiaries * 5,
        "cases": beneficiaries // 4,
        "survey_responses": beneficiaries // 10,
    }


class Progress:
    """A one-line progress bar on stderr."""

    def __init__(self, label: str, total: int):
        self.label, self.total, self.done, self.started = label, max(total, 1), 0, time.monotonic()

    def add(self, n: int) -> None:
        self.done += n
        share = min(self.done / self.total, 1)
        bar = "#" * int(share * 30)
        elapsed = time.monotonic() - self.started
        sys.stderr.write(
            f"\r  {self.label:<18} [{bar:<30}] {share:6.1%} {self.done:>9,}/{self.total:,} {elapsed:6.1f}s"
        )
        if self.done >= self.total:
            sys.stderr.write("\n")
        sys.stderr.flush()


@contextlib.contextmanager
def dated(*models):
    """Let ``bulk_create`` keep the dates the generator gives (``auto_now_add`` would stamp them all now)."""
    fields = [f for model in models for f in model._meta.concrete_fields if getattr(f, "auto_now_add", False)]
    for field in fields:
        field.auto_now_add = False
    try:
        yield
    finally:
        for field in fields:
            field.auto_now_add = True


def _weighted(rng: random.Random, mix):
    values, weights = zip(*mix, strict=True)
    return rng.choices(values, weights=weights)[0]


def _moment(rng: random.Random, now: dt.datetime, *, days: float) -> dt.datetime:
    return now - dt.timedelta(seconds=rng.random() * days * 86400)


def _staff(role: str) -> list:
    users = list(get_user_model().objects.filter(is_active=True, groups__name=role).order_by("pk"))
    if not users:
        raise SystemExit(f"bench: no active user with the role {role}; run seed_demo first")
    return users


def _beneficiary(rng, n: int, now, officers) -> Beneficiary:
    person = names.person(rng)
    beneficiary = Beneficiary(
        national_id=names.national_id(ID_BASE + n, resident=rng.random() < 0.12),
        birth_date=dt.date(1945, 1, 1) + dt.timedelta(days=rng.randrange(365 * 60)),
        marital_status=rng.choice(Beneficiary.MaritalStatus.values),
        mobile=names.mobile(ID_BASE + n),
        iban=names.iban(rng) if rng.random() < 0.7 else "",
        created_at=_moment(rng, now, days=365 * YEARS),
        created_by=rng.choice(officers),
        **person,
    )
    validate_national_id(beneficiary.national_id)
    validate_mobile(beneficiary.mobile)
    if beneficiary.iban:
        validate_iban(beneficiary.iban)
    beneficiary.derive_fields()
    if n % CHECK_EVERY == 0:
        beneficiary.clean_fields(exclude=["created_by"])
    beneficiary.updated_at = beneficiary.created_at
    return beneficiary


def generate_beneficiaries(rng, total: int, now) -> None:
    officers = _staff(Role.RELATIONS_OFFICER)
    progress = Progress("beneficiaries", total)
    for start in range(0, total, BATCH):
        rows = [_beneficiary(rng, n, now, officers) for n in range(start, min(start + BATCH, total))]
        with dated(Beneficiary), transaction.atomic():
            Beneficiary.objects.bulk_create(rows, batch_size=BATCH)
        progress.add(len(rows))


class Numbers:
    """Request numbers as the portal gives them (``<Hijri year>-<6 digits>``), continuing each year's sequence."""

    def __init__(self):
        self.last = dict(RequestSequence.objects.values_list("hijri_year", "last_number"))

    def next(self, at: dt.datetime) -> str:
        year = hijri_year(at.astimezone(RIYADH).date())
        self.last[year] = self.last.get(year, 0) + 1
        return f"{year}-{self.last[year]:06d}"

    def save(self) -> None:
        for year, last in self.last.items():
            RequestSequence.objects.update_or_create(hijri_year=year, defaults={"last_number": last})


def _request(rng, beneficiary_id: int, registered_at, now, ctx) -> SupportRequest:
    status = _weighted(rng, STATUS_MIX)
    if status in UNDECIDED:
        # A backlog: undecided requests were submitted in the last quarter.
        created = _moment(rng, now, days=90)
    else:
        created = max(registered_at, _moment(rng, now, days=365 * YEARS))
    row = SupportRequest(
        beneficiary_id=beneficiary_id,
        service_type=rng.choice(ctx["services"]),
        channel=rng.choice(ctx["channels"]),
        description=rng.choice(names.SUBJECTS),
        status=status,
        created_at=created,
        created_by=rng.choice(ctx["officers"]),
    )
    if status not in (S.DRAFT, S.INCOMPLETE):
        row.submitted_at = created + dt.timedelta(hours=rng.randrange(1, 48))
        row.number = ctx["numbers"].next(row.submitted_at)
    if status in (S.IN_RESEARCH, S.AWAITING_COMMITTEE) or status in DECIDED:
        row.researcher = rng.choice(ctx["researchers"])
    if status in DECIDED:
        row.decided_at = row.submitted_at + dt.timedelta(days=rng.randrange(14, 40))
    if status == S.INCOMPLETE:
        row.missing_items = ["صورة الهوية الوطنية", "تعريف بالراتب"]
    return row


def generate_requests(rng, total: int, now) -> None:
    ctx = {
        "services": list(ServiceType.objects.filter(is_active=True)) or list(ServiceType.objects.all()),
        "channels": list(Channel.objects.filter(is_active=True)),
        "officers": _staff(Role.RELATIONS_OFFICER),
        "researchers": _staff(Role.SOCIAL_RESEARCHER),
        "numbers": Numbers(),
    }
    people = list(Beneficiary.objects.order_by("pk").values_list("pk", "created_at"))
    progress = Progress("requests", total)
    for start in range(0, total, BATCH):
        rows = []
        for i in range(start, min(start + BATCH, total)):
            beneficiary_id, registered_at = people[i % len(people)]
            rows.append(_request(rng, beneficiary_id, registered_at, now, ctx))
        with dated(SupportRequest), transaction.atomic():
            SupportRequest.objects.bulk_create(rows, batch_size=BATCH)
        progress.add(len(rows))
    ctx["numbers"].save()


def _contact(rng, now, ctx) -> ContactEntry:
    purpose = _weighted(rng, PURPOSE_MIX)
    row = ContactEntry(
        channel=rng.choice(ctx["channels"]),
        direction=ContactEntry.Direction.INCOMING if purpose in CASE_KINDS or rng.random() < 0.6 else "out",
        purpose=purpose,
        subject=rng.choice(names.SUBJECTS),
        body="تم التواصل مع المستفيد وتدوين ما ذكره.",
        recorded_by=rng.choice(ctx["staff"]),
        created_at=_moment(rng, now, days=365 * YEARS),
    )
    if rng.random() < 0.85:
        row.beneficiary_id, row.support_request_id = rng.choice(ctx["people"])
    else:
        person = names.person(rng)
        row.contact_name = f"{person['first_name']} {person['family_name']}"
        row.contact_mobile = names.mobile(rng.randrange(10**7))
    return row


def generate_contacts(rng, total: int, now) -> None:
    ctx = {
        "channels": list(Channel.objects.filter(is_active=True)),
        "staff": _staff(Role.RELATIONS_OFFICER) + _staff(Role.SOCIAL_RESEARCHER),
        "people": list(SupportRequest.objects.values_list("beneficiary_id", "pk")),
    }
    progress = Progress("contacts", total)
    for start in range(0, total, BATCH):
        rows = [_contact(rng, now, ctx) for _ in range(start, min(start + BATCH, total))]
        with dated(ContactEntry), transaction.atomic():
            ContactEntry.objects.bulk_create(rows, batch_size=BATCH)
        progress.add(len(rows))


def _case(rng, contact, n: int, now, ctx) -> Case:
    kind = CASE_KINDS[contact.purpose]
    first_days, resolution_days = ctx["targets"][kind]
    opened = contact.created_at
    row = Case(
        reference=f"B{n:09d}",
        kind=kind,
        contact_id=contact.pk,
        mobile=contact.contact_mobile or ctx["mobiles"].get(contact.beneficiary_id, ""),
        assignee=rng.choice(ctx["staff"]),
        opened_at=opened,
        # The association's calendar rule (association.calendar), its holidays read once for the whole run.
        first_response_due=add_working_days(opened, first_days, holidays=ctx["holidays"]),
        resolution_due=add_working_days(opened, resolution_days, holidays=ctx["holidays"]),
    )
    age = (now - opened).days
    row.status = Case.Status.CLOSED if age > 30 else rng.choice(Case.Status.values)
    if row.status != Case.Status.OPEN:
        row.first_response_at = opened + dt.timedelta(hours=rng.randrange(2, 60))
    if row.status in (Case.Status.ANSWERED, Case.Status.CLOSED):
        row.answered_at = row.first_response_at + dt.timedelta(hours=rng.randrange(1, 200))
        row.response = "تمت الإجابة على الاستفسار وإبلاغ المرسل."
        row.response_channel_id = contact.channel_id
        if kind == Case.Kind.COMPLAINT:
            row.outcome = rng.choice([Case.Outcome.UPHELD, Case.Outcome.PARTLY_UPHELD, Case.Outcome.REJECTED])
    if row.status == Case.Status.CLOSED:
        row.closed_at = row.answered_at + dt.timedelta(hours=rng.randrange(1, 72))
    if row.is_overdue(now):
        row.escalated_at = min(now, row.resolution_due)  # the escalation sweep already ran
    return row


def generate_cases(rng, total: int, now) -> None:
    ctx = {
        "targets": {kind: ResponseTarget.days_for(kind) for kind in CASE_KINDS.values()},
        "staff": _staff(Role.RELATIONS_OFFICER),
        "mobiles": dict(Beneficiary.objects.values_list("pk", "mobile")),
        "holidays": OfficialHoliday.dates_between(dt.date(2000, 1, 1), dt.date(2100, 1, 1)),
    }
    contacts = list(
        ContactEntry.objects.filter(purpose__in=list(CASE_KINDS), direction="in", case__isnull=True)
        .only("pk", "purpose", "created_at", "beneficiary_id", "contact_mobile", "channel_id")
        .order_by("pk")[: total * 2]
    )
    rng.shuffle(contacts)
    contacts = contacts[:total]
    first = Case.objects.count()
    progress = Progress("cases", len(contacts))
    for start in range(0, len(contacts), BATCH):
        rows = [_case(rng, c, first + start + i, now, ctx) for i, c in enumerate(contacts[start : start + BATCH])]
        with transaction.atomic():
            Case.objects.bulk_create(rows, batch_size=BATCH)
        progress.add(len(rows))


def generate_survey_responses(rng, total: int, now) -> None:
    version = SurveyVersion.objects.filter(status=SurveyVersion.Status.PUBLISHED).order_by("pk").first()
    if version is None:
        return
    questions = list(version.questions.filter(kind__in=list(Question.RANGES) + [Question.Kind.TEXT]))
    requests = list(SupportRequest.objects.filter(status__in=DECIDED).values_list("pk", "service_type_id")[:total])
    channels = list(Channel.objects.filter(is_active=True).values_list("pk", flat=True))
    progress = Progress("survey responses", len(requests))
    for start in range(0, len(requests), BATCH):
        chunk = requests[start : start + BATCH]
        responses = []
        for request_id, service_type_id in chunk:
            at = _moment(rng, now, days=365 * YEARS)
            responses.append(
                Response(
                    version=version,
                    trigger="in_person",
                    support_request_id=request_id,
                    service_type_id=service_type_id,
                    channel_id=rng.choice(channels),
                    language="ar",
                    submitted_on=at.astimezone(RIYADH).date(),
                    submitted_at=at,
                )
            )
        with transaction.atomic():
            Response.objects.bulk_create(responses, batch_size=BATCH)
            answers = [_answer(rng, response, question) for response in responses for question in questions]
            Answer.objects.bulk_create(answers, batch_size=BATCH)
            # Answers written past surveys.services: their responses' stored figures (the results page sums them).
            response_figures_refresh(Response.objects.filter(pk__in=[response.pk for response in responses]))
        progress.add(len(chunk))


def _answer(rng, response, question) -> Answer:
    if question.kind == Question.Kind.TEXT:
        return Answer(response=response, question=question, text=rng.choice(["", "", "شكراً لكم", "الخدمة ممتازة"]))
    low, high = Question.RANGES[question.kind]
    return Answer(response=response, question=question, number=min(high, max(low, round(rng.gauss(high * 0.8, 2)))))


# The consents people give at intake (DESIGN: data protection): everyone to the processing of their data, most
# to being contacted and to surveys, some to sharing with partner entities.
CONSENT_MIX = {
    Consent.Purpose.DATA_PROCESSING: 1.0,
    Consent.Purpose.CONTACT: 0.9,
    Consent.Purpose.SURVEYS: 0.75,
    Consent.Purpose.DATA_SHARING: 0.2,
}


def generate_consents(rng, now) -> None:
    """Consents for every generated person who has none yet (also tops up a data set generated before consents
    were checked)."""
    officers = _staff(Role.RELATIONS_OFFICER)
    people = Beneficiary.objects.filter(consents__isnull=True).order_by("pk")
    total = people.count()
    progress = Progress("consents", total)
    last = 0
    while True:
        batch = list(people.filter(pk__gt=last).values_list("pk", "created_at")[:BATCH])
        if not batch:
            break
        rows = [
            Consent(beneficiary_id=pk, purpose=purpose, given_at=created, recorded_by=rng.choice(officers))
            for pk, created in batch
            for purpose, share in CONSENT_MIX.items()
            if rng.random() < share
        ]
        Consent.objects.bulk_create(rows, batch_size=BATCH, ignore_conflicts=True)
        last = batch[-1][0]
        progress.add(len(batch))


def record_sweeps_done(now) -> None:
    """What the reminders sweep would already have sent: a notification row per due (request, chair/manager),
    with the sweep's own keys, so the measured run starts from nothing due."""
    chairs = _staff(Role.COMMITTEE_CHAIR)
    managers = _staff(Role.MANAGER)
    rows = []
    awaiting = SupportRequest.objects.filter(status=S.AWAITING_COMMITTEE, number__isnull=False)
    for request in awaiting.only("pk", "submitted_at", "decision_window_days", "committee_round").iterator():
        if decidable_from(request) <= now:
            for chair in chairs:
                key = f"decision_window_open:{request.pk}:r{request.committee_round}:{chair.pk}"
                rows.append(
                    RequestNotification(
                        key=key,
                        event="decision_window_open",
                        support_request=request,
                        user=chair,
                        context={},
                        created_at=now,
                    )
                )
    for pk in SupportRequest.objects.filter(overdue_filter(now)).values_list("pk", flat=True).iterator():
        for manager in managers:
            rows.append(
                RequestNotification(
                    key=f"request_overdue:{pk}:{manager.pk}",
                    event="request_overdue",
                    support_request_id=pk,
                    user=manager,
                    context={},
                    created_at=now,
                )
            )
    RequestNotification.objects.bulk_create(rows, batch_size=BATCH, ignore_conflicts=True)


def generated(beneficiaries: int) -> bool:
    """Does the database already hold the data set (generated once, measured as often as wanted)?"""
    return Beneficiary.objects.count() >= beneficiaries


def generate(beneficiaries: int, *, seed: int = 16, out=sys.stdout) -> dict:
    """Fill the database up to ``beneficiaries`` (nothing is generated when it already holds them)."""
    scale = scale_for(beneficiaries)
    existing = Beneficiary.objects.count()
    if generated(beneficiaries):
        out.write(f"bench: the database already holds {existing:,} beneficiaries; nothing generated\n")
        generate_consents(random.Random(seed), timezone.now())
        return scale
    rng = random.Random(seed)
    now = timezone.now()
    started = time.monotonic()
    generate_beneficiaries(rng, beneficiaries, now)
    generate_consents(rng, now)
    generate_requests(rng, scale["requests"], now)
    generate_contacts(rng, scale["contacts"], now)
    generate_cases(rng, scale["cases"], now)
    # The contacts were bulk-created around the services: the contact reports' days are counted from the log.
    contact_days.rebuild()
    generate_survey_responses(rng, scale["survey_responses"], now)
    record_sweeps_done(now)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")  # index-only scans need the visibility map, as autovacuum keeps it
    out.write(f"bench: generated in {time.monotonic() - started:.0f}s\n")
    return scale
