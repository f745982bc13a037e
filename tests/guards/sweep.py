"""The bad-input sweep: junk in every field of every form the crawl found, in every query parameter its
links carried, and in the path segments that name objects. Any answer >= 500 is a failure.

Each form, parameter and path is swept once, by the first actor (in ``ACTORS`` order) whose crawl saw
it. For a POST form:

1. each payload goes into every field the person types or picks in, all at once (in batches that stay
   under Django's upload limit): a field's own cleaning runs whatever the other fields hold, so one
   request per payload reaches every field's validation;
2. each payload goes into each hidden field, check box and the submit button alone (a view may branch
   on them before validating anything, and a junk choice in the batch may stop it before it reads them);
3. when the form, filled in plausibly, is accepted (it redirects), the payloads a field's validation
   may let through (numbers that fit the input but no column, text too long for a column or blank to
   the eye) go into each field alone with the others valid, so the junk reaches the service behind the
   form (not for Django admin's own forms: the batches reach the models' rules there);
4. each file input gets junk files.

A formset's first row stands for its other rows in steps 2 and 3. Query parameters of downloads
(spreadsheets, PDFs: a second or more each) get the payloads that differ in kind, not every one.

GET forms need no sweep of their own: the crawler followed each as a link, and its parameters are swept
one by one like every other query parameter.
"""

import copy
import os
import re
import time
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, urlsplit

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from .crawler import (
    Failure,
    Form,
    exception_summary,
    fetch,
    replace_segment,
    segment_kind,
    shape_label,
    url_shape,
    with_query,
)

_LONG = ("نص عربي طويل 😀\u200b مع أرقام ١٢٣ " * 4000)[:100_000]
# Sent to every field and query parameter.
PAYLOADS = {
    "nul": "ab\x00cd",
    "100k": _LONG,
    "10**30": str(10**30),
    "9x19": "9" * 19,  # just past the 64-bit range, and short enough for a 20-character field
    "9x400": "9" * 400,
    "-1e309": "-1e309",
    "arabic-10**30": "١" + "٠" * 30,
    "zero-width+emoji": "\u200b\u200c\u200d\u2060\ufeff😀👨\u200d👩\u200d👧🇸🇦",
}
# The payloads a field's validation may let through, sent one field at a time behind a valid form: numbers
# that fit the input but not a column, text that fits no column or is blank to the eye.
DEEP_NUMBER = ["9x19", "arabic-10**30", "-1e309"]
DEEP_CHOICE = ["9x19"]
DEEP_TEXT = ["100k", "zero-width+emoji"]
# A download (a spreadsheet, a PDF) costs a second or more: its parameters get the payloads that differ.
DOWNLOAD_PAYLOADS = ["nul", "9x19", "arabic-10**30", "zero-width+emoji"]
# Put in place of a path segment that names an object (and of every segment of the public routes).
PATH_PAYLOADS = {
    "nul": "\x00",
    "nul-inside": "ab\x00cd",
    "9x400": "9" * 400,
    "arabic-10**30": "١" + "٠" * 30,
    "zero-width+emoji": "\u200b\u200d😀🇸🇦",
    "2000": "x" * 2000,
}
# Pages of the public side whose every path segment is swept, not only the ids.
PUBLIC_PREFIXES = ("/s/", "/contact/", "/policy/")
# Not swept: they switch the language or end the session of the sweeping client.
SKIPPED_ACTIONS = ("/i18n/", "/accounts/logout/", "/admin/logout/")
MAX_ADMIN_FORMS = 10
CHOSEN_KINDS = {"select", "radio", "checkbox"}
NOT_SWEPT = {"csrfmiddlewaretoken"}
BATCH_BYTES = 1_500_000
ROW_RE = re.compile(r"-[1-9][0-9]*-")  # under DATA_UPLOAD_MAX_MEMORY_SIZE (2.5 MB)


