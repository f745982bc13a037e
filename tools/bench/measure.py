"""Measure, interleaved round by round, each staff page (portal, the Django admin changelist on the same data,
and the page's own list query run directly), the desk search, the public survey submit, the PDFs, the import
of 10k rows and every periodic sweep. Times are server time through Django's test client (no network)."""

import csv
import io
import math
import random
import statistics
import sys
import time
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.test import Client
from django.urls import reverse

from association.kernel.roles import Role
from association.policy.models import PolicyVersion
from beneficiaries.models import Beneficiary, Consent
from channels_log.cases.models import Case
from channels_log.contacts.models import ContactEntry
from requests_app.models import CommitteeDecision, SupportRequest

from . import names

PER_PAGE = 25


@dataclass
class Probe:
    """One thing measured: a request made by ``client``, optionally the admin's and the raw SQL's equivalents."""

    name: str
    client: Client
    method: str
    url: str
    data: dict = field(default_factory=dict)
    admin_url: str = ""
    raw: bool = False
    # Built before each call (a fresh survey token...): returns (url, data).
    prepare: object = None
    # Extra request headers (an htmx request: ``HTTP_HX_REQUEST``).
    headers: dict = field(default_factory=dict)
    # The admin's equivalent is a POST of the same data, followed (its private search redirects to the list).
    admin_post: bool = False
    last_data: dict = field(default_factory=dict)
    times: list = field(default_factory=list)
    admin_times: list = field(default_factory=list)
    raw_times: list = field(default_factory=list)
    queries: int | None = None
    admin_queries: int | None = None
    # The page's list query alone, and every statement the page ran (session, user, permissions, counts...).
    sql: str = ""
    statements: list = field(default_factory=list)
    page_sql_times: list = field(default_factory=list)
    status: int = 0


def _ms(seconds: float) -> float:
    return round(seconds * 1000, 1)


def _pct(values, q):
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, math.ceil(q * len(ordered)) - 1)]


def _user(role=None):
    users = get_user_model().objects.filter(is_active=True)
    users = users.filter(is_superuser=True) if role is None else users.filter(groups__name=role, is_superuser=False)
    user = users.order_by("pk").first()
    if user is None:
        raise SystemExit(f"bench: no user for {role or 'superuser'}")
    return user


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _list_sql(statements) -> str:
    """The page's list query: the longest SELECT with a LIMIT (the rows the page shows; the session, user and
    permission reads are short)."""
    selects = [sql for sql in statements if sql.lstrip().upper().startswith("SELECT") and " LIMIT " in sql]
    return max(selects, key=len) if selects else ""


def _time_raw(*statements: str) -> float:
    """Run ``statements`` directly through the driver, rows fetched: the floor under the page's database work
    (in one transaction, where a ``SET LOCAL`` the page ran applies as it did there)."""
    with transaction.atomic(), connection.cursor() as cursor:
        started = time.perf_counter()
        for sql in statements:
            cursor.execute(sql)
            if cursor.description is not None:
                cursor.fetchall()
        return time.perf_counter() - started


def _call(probe: Probe, *, admin: bool = False):
    url, data, extra = probe.url, probe.data, probe.headers
    if probe.prepare is not None and not admin:
        url, data = probe.prepare()
        probe.last_data = data
    client, method = (ADMIN["client"], "get") if admin else (probe.client, probe.method)
    if admin:
        url, data, extra = probe.admin_url, {}, {}
        if probe.admin_post:
            method, data, extra = "post", probe.last_data, {"follow": True}
    recorder = QueryCounter(keep=probe.raw and not admin)
    with connection.execute_wrapper(recorder):
        started = time.perf_counter()
        response = getattr(client, method)(url, data, **extra)
        elapsed = time.perf_counter() - started
    expected = (200,) if probe.method == "get" or admin else (200, 302)
    if response.status_code not in expected:
        raise SystemExit(f"bench: {probe.name} {'admin ' if admin else ''}{url} answered {response.status_code}")
    if admin and probe.admin_queries is None:
        probe.admin_queries = recorder.count
    elif not admin and probe.queries is None:
        probe.queries = recorder.count
        if probe.raw:
            probe.sql = _list_sql(recorder.statements)
            # Only reads and the settings they were planned under (a list's ``SET LOCAL join_collapse_limit``):
            # a page's writes (a session saved, an access logged) are not re-run.
            probe.statements = [
                sql for sql in recorder.statements if sql.lstrip().upper().startswith(("SELECT", "SET"))
            ]
    return elapsed


