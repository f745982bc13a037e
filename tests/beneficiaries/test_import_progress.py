"""A confirmed import runs in a worker: its progress and outcome on a page only the uploader sees, and the bulk
path (``importing.check_rows`` + one transaction) finds exactly what import-export's row machinery finds."""

import time

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from association.kernel.identifiers import normalize_national_id
from beneficiaries import importing, services, tasks
from beneficiaries.models import Beneficiary, BulkTransfer, Consent, ImportRun
from beneficiaries.resources import BeneficiaryResource
from beneficiaries.views import IMPORT_SESSION_KEY
from tests.concurrency import run_at_once
from tests.factories import BeneficiaryFactory
from tests.services import require_postgres

from .import_files import ImportFile, confirm, thousand_rows_with_fifty_bad, valid_row, worker_runs_tasks

# What a person's import leaves on their file, derived fields included.
FIELDS = [
    "national_id",
    "national_id_hash",
    "national_id_last4_hash",
    "id_type",
    "first_name",
    "father_name",
    "grandfather_name",
    "family_name",
    "name_normalized",
    "gender",
    "birth_date",
    "nationality",
    "marital_status",
    "mobile",
    "city",
    "district",
    "iban",
    "iban_hash",
    "bank_name",
    "health_notes",
    "disability_notes",
    "created_by_id",
    "branch_id",
]


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def big_file(db) -> ImportFile:
    data = thousand_rows_with_fifty_bad()
    for national_id in data.registered_ids:
        BeneficiaryFactory(national_id=national_id)
    return data


def previewed(client, content: bytes, name: str = "people.csv"):
    client.post(reverse("beneficiaries:import"), {"file": SimpleUploadedFile(name, content)})
    return client.get(reverse("beneficiaries:import_preview")).context["preview"]


def queued(client, expected_rows: int) -> ImportRun:
    """Confirm without a worker: the run waits in the broker's queue."""
    response = client.post(reverse("beneficiaries:import_confirm"), {"expected_rows": expected_rows})
    run = ImportRun.objects.latest("pk")
    assert response["Location"] == reverse("beneficiaries:import_run", args=[run.pk])
    return run


def people(queryset) -> list[tuple]:
    rows = queryset.order_by("national_id_hash").values_list(*FIELDS)
    return [tuple(str(v) for v in row) for row in rows]


def test_the_bulk_preview_reports_exactly_what_import_export_reports(big_file):
    """Every bad row, on the same line, with the same name and the same reasons per column; the same counts."""
    for file_format in ("csv", "xlsx"):
        content = big_file.content(file_format)
        fast = importing.import_preview(importing.read_dataset(content, file_format))
        result = BeneficiaryResource().import_data(
            importing.read_dataset(content, file_format), dry_run=True, use_transactions=True, raise_errors=False
        )
        slow = importing.row_problems(result)
        assert (fast.total, fast.valid, fast.invalid) == (1000, 950, 50)
        assert [(p.line, p.name, p.reasons) for p in fast.problems] == [(p.line, p.name, p.reasons) for p in slow]
        assert fast.valid == result.totals["new"]
        # Each kind of bad row is among them: wrong check digit, bad date, the same ID twice, registered already.
        reasons = {reason for p in fast.problems for _column, texts in p.reasons for reason in texts}
        assert gettext("A beneficiary with this ID number is already registered.") in reasons
        assert any("appears more than once" in r or "أكثر من مرة" in r for r in reasons)


def test_the_bulk_import_writes_the_same_people_and_consents_as_import_export(officer, big_file):
    content = big_file.content("csv")
    existing = set(Beneficiary.objects.values_list("pk", flat=True))

    # The admin's engine (import-export's rows), inside a transaction rolled back after reading what it wrote.
    with transaction.atomic():
        resource = BeneficiaryResource()
        result = resource.import_data(
            importing.read_dataset(content, "csv"),
            dry_run=False,
            use_transactions=True,
            raise_errors=False,
            user=officer,
            file_name="people.csv",
            file_format="csv",
        )
        assert not result.has_errors()
        slow_people = people(Beneficiary.objects.exclude(pk__in=existing))
        slow_consents = sorted(
            Consent.objects.filter(source_import=resource.transfer).values_list(
                "beneficiary__national_id_hash", "purpose", "recorded_by_id"
            )
        )
        slow_log = (resource.transfer.rows, resource.transfer.rejected_rows)
        transaction.set_rollback(True)
    assert Beneficiary.objects.count() == len(existing)

    transfer = services.beneficiary_import(actor=officer, content=content, file_name="people.csv", expected_rows=950)

    assert len(slow_people) == 950
    assert people(Beneficiary.objects.exclude(pk__in=existing)) == slow_people
    fast_consents = sorted(
        Consent.objects.filter(source_import=transfer).values_list(
            "beneficiary__national_id_hash", "purpose", "recorded_by_id"
        )
    )
    assert fast_consents == slow_consents
    assert (transfer.rows, transfer.rejected_rows) == slow_log == (950, 50)