def junk_files():
    return [
        ("junk.pdf", os.urandom(4096), "application/pdf"),
        ("empty.xlsx", b"", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    ]


@dataclass
class Plan:
    forms: list[Form] = field(default_factory=list)
    queries: list[tuple[str, str, bool]] = field(default_factory=list)  # (url, parameter, is a download)
    paths: list[tuple[str, int]] = field(default_factory=list)  # (url, segment index)


@dataclass
class SweepResult:
    actor: str
    forms: int = 0
    fields: int = 0
    requests: int = 0
    failures: list[Failure] = field(default_factory=list)
    seconds: float = 0.0
    cost: dict = field(default_factory=dict)  # method and URL shape -> [requests, seconds]


def _is_list_page(url: str) -> bool:
    """A page of the site (not admin) whose path names no object: a list, a dashboard, a search."""
    path = urlsplit(url).path
    return not path.startswith("/admin/") and not any(segment_kind(s) for s in path.split("/") if s)


def plan(crawls: dict) -> dict[str, Plan]:
    """Who sweeps what: each POST form, (page shape, parameter) and (path shape, segment) goes to the first
    actor whose crawl reached it. Admin's query parameters are Django's own code for every model, so each
    parameter name is swept on one changelist."""
    plans = {actor: Plan() for actor in crawls}
    forms_seen, queries_seen, paths_seen = set(), set(), set()
    admin_forms = 0
    for actor, result in crawls.items():
        for form in result.forms:
            if form.method != "post" or form.action.startswith(SKIPPED_ACTIONS) or form.key in forms_seen:
                continue
            if form.action.startswith("/admin/"):
                if admin_forms >= MAX_ADMIN_FORMS:
                    continue
                admin_forms += 1
            forms_seen.add(form.key)
            plans[actor].forms.append(form)
        for page in result.pages:
            if page.status >= 500:
                continue
            url = page.url
            shape = url_shape(url)
            params = [key for key, _value in parse_qsl(urlsplit(url).query, keep_blank_values=True)]
            if page.html and page.status == 200 and _is_list_page(url) and "page" not in params:
                params.append("page")  # every list is paginated, even when its rows fit on one page
            for param in dict.fromkeys(params):
                key = ("/admin/", param) if url.startswith("/admin/") else (shape[0], param)
                if key not in queries_seen:
                    queries_seen.add(key)
                    plans[actor].queries.append((url, param, not page.html))
            segments = urlsplit(url).path.split("/")
            public = url.startswith(PUBLIC_PREFIXES)
            for index, segment in enumerate(segments):
                if not segment or not (segment_kind(segment) or public):
                    continue
                if (shape[0], index) not in paths_seen:
                    paths_seen.add((shape[0], index))
                    plans[actor].paths.append((url, index))
    return plans


def plausible(form: Form) -> dict[str, list]:
    """The form as a person would fill it: the page's values, and something sensible in each required field
    left empty (never in a field kept out of people's way, which is a trap for robots)."""
    from association.demo import demo_iban, demo_national_id

    data = form.baseline()
    for f in form.fields:
        if not f.required or f.trap or f.kind in CHOSEN_KINDS | {"file", "hidden"} or any(data.get(f.name, [])):
            continue
        name = f.name.lower()
        if "mobile" in name or "phone" in name or f.kind == "tel":
            value = "0551234567"
        elif "national_id" in name or name.endswith("id_number"):
            value = demo_national_id(987_654)
        elif "iban" in name:
            value = demo_iban("80", 987_654)
        elif f.kind == "email" or "email" in name:
            value = "guard@example.org"
        elif f.kind == "date" or "date" in name:
            value = timezone.localdate().isoformat()
        elif f.kind == "number" or f.inputmode in ("numeric", "decimal"):
            value = "1"
        elif f.kind == "password":
            value = "guard-Password-2026"
        else:
            value = "نص للاختبار"
        data[f.name] = [value]
    return data


def _first_rows_only(names: list[str]) -> list[str]:
    """A formset's rows are the same fields: the first row stands for the others."""
    return [name for name in names if not ROW_RE.search(name) or ROW_RE.sub("-0-", name) not in names]


def _deep_payloads(field) -> list[str]:
    if field.kind in CHOSEN_KINDS:
        return DEEP_CHOICE
    if field.kind in ("number", "date") or field.inputmode in ("numeric", "decimal", "tel"):
        return DEEP_NUMBER
    return DEEP_TEXT


def _batches(names: list[str], payload: str) -> list[list[str]]:
    size = max(1, BATCH_BYTES // max(1, len(payload.encode("utf-8"))))
    return [names[i : i + size] for i in range(0, len(names), size)]


def _send(client, method: str, url: str, data=None):
    """One request; the client's cookies (session, language) are put back afterwards."""
    cookies = copy.deepcopy(client.cookies)
    try:
        return fetch(client, method, url, data)
    finally:
        client.cookies = cookies


def sweep(client, actor: str, work: Plan) -> SweepResult:
    started = time.monotonic()
    result = SweepResult(actor=actor)
    last = [started]

    def send(method, url, data, what):
        response = _send(client, method, url, data)
        result.requests += 1
        now = time.monotonic()
        cost = result.cost.setdefault(f"{method} {shape_label(url_shape(url))[:100]}", [0, 0.0])
        cost[0] += 1
        cost[1] = round(cost[1] + now - last[0], 2)
        if os.environ.get("GUARDS_TRACE"):  # a file to append every request and its time to, to see what costs
            with open(os.environ["GUARDS_TRACE"], "a") as trace:
                trace.write(f"{now - last[0]:.3f} {response.status_code} {method} {url[:100]} {what[:80]}\n")
        last[0] = now
        if response.status_code >= 500:
            result.failures.append(Failure(actor, method, url, response.status_code, exception_summary(response), what))
        return response

    for form in work.forms:
        result.forms += 1
        by_name = {}
        for f in form.fields:
            by_name.setdefault(f.name, f)
        kinds = {name: f.kind for name, f in by_name.items()}
        names = [name for name in kinds if name not in NOT_SWEPT]
        typed = [name for name in names if kinds[name] not in ("hidden", "file")]
        # Hidden fields and check boxes (often ids: rows to act on) alone too: a junk choice elsewhere in
        # the batch would stop the view before it reads them.
        control = _first_rows_only([name for name in names if kinds[name] in ("hidden", "checkbox")])
        control += [form.button[0]] if form.button else []
        files = [name for name in names if kinds[name] == "file"]
        result.fields += len(set(names) | set(control))

        valid = plausible(form)
        accepted = 300 <= send("POST", form.action, valid, "filled in plausibly").status_code < 400
        for label, payload in PAYLOADS.items():
            for group in _batches(typed, payload):
                data = {**valid, **{name: [payload] for name in group}}
                send(
                    "POST",
                    form.action,
                    data,
                    f"{'+'.join(group) if len(group) <= 3 else f'{len(group)} fields'}={label}",
                )
        for name in control:
            for label, payload in PAYLOADS.items():
                send("POST", form.action, {**valid, name: [payload]}, f"{name}={label}")
        # Django admin's forms are Django's; the rules behind them are the models', reached by the batches.
        if accepted and not form.action.startswith("/admin/"):
            for name in _first_rows_only(typed):
                for label in _deep_payloads(by_name[name]):
                    send("POST", form.action, {**valid, name: [PAYLOADS[label]]}, f"{name}={label}, the rest valid")
        for name in files:
            for filename, content, content_type in junk_files():
                upload = SimpleUploadedFile(filename, content, content_type=content_type)
                send("POST", form.action, {**valid, name: upload}, f"{name}={filename}")

    for url, param, download in work.queries:
        base = [(key, value) for key, value in parse_qsl(urlsplit(url).query, keep_blank_values=True) if key != param]
        for label in DOWNLOAD_PAYLOADS if download else PAYLOADS:
            target = with_query(url, [*base, (param, PAYLOADS[label])])
            send("GET", target, None, f"?{param}={label}")

    for url, index in work.paths:
        for label, payload in PATH_PAYLOADS.items():
            target = replace_segment(url, index, payload)
            send("GET", target, None, f"path segment {index}={label}")

    result.seconds = time.monotonic() - started
    return result