ADMIN: dict = {}


class QueryCounter:
    """Counts every query (``CaptureQueriesContext`` keeps only the last 9,000), and with ``keep`` the
    statements as the database ran them (parameters bound), to run them again directly."""

    def __init__(self, keep: bool = False):
        self.count = 0
        self.keep = keep
        self.statements = []

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        result = execute(sql, params, many, context)
        if self.keep:
            self.statements.append(connection.ops.last_executed_query(context["cursor"], sql, params))
        return result


def _last_page(count: int, per_page: int = PER_PAGE) -> int:
    return max(1, math.ceil(count / per_page))


def _list_probes(clients) -> list[Probe]:
    """Each big list, whole and narrowed by its form to the rows the work looks for — the committee's backlog (all
    recent), open cases (few), one channel's contacts — first and last page, beside the admin with the same filter."""
    from association.channels import Channel

    officer, manager = clients["officer"], clients["manager"]
    channel = Channel.objects.order_by("pk").first()
    awaiting, open_case = SupportRequest.Status.AWAITING_COMMITTEE, Case.Status.OPEN
    beneficiaries, contacts = reverse("beneficiaries:list"), reverse("channels_log:list")
    cases, requests = reverse("channels_log:case_list"), reverse("requests_app:list")
    lists = [
        # name, client, url, its filter, the admin's list, the admin's filter, the rows shown
        ("beneficiaries list", officer, beneficiaries, {}, "beneficiaries/beneficiary", {}, Beneficiary.objects),
        ("contacts list", officer, contacts, {}, "channels_log/contactentry", {}, ContactEntry.objects),
        ("cases list", manager, cases, {}, "channels_log/case", {}, Case.objects),
        ("requests list", officer, requests, {}, "requests_app/supportrequest", {}, SupportRequest.objects),
        (
            "requests awaiting the committee",
            officer,
            requests,
            {"status": awaiting},
            "requests_app/supportrequest",
            {"status__exact": awaiting},
            SupportRequest.objects.filter(status=awaiting),
        ),
        (
            "open cases",
            manager,
            cases,
            {"status": open_case},
            "channels_log/case",
            {"status__exact": open_case},
            Case.objects.filter(status=open_case),
        ),
        (
            "contacts of one channel",
            officer,
            contacts,
            {"channel": channel.code},
            "channels_log/contactentry",
            {"channel__id__exact": channel.pk},
            ContactEntry.objects.filter(channel=channel),
        ),
    ]
    probes = []
    for name, client, url, query, admin_list, admin_query, rows in lists:
        count = rows.count()
        # The page's own «last page» link: a keyset list reads it from the end (?page=last), a numbered one
        # counts to it.
        keyset = b"after=" in client.get(url, query).content
        admin_first = f"/admin/{admin_list}/?{urlencode(admin_query)}"
        admin_last = _last_page(count, admin.site._registry[rows.model].list_per_page)
        last = {"page": "last" if keyset else _last_page(count)}
        probes.append(Probe(f"{name}, page 1", client, "get", url, dict(query), admin_url=admin_first, raw=True))
        probes.append(
            Probe(
                f"{name}, last page",
                client,
                "get",
                url,
                {**query, **last},
                admin_url=f"{admin_first}&p={admin_last}",
                raw=True,
            )
        )
    return probes


def _home_probes(clients) -> list[Probe]:
    home = reverse("home")
    urls = {"officer": reverse("beneficiaries:desk")}
    return [
        Probe(f"home: {role}", client, "get", urls.get(role, home))
        for role, client in clients.items()
        if role != "admin"
    ]