def test_progress_is_reported_for_each_chunk_of_rows(db):
    rows = [valid_row(n) for n in range(2 * importing.CHUNK_ROWS + 7)]
    dataset = importing.read_dataset(ImportFile(rows=rows).csv(), "csv")
    calls = []
    checked = importing.check_rows(dataset, progress=lambda done, total: calls.append((done, total)))
    total = len(rows)
    assert calls == [(importing.CHUNK_ROWS, total), (2 * importing.CHUNK_ROWS, total), (total, total)]
    assert len(checked.people) == total and not checked.problems


@pytest.mark.django_db
def test_the_worker_records_the_run_and_its_outcome(client_for, officer):
    client = client_for(officer)
    previewed(client, ImportFile(rows=[valid_row(n) for n in range(12)]).csv())
    run = queued(client, 12)
    page = client.get(reverse("beneficiaries:import_run", args=[run.pk]))
    assert page.context["run"].status == ImportRun.Status.QUEUED
    assert gettext("The import is starting…") in page.content.decode()
    assert 'hx-trigger="every 1s"' in page.content.decode()  # the page asks again until the run ends
    assert not Beneficiary.objects.exists()

    tasks.import_beneficiaries.apply(args=[run.pk])

    run.refresh_from_db()
    assert (run.status, run.rows_checked, run.rows_total) == (ImportRun.Status.DONE, 12, 12)
    assert run.transfer == BulkTransfer.objects.get(kind=BulkTransfer.Kind.IMPORT)
    assert Beneficiary.objects.count() == 12 and Consent.objects.filter(source_import=run.transfer).count() == 12
    # htmx asks for the fragment: the result, and no more polling.
    fragment = client.get(reverse("beneficiaries:import_run", args=[run.pk]), headers={"HX-Request": "true"})
    html = fragment.content.decode()
    assert fragment.templates[0].name == "beneficiaries/_import_run.html"
    assert 'id="import-result"' in html and "12" in html and reverse("beneficiaries:list") in html
    assert "hx-trigger" not in html
    # A second delivery of the same task (the broker redelivers after a lost worker) imports nothing more.
    tasks.import_beneficiaries.apply(args=[run.pk])
    assert Beneficiary.objects.count() == 12 and BulkTransfer.objects.count() == 1


@pytest.mark.django_db
def test_a_run_in_progress_shows_rows_checked_of_the_total(client_for, officer):
    client = client_for(officer)
    previewed(client, ImportFile(rows=[valid_row(n) for n in range(3)]).csv())
    run = queued(client, 3)
    # What the worker has written after its third chunk of a 10,000-row file.
    ImportRun.objects.filter(pk=run.pk).update(status=ImportRun.Status.CHECKING, rows_checked=3000, rows_total=10000)
    html = client.get(reverse("beneficiaries:import_run", args=[run.pk]), headers={"HX-Request": "true"}).content
    html = html.decode()
    assert '<progress class="w-100" max="10000" value="3000"' in html
    assert gettext("Checking the rows: %(done)s of %(total)s") % {"done": 3000, "total": 10000} in html
    assert 'hx-trigger="every 1s"' in html
    ImportRun.objects.filter(pk=run.pk).update(status=ImportRun.Status.SAVING)
    html = client.get(reverse("beneficiaries:import_run", args=[run.pk]), headers={"HX-Request": "true"}).content
    assert 'id="import-step"' in html.decode() and 'hx-trigger="every 1s"' in html.decode()


@pytest.mark.django_db
def test_only_the_uploader_sees_the_run(client_for, officer, make_user, manager):
    client = client_for(officer)
    previewed(client, ImportFile(rows=[valid_row(n) for n in range(2)]).csv())
    run = queued(client, 2)
    url = reverse("beneficiaries:import_run", args=[run.pk])
    assert client.get(url).status_code == 200
    assert client_for(make_user("relations_officer")).get(url).status_code == 404  # another importer
    assert client_for(manager).get(url).status_code == 404
    assert client_for(make_user("social_researcher")).get(url).status_code == 403  # may not import at all
    assert Client().get(url).status_code == 302  # to the login page


@pytest.mark.django_db
def test_a_second_click_follows_the_same_run(client_for, officer):
    client = client_for(officer)
    previewed(client, ImportFile(rows=[valid_row(n) for n in range(2)]).csv())
    first = queued(client, 2)
    assert queued(client, 2) == first
    assert ImportRun.objects.count() == 1


