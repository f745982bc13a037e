"""The contacts per day (``ContactDay``) the contact reports add up: after every kind of write they equal the
figures counted from the contact log itself, the reports built from them equal the reports counted from the log,
and ``rebuild_contact_days`` recomputes them."""

import datetime as dt
import io
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command
from django.db.models import Count
from django.db.models.functions import TruncMonth
from django.utils import translation

from association.branches import Branch
from association.channels import Channel
from channels_log.cases import reports
from channels_log.cases import services as case_services
from channels_log.cases.subscribers import open_low_score_follow_up
from channels_log.contacts import daily
from channels_log.contacts.models import ContactDay, ContactEntry
from tests.channels_log.factories import make_case, make_contact
from tests.factories import BeneficiaryFactory

pytestmark = pytest.mark.django_db
RIYADH = ZoneInfo("Asia/Riyadh")


def _ordered(rows) -> list[tuple]:
    return sorted(rows, key=lambda r: (r[0], r[1], r[2], r[3] or 0))


def stored() -> list[tuple]:
    return _ordered(ContactDay.objects.values_list("day", "channel_id", "purpose", "branch_id", "count"))


def from_log() -> list[tuple]:
    return _ordered(daily.counted_from_log())


def assert_in_step():
    assert stored() == from_log()


def report_from_log(start: dt.date, end: dt.date) -> dict:
    """The contact figures of ``reports.build`` as it counted them before the days existed: straight from the log."""
    low, high = reports._bounds(start, end)
    contacts = ContactEntry.objects.filter(created_at__gte=low, created_at__lt=high)
    rows = contacts.annotate(month=TruncMonth("created_at")).values_list("month", "channel_id", "purpose")
    volume = [
        (month.date() if isinstance(month, dt.datetime) else month, channel_id, purpose, n)
        for month, channel_id, purpose, n in rows.annotate(n=Count("pk")).order_by("month", "channel_id", "purpose")
    ]
    branches = dict(contacts.values_list("branch_id").annotate(n=Count("pk")).order_by())
    return {"volume": volume, "branches": branches, "total": contacts.count()}


def report_from_days(start: dt.date, end: dt.date) -> dict:
    report = reports.build(start=start, end=end)
    names = {b.name: b.pk for b in Branch.objects.all()}
    with translation.override("en"):
        return {
            "volume": [
                (r["month"], r["channel"].pk, _purpose_value(r["purpose"]), r["count"]) for r in report["volume"]
            ],
            "branches": {names.get(str(r["branch"])): r["contacts"] for r in report["by_branch"] if r["contacts"]},
            "total": report["total"],
        }


def _purpose_value(label) -> str:
    return {str(text): value for value, text in ContactEntry.Purpose.choices}[str(label)]


@pytest.fixture
def kharj(db):
    return Branch.objects.create(name="مكتب الخرج", city="الخرج", phone="0115440000")


def test_every_kind_of_contact_write_keeps_the_days_in_step(officer, manager, kharj):
    inquiry = make_case(actor=officer)  # an incoming inquiry: a contact and its case
    assert_in_step()
    assert stored()[0][-1] == 1
    make_contact(purpose="note", actor=officer, branch=kharj)  # at a branch
    make_contact(purpose="note", actor=officer, branch=kharj)  # the same day, channel, purpose and branch: + 1
    assert_in_step()
    assert [row[-1] for row in stored() if row[3] == kharj.pk] == [2]
    make_contact(purpose="follow_up", actor=officer, direction="out", channel_code="letter")  # outgoing
    make_contact(purpose="note", actor=officer, corrects=inquiry.contact)  # a correction
    assert_in_step()
    case_services.case_answer(  # the answer is logged as an outgoing contact
        case=inquiry, response="تم الرد", channel=Channel.objects.get(code="phone"), actor=officer
    )
    assert_in_step()
    case_services.case_submit_public(  # the website's form
        kind="complaint", name="زائر", mobile="+966551112233", subject="شكوى", body="نص"
    )
    open_low_score_follow_up(response_id=991, beneficiary_id=BeneficiaryFactory().pk, summary="1/5")  # surveys
    open_low_score_follow_up(response_id=991, beneficiary_id=BeneficiaryFactory().pk, summary="1/5")  # again: none
    assert_in_step()
    # The case's own moves log no contact: the days do not change.
    complaint = make_case(kind="complaint", actor=officer)
    before = stored()
    case_services.case_start(case=complaint, actor=officer)
    case_services.case_close(case=inquiry, actor=manager, note="")
    assert stored() == before
    assert sum(row[-1] for row in stored()) == ContactEntry.objects.count() == 9