def _report_probes(clients) -> list[Probe]:
    manager = clients["manager"]
    return [
        Probe("survey results", manager, "get", reverse("surveys:results")),
        Probe("contact reports", manager, "get", reverse("channels_log:case_reports")),
        Probe("committee agenda", clients["chair"], "get", reverse("requests_app:agenda")),
    ]


def _search_probes(clients, rng) -> list[Probe]:
    officer = clients["officer"]
    people = list(Beneficiary.objects.order_by("?").values_list("national_id", "mobile", "family_name")[:200])
    desk = reverse("beneficiaries:desk")

    def by(kind):
        def prepare():
            national_id, mobile, family = rng.choice(people)
            query = {
                "id": national_id,
                "mobile": "0" + mobile[4:],
                # A first name in another spelling and a family name: «فاطمه العتيبي».
                "name": f"{rng.choice(names.FEMALE + names.MALE)} {family}",
            }[kind]
            return desk, {"q": query}

        return prepare

    # What the desk sends while the officer types (htmx: the results only), and the admin's own search (a POST
    # that keeps the term out of the URL, then its changelist).
    return [
        Probe(
            f"search: {kind}",
            officer,
            "post",
            desk,
            prepare=by(kind),
            raw=True,
            headers={"HTTP_HX_REQUEST": "true"},
            admin_url="/admin/beneficiaries/beneficiary/search/",
            admin_post=True,
        )
        for kind in ("id", "mobile", "name")
    ]


def _survey_probe(clients) -> Probe | None:
    from surveys.models import Question, Survey
    from surveys.services import invitation_in_person

    survey = Survey.objects.filter(versions__status="published").order_by("pk").first()
    if survey is None:
        return None
    officer_user = _user(Role.RELATIONS_OFFICER)
    public = Client()
    # Only people who consented to surveys are invited (the service refuses the others).
    beneficiaries = list(
        Beneficiary.objects.filter(
            consents__purpose=Consent.Purpose.SURVEYS, consents__withdrawn_at__isnull=True
        ).order_by("?")[:500]
    )

    def prepare():
        invitation = invitation_in_person(survey=survey, beneficiary=random.choice(beneficiaries), actor=officer_user)
        data = {}
        for question in invitation.version.questions.all():
            if question.kind in Question.RANGES:
                data[question.field_name] = Question.RANGES[question.kind][1]
            elif question.kind in Question.CHOICE_KINDS:
                data[question.field_name] = [question.choices.first().pk]
            else:
                data[question.field_name] = "شكراً"
        return reverse("surveys:answer", kwargs={"token": invitation.token}), data

    return Probe("survey submit (public)", public, "post", "", prepare=prepare)


def _pdf_probes(clients) -> list[Probe]:
    probes = []
    decision = CommitteeDecision.objects.order_by("-pk").first()
    if decision is not None:
        url = reverse("requests_app:pdf", kwargs={"pk": decision.support_request_id, "kind": "decision"})
        probes.append(Probe("decision letter PDF", clients["manager"], "get", url))
    policy = PolicyVersion.objects.filter(status="approved").order_by("-pk").first()
    if policy is not None:
        probes.append(
            Probe("policy PDF (public)", Client(), "get", reverse("policy:public_pdf", kwargs={"pk": policy.pk}))
        )
    return probes


def _interleave(probes, rounds: int, out) -> None:
    for probe in probes:  # warm-up (caches, fonts, first query plans); counts the queries
        _call(probe)
        if probe.admin_url:
            _call(probe, admin=True)
    for round_number in range(rounds):
        order = probes[:]
        random.shuffle(order)
        for probe in order:
            probe.times.append(_call(probe))
            if probe.admin_url:
                probe.admin_times.append(_call(probe, admin=True))
            if probe.sql:
                # Under the settings the page planned it with.
                settings = [sql for sql in probe.statements if sql.lstrip().upper().startswith("SET LOCAL")][:1]
                probe.raw_times.append(_time_raw(*settings, probe.sql))
                probe.page_sql_times.append(_time_raw(*probe.statements))
        out.write(f"\r  measuring round {round_number + 1}/{rounds}")
        out.flush()
    out.write("\n")


