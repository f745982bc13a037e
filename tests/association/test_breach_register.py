"""The breach register: recorded by the managers, the 72-hour deadline shown, reminders sent once each."""

import datetime as dt

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from association.breaches import Breach, breach_reminders

pytestmark = pytest.mark.django_db


@pytest.fixture
def run_on_commit(monkeypatch):
    monkeypatch.setattr("django.db.transaction.on_commit", lambda func, **kw: func())


def _breach(hours_ago, **kwargs):
    return Breach.objects.create(
        title="إرسال كشف بأسماء المستفيدين إلى بريد خاطئ",
        description="أرسل موظف ملفًا إلى عنوان خاطئ",
        data_kinds="الأسماء والجوالات",
        discovered_at=timezone.now() - dt.timedelta(hours=hours_ago),
        **kwargs,
    )


def test_a_manager_records_a_breach_and_bad_dates_are_errors(client_for, manager):
    client = client_for(manager)
    url = reverse("breach_new")
    assert client.get(url).status_code == 200
    later = (timezone.localtime() + dt.timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    bad = client.post(url, {"title": "تسرب", "description": "-", "data_kinds": "الأسماء", "discovered_at": later})
    assert bad.status_code == 200 and bad.context["form"].errors["discovered_at"]
    assert not Breach.objects.exists()
    found = (timezone.localtime() - dt.timedelta(hours=3)).strftime("%Y-%m-%dT%H:%M")
    response = client.post(
        url,
        {
            "title": "تسرب",
            "description": "فقد جهاز محمول",
            "data_kinds": "الأسماء",
            "discovered_at": found,
            "affected_count": "٤٠",
        },
    )
    assert response.status_code == 302
    breach = Breach.objects.get()
    assert (breach.recorded_by, breach.affected_count) == (manager, 40)
    assert breach.authority_due == breach.discovered_at + dt.timedelta(hours=72)
    listing = client.get(reverse("breach_list"))
    assert listing.status_code == 200 and list(listing.context["page"].object_list) == [breach]


def test_reminders_go_once_each_at_their_time(make_user, run_on_commit):
    make_user("manager", email="manager@example.org")
    make_user("relations_officer", email="officer@example.org")
    fresh = _breach(10, affected_count=5)
    near = _breach(50, affected_count=5)
    told = _breach(80, affected_count=3, authority_notified_at=timezone.now() - dt.timedelta(hours=20))
    nobody = _breach(90, affected_count=0)
    assert breach_reminders() == {"authority": 2, "subjects": 1}  # near and nobody; told's people
    assert breach_reminders() == {"authority": 0, "subjects": 0}
    assert all(m.to == ["manager@example.org"] for m in mail.outbox) and len(mail.outbox) == 3
    for breach in (fresh, near, told, nobody):
        breach.refresh_from_db()
    assert fresh.authority_reminded_at is None and near.authority_reminded_at is not None
    assert told.subjects_reminded_at is not None and nobody.subjects_reminded_at is None
    assert told.authority_reminded_at is None


def test_others_cannot_see_the_register(client_for, officer):
    _breach(1)
    assert client_for(officer).get(reverse("breach_list")).status_code == 403


def test_the_list_costs_the_same_queries_whatever_its_rows(client_for, manager, make_user):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for(manager)
    url = reverse("breach_list")
    for _ in range(2):
        _breach(5, recorded_by=make_user("manager"))
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for _ in range(20):
        _breach(5, recorded_by=make_user("manager"))
    with CaptureQueriesContext(connection) as many:
        assert len(client.get(url).context["page"].object_list) == 22
    assert len(many) == len(few)