def test_a_contact_counts_on_its_day_in_riyadh(officer):
    # 00:30 in Riyadh on the first of November is still the 31st of October in UTC.
    with time_machine.travel(dt.datetime(2026, 11, 1, 0, 30, tzinfo=RIYADH), tick=False):
        make_contact(purpose="note", actor=officer)
    with time_machine.travel(dt.datetime(2026, 10, 31, 23, 30, tzinfo=RIYADH), tick=False):
        make_contact(purpose="note", actor=officer)
    assert [(row[0], row[-1]) for row in stored()] == [(dt.date(2026, 10, 31), 1), (dt.date(2026, 11, 1), 1)]
    assert_in_step()
    with time_machine.travel(dt.datetime(2026, 11, 20, 9, tzinfo=RIYADH), tick=False):
        october = reports.build(start=dt.date(2026, 10, 1), end=dt.date(2026, 10, 31))
        november = reports.build(start=dt.date(2026, 11, 1), end=dt.date(2026, 11, 30))
    assert october["total"] == november["total"] == 1
    assert dict(november["by_month"]) == {dt.date(2026, 11, 1): 1}


def test_the_report_from_the_days_equals_the_report_from_the_log(officer, kharj):
    moments = [dt.datetime(2026, m, d, h, tzinfo=RIYADH) for m, d, h in ((9, 30, 23), (10, 1, 0), (10, 15, 12))]
    moments += [dt.datetime(2026, 11, 30, 23, 59, tzinfo=RIYADH), dt.datetime(2026, 12, 1, 0, 1, tzinfo=RIYADH)]
    for i, moment in enumerate(moments):
        with time_machine.travel(moment, tick=False):
            make_case(kind=("inquiry", "complaint", "suggestion")[i % 3], actor=officer, channel_code="website")
            make_contact(purpose="thanks", actor=officer, branch=kharj if i % 2 else None)
    with time_machine.travel(dt.datetime(2026, 12, 2, 9, tzinfo=RIYADH), tick=False):
        for start, end in ((dt.date(2026, 10, 1), dt.date(2026, 11, 30)), (dt.date(2026, 1, 1), dt.date(2026, 12, 31))):
            assert report_from_days(start, end) == report_from_log(start, end)
        assert report_from_days(dt.date(2026, 10, 1), dt.date(2026, 11, 30))["total"] == 6


# Outside a test transaction, as an operator runs it: the command's own transaction holds the table lock.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_rebuild_recomputes_the_days_from_the_log(officer, kharj):
    make_case(actor=officer)
    make_contact(purpose="note", actor=officer, branch=kharj)
    # Written around the services (as a bulk load does): not counted until the rebuild.
    ContactEntry.objects.bulk_create(
        [ContactEntry(channel=Channel.objects.get(code="phone"), purpose="note", contact_name="س") for _ in range(3)]
    )
    ContactDay.objects.filter(branch=kharj).delete()
    ContactDay.objects.update(count=99)
    assert stored() != from_log()
    out = io.StringIO()
    call_command("rebuild_contact_days", stdout=out)
    assert_in_step()
    assert out.getvalue().startswith(f"{len(stored())} day rows")
    assert sum(row[-1] for row in stored()) == ContactEntry.objects.count() == 5


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.parametrize("at_a_branch", [False, True])
def test_two_first_contacts_of_a_day_logged_at_once_both_count(at_a_branch):
    """The day's row does not exist yet: both insert it, the second waits for the first, loses, and adds to the
    row the first wrote (the head office's rows too, whose branch is NULL)."""
    import time

    from django.db import transaction

    from association.channels import system_channel
    from channels_log.contacts.services import contact_record
    from tests.concurrency import run_at_once
    from tests.services import require_postgres

    require_postgres()
    branch = Branch.objects.create(name="مكتب الدرعية", city="الدرعية", phone="0114860000") if at_a_branch else None
    website = system_channel("website")

    def log(hold: float):
        def run():
            with transaction.atomic():
                entry = contact_record(actor=None, channel=website, purpose="note", contact_name="س", branch=branch)
                time.sleep(hold)  # the first keeps its transaction open while the second counts
                return entry.pk

        return run

    results = run_at_once([log(0.5), log(0.0)])
    assert not [r for r in results if isinstance(r, Exception)], results
    assert list(ContactDay.objects.values_list("branch_id", "count")) == [(branch.pk if branch else None, 2)]
    assert_in_step()