def _summary(probe: Probe) -> dict:
    row = {
        "p50_ms": _ms(statistics.median(probe.times)),
        "p95_ms": _ms(_pct(probe.times, 0.95)),
        "queries": probe.queries,
    }
    if probe.admin_times:
        row["admin_p50_ms"] = _ms(statistics.median(probe.admin_times))
        row["admin_queries"] = probe.admin_queries
        row["admin_ratio"] = round(row["admin_p50_ms"] / row["p50_ms"], 2)
    if probe.raw_times:
        row["raw_p50_ms"] = _ms(statistics.median(probe.raw_times))
        row["raw_ratio"] = round(row["p50_ms"] / max(row["raw_p50_ms"], 0.1), 2)
        row["page_sql_p50_ms"] = _ms(statistics.median(probe.page_sql_times))
        row["page_sql_ratio"] = round(row["p50_ms"] / max(row["page_sql_p50_ms"], 0.1), 2)
    return row


def _sweeps(out) -> dict:
    """Every periodic task of ``CELERY_BEAT_SCHEDULE`` run once in this process, as the worker would run it."""
    from django.conf import settings
    from django.utils.module_loading import import_string

    results = {}
    for name, entry in settings.CELERY_BEAT_SCHEDULE.items():
        task = import_string(entry["task"])
        counter = QueryCounter()
        with connection.execute_wrapper(counter):
            started = time.perf_counter()
            due = task()
            seconds = time.perf_counter() - started
        short = name.split(".", 1)[-1]
        results[short] = {"seconds": round(seconds, 3), "queries": counter.count, "due": due}
        out.write(f"  sweep {short}: {seconds:.3f}s, {counter.count} queries, due {due}\n")
    return results


def import_file(rows: int, rng) -> bytes:
    """A CSV of ``rows`` new people with the import's Arabic headers, a few rows broken on purpose."""
    from beneficiaries.resources import COLUMNS, column_label

    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([column_label(c) for c in COLUMNS])
    from beneficiaries.models import BulkTransfer

    # Each run imports new people: a range of IDs per earlier bench import.
    start = 80_000_000 + BulkTransfer.objects.filter(file_name="bench.csv").count() * rows
    for i in range(rows):
        person = names.person(rng)
        national_id = names.national_id(start + i, resident=False)
        if i % 500 == 499:
            national_id = national_id[:-1] + str((int(national_id[-1]) + 1) % 10)  # a wrong check digit
        writer.writerow(
            [
                national_id,
                person["first_name"],
                person["father_name"],
                person["grandfather_name"],
                person["family_name"],
                "ذكر" if person["gender"] == "male" else "أنثى",
                f"{rng.randrange(1950, 2004)}-0{rng.randrange(1, 10)}-1{rng.randrange(0, 9)}",
                "سعودي",
                rng.choice(["متزوج", "أعزب", "أرملة", "مطلقة"]),
                "0" + names.mobile(start + i)[4:],
                person["city"],
                person["district"],
                names.iban(rng) if i % 3 else "",
                "",
                "",
            ]
        )
    return buffer.getvalue().encode("utf-8")