def test_a_failed_run_says_why_and_keeps_the_file(client_for, officer, big_file):
    client = client_for(officer)
    assert previewed(client, big_file.content("csv")).valid == 950
    # An ID of the file is registered after the preview: the worker's re-check refuses the whole file.
    BeneficiaryFactory(national_id=normalize_national_id(big_file.rows[0]["national_id"]))
    before = Beneficiary.objects.count()

    page = confirm(client, 950)

    run = page.context["run"]
    assert run.status == ImportRun.Status.FAILED and run.rows_checked == run.rows_total == 1000
    html = page.content.decode()
    assert 'id="import-error"' in html and "949" in html and "hx-trigger" not in html
    assert Beneficiary.objects.count() == before and not BulkTransfer.objects.exists()
    assert IMPORT_SESSION_KEY in client.session and page.context["can_retry"]


def test_an_id_registered_during_the_save_fails_the_whole_import(officer, db):
    """The re-check runs outside the write transaction; the unique index on the keyed hash guards the gap."""
    rows = [valid_row(n) for n in range(30)]
    content = ImportFile(rows=rows).csv()
    late_id = importing.check_rows(importing.read_dataset(content, "csv")).people[20].national_id

    def someone_registers_row_20():  # between the re-check and the insert
        BeneficiaryFactory(national_id=late_id)

    with pytest.raises(ValidationError) as caught:
        services.beneficiary_import(
            actor=officer, content=content, file_name="late.csv", expected_rows=30, saving=someone_registers_row_20
        )
    assert caught.value.code == "duplicate"
    assert Beneficiary.objects.count() == 1 and not Consent.objects.exists() and not BulkTransfer.objects.exists()


def test_confirm_with_an_expired_file_returns_to_the_upload(client_for, officer, db, settings):
    client = client_for(officer)
    previewed(client, ImportFile(rows=[valid_row(n) for n in range(2)]).csv())
    for path in (settings.MEDIA_ROOT / "private" / "imports").iterdir():
        path.unlink()
    with worker_runs_tasks():
        response = client.post(reverse("beneficiaries:import_confirm"), {"expected_rows": 2}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("beneficiaries:import")
    assert gettext("The uploaded file has expired; upload it again.") in [str(m) for m in response.context["messages"]]
    assert not ImportRun.objects.exists()


@pytest.mark.django_db
def test_a_run_whose_worker_is_gone_stops_waiting(client_for, officer):
    client = client_for(officer)
    previewed(client, ImportFile(rows=[valid_row(n) for n in range(2)]).csv())
    run = queued(client, 2)
    url = reverse("beneficiaries:import_run", args=[run.pk])
    assert 'hx-trigger="every 1s"' in client.get(url).content.decode()
    # No worker has touched it for longer than a run can take.
    ImportRun.objects.filter(pk=run.pk).update(updated_at=timezone.now() - ImportRun.STALLED_AFTER * 2)
    html = client.get(url).content.decode()
    assert "hx-trigger" not in html and 'id="import-error"' in html
    assert not Beneficiary.objects.exists()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_uploaders_page_follows_a_worker_row_by_row(client_for, officer):
    """A worker imports 4,000 rows on its own connection while the uploader's page polls, as htmx does: the
    page shows the rows checked growing, then the result — never a frozen page until the end."""
    require_postgres()
    client = client_for(officer)
    rows = 4 * importing.CHUNK_ROWS
    previewed(client, ImportFile(rows=[valid_row(n) for n in range(rows)]).csv())
    run = queued(client, rows)
    url = reverse("beneficiaries:import_run", args=[run.pk])

    def watch():
        seen, deadline = [], time.monotonic() + 120
        while time.monotonic() < deadline:
            shown = client.get(url, headers={"HX-Request": "true"}).context["run"]
            seen.append((shown.status, shown.rows_checked))
            if shown.finished:
                return seen
            time.sleep(0.02)
        return seen

    worker, seen = run_at_once([lambda: tasks.import_beneficiaries.apply(args=[run.pk]), watch])

    assert worker.successful()
    assert seen[-1] == (ImportRun.Status.DONE, rows)
    checked = [done for status, done in seen if status == ImportRun.Status.CHECKING]
    assert checked == sorted(checked)  # it only grows
    # Something between "starting" and "done" was on the page: rows checked part-way, or the save under way.
    assert any(0 < done < rows for done in checked) or (ImportRun.Status.SAVING, rows) in seen
    assert Beneficiary.objects.count() == rows


@pytest.mark.django_db
def test_the_outcome_is_worded_in_the_uploaders_language(client_for, officer):
    from django.utils import translation

    client = client_for(officer)
    client.cookies["django_language"] = "en"
    previewed(client, ImportFile(rows=[valid_row(n) for n in range(2)]).csv())
    run = queued(client, 3)  # the preview found 2: the worker refuses the file
    assert run.language == "en"
    tasks.import_beneficiaries.apply(args=[run.pk])
    run.refresh_from_db()
    with translation.override("en"):
        assert run.error == str(services._import_changed(2, 3).messages[0])
    assert run.status == ImportRun.Status.FAILED