def _import(rows: int, rng, out) -> dict:
    from beneficiaries import importing, services

    content = import_file(rows, rng)
    actor = _user(Role.RELATIONS_OFFICER)
    if not actor.has_perm("beneficiaries.import_beneficiary"):
        actor = _user(Role.MANAGER)
    started = time.perf_counter()
    preview = importing.import_preview(importing.read_dataset(content, "csv"))
    dry_run = time.perf_counter() - started
    counter = QueryCounter()
    with connection.execute_wrapper(counter):
        started = time.perf_counter()
        transfer = services.beneficiary_import(
            actor=actor, content=content, file_name="bench.csv", expected_rows=preview.valid
        )
        seconds = time.perf_counter() - started
    result = {
        "rows": rows,
        "valid": preview.valid,
        "imported": transfer.rows,
        "dry_run_seconds": round(dry_run, 2),
        "import_seconds": round(seconds, 2),
        "total_seconds": round(dry_run + seconds, 2),
        "queries": counter.count,
    }
    out.write(f"  import {rows:,} rows: dry run {dry_run:.2f}s + import {seconds:.2f}s ({counter.count} queries)\n")
    return result


def _table(results: dict, out) -> None:
    out.write(
        f"\n{'page / job':<44}{'p50':>9}{'p95':>9}{'queries':>8}{'admin p50':>11}{'×admin':>8}{'raw p50':>9}{'×raw':>7}"
        f"{'page SQL':>10}{'×SQL':>7}\n"
    )
    for section in ("pages", "search", "pdf"):
        for name, row in results[section].items():
            out.write(
                f"{name:<44}{row['p50_ms']:>9}{row['p95_ms']:>9}{row.get('queries') or '':>8}"
                f"{row.get('admin_p50_ms', ''):>11}{row.get('admin_ratio', ''):>8}"
                f"{row.get('raw_p50_ms', ''):>9}{row.get('raw_ratio', ''):>7}"
                f"{row.get('page_sql_p50_ms', ''):>10}{row.get('page_sql_ratio', ''):>7}\n"
            )
    for name, row in results["sweeps"].items():
        out.write(f"{'sweep ' + name:<44}{row['seconds'] * 1000:>9.1f}{'':>9}{row['queries']:>8}   due {row['due']}\n")
    if results.get("import"):
        row = results["import"]
        out.write(
            f"{'import ' + str(row['rows']) + ' rows':<44} dry run {row['dry_run_seconds']}s + import"
            f" {row['import_seconds']}s = {row['total_seconds']}s\n"
        )
    out.write(
        "(ms; ×admin = admin p50 / portal p50, higher is better; ×raw = portal p50 / its list query run directly;"
        " ×SQL = portal p50 / every read the page made, run directly)\n"
    )


def run(*, scale: dict, rounds: int, skip_import: bool = False, out=sys.stdout) -> dict:
    rng = random.Random(160)
    random.seed(161)
    clients = {
        "officer": _client(_user(Role.RELATIONS_OFFICER)),
        "researcher": _client(_user(Role.SOCIAL_RESEARCHER)),
        "chair": _client(_user(Role.COMMITTEE_CHAIR)),
        "manager": _client(_user(Role.MANAGER)),
        "admin": _client(_user(None)),
    }
    ADMIN["client"] = clients["admin"]
    actual = {
        "beneficiaries": Beneficiary.objects.count(),
        "requests": SupportRequest.objects.count(),
        "contacts": ContactEntry.objects.count(),
        "cases": Case.objects.count(),
    }
    pages = _list_probes(clients) + _home_probes(clients) + _report_probes(clients)
    search = _search_probes(clients, rng)
    survey = _survey_probe(clients)
    pdf = _pdf_probes(clients) + ([survey] if survey else [])
    _interleave(pages + search + pdf, rounds, out)
    results = {
        "scale": {
            "requested": scale,
            "rows": actual,
            "rounds": rounds,
            # What the pages ran on: the cache (Redis as deployed, or the process's memory) and the sessions.
            "cache": settings.CACHES["default"]["BACKEND"].rsplit(".", 1)[-1],
            "sessions": settings.SESSION_ENGINE.rsplit(".", 1)[-1],
        },
        "pages": {p.name: _summary(p) for p in pages},
        "search": {p.name.removeprefix("search: "): _summary(p) for p in search},
        "pdf": {p.name: _summary(p) for p in pdf},
        "sweeps": _sweeps(out),
        "import": None if skip_import else _import(10_000, rng, out),
    }
    _table(results, out)
    return results
