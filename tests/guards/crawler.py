"""The guards' browser: a Django test client that never lets a 500 escape unnoticed.

``fetch`` sends one request inside a savepoint that is always rolled back, so a request that breaks the
transaction (PostgreSQL refuses every later query after an error) or changes data cannot disturb the
next one. ``crawl`` follows same-site links breadth-first as one actor (GET only, bounded by URL
shape) and collects every form and query parameter it saw for the bad-input sweep.
"""

import itertools
import re
import time
import traceback
from collections import Counter, deque
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qsl, quote, urlencode, urljoin, urlsplit, urlunsplit

import lxml.html
from django.core.signals import request_finished
from django.db import close_old_connections, transaction
from django.test import Client

REPO = Path(__file__).resolve().parents[2]

UUID_RE = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", re.I)
WORD_RE = re.compile(r"[a-z][a-z0-9_.-]*", re.I)
# Never followed: they end the session, switch the language for the rest of the crawl, or are files.
SKIPPED_PREFIXES = ("/accounts/logout/", "/admin/logout/", "/i18n/", "/static/", "/media/")
MAX_DOWNLOAD_BYTES = 2_000_000
FORMSET_ROW_RE = re.compile(r"-[0-9]+-")

_addresses = itertools.count(1)


def next_address() -> str:
    """A fresh client address per request: the public throttles and the login lockout count per address,
    and the guards must reach the code behind them every time."""
    n = next(_addresses)
    return f"10.{(n >> 16) & 255}.{(n >> 8) & 255}.{n & 255}"


def guard_client() -> Client:
    return Client(raise_request_exception=False)


# --- URLs and their shapes ------------------------------------------------------------------------------


def segment_kind(segment: str) -> str | None:
    """``int``, ``uuid`` or ``token`` for a segment that names one object; None for a word of the route."""
    if segment.isdigit():
        return "int"
    if UUID_RE.fullmatch(segment):
        return "uuid"
    if len(segment) >= 16 and not WORD_RE.fullmatch(segment):
        return "token"
    if len(segment) >= 20 and any(c.isdigit() for c in segment):
        return "token"
    return None


def url_shape(url: str) -> tuple[str, tuple[str, ...]]:
    """URLs that differ only in ids, tokens and query values share a shape."""
    parts = urlsplit(url)
    segments = [f"{{{kind}}}" if (kind := segment_kind(s)) else s for s in parts.path.split("/")]
    keys = tuple(sorted({key for key, _value in parse_qsl(parts.query, keep_blank_values=True)}))
    return "/".join(segments), keys


def shape_label(shape: tuple[str, tuple[str, ...]]) -> str:
    path, keys = shape
    return path + ("?" + "&".join(f"{k}=*" for k in keys) if keys else "")


def same_site(base: str, href: str) -> str | None:
    """The absolute path (with query) of a same-site link, or None."""
    href = (href or "").strip()
    if not href or href.startswith(("#", "mailto:", "tel:", "javascript:", "data:", "sms:")):
        return None
    joined = urljoin("http://testserver" + base, href)
    parts = urlsplit(joined)
    if parts.scheme not in ("http", "https") or parts.netloc != "testserver":
        return None
    return urlunsplit(("", "", parts.path or "/", parts.query, ""))


def with_query(url: str, params: list[tuple[str, str]]) -> str:
    parts = urlsplit(url)
    return urlunsplit(("", "", parts.path, urlencode(params, doseq=True), ""))


def replace_segment(url: str, index: int, value: str) -> str:
    parts = urlsplit(url)
    segments = parts.path.split("/")
    segments[index] = quote(value, safe="")
    return urlunsplit(("", "", "/".join(segments), parts.query, ""))


# --- Requests -------------------------------------------------------------------------------------------


@dataclass
class Failure:
    actor: str
    method: str
    url: str
    status: int
    summary: str
    what: str = ""  # the field or parameter and the payload, for the bad-input sweep

    def line(self) -> str:
        url = self.url if len(self.url) <= 160 else self.url[:150] + f"…({len(self.url)} chars)"
        what = f" [{self.what}]" if self.what else ""
        return f"{self.status} {self.method} {url} as {self.actor}{what}: {self.summary}"


def exception_summary(response) -> str:
    """The exception and the deepest frame of our own code that it went through."""
    exc_info = getattr(response, "exc_info", None)
    if not exc_info:
        return f"HTTP {response.status_code} without an exception"
    exc_type, exc, tb = exc_info
    frames = traceback.extract_tb(tb)
    ours = [f for f in frames if f.filename.startswith(str(REPO)) and "/.venv/" not in f.filename]
    frame = (ours or frames)[-1]
    where = f"{Path(frame.filename).relative_to(REPO) if frame.filename.startswith(str(REPO)) else frame.filename}"
    message = " ".join(str(exc).split())[:200]
    return f"{exc_type.__name__}: {message} (at {where}:{frame.lineno} in {frame.name})"


def fetch(client: Client, method: str, url: str, data=None, **extra):
    """One request in a savepoint that is always rolled back; streamed bodies are read up to a limit."""
    extra.setdefault("REMOTE_ADDR", next_address())
    with transaction.atomic():
        if method == "GET":
            response = client.get(url, data, **extra)
        else:
            response = client.post(url, data if data is not None else {}, **extra)
        if response.streaming:
            read = 0
            try:
                for chunk in response.streaming_content:
                    read += len(chunk)
                    if read > MAX_DOWNLOAD_BYTES:
                        break
            except Exception as exc:  # a download that breaks half-way is a server error too
                response.status_code = 500
                response.exc_info = (type(exc), exc, exc.__traceback__)
            finally:
                # As the test client does: closing fires request_finished, whose handler would close the
                # database connection in the middle of the test's transaction.
                request_finished.disconnect(close_old_connections)
                try:
                    response.close()
                finally:
                    request_finished.connect(close_old_connections)
        transaction.set_rollback(True)
    return response


def is_html(response) -> bool:
    return not response.streaming and response.get("Content-Type", "").startswith("text/html")


# --- Forms ----------------------------------------------------------------------------------------------


@dataclass
class FormField:
    name: str
    kind: str  # text, hidden, password, textarea, select, checkbox, radio, file, ...
    value: str = ""
    checked: bool = False
    options: list[str] = field(default_factory=list)
    selected: list[str] = field(default_factory=list)
    multiple: bool = False
    required: bool = False
    inputmode: str = ""
    trap: bool = False  # kept out of people's way (tabindex=-1): a honeypot, never filled in


@dataclass
class Form:
    actor: str
    page: str
    action: str
    method: str
    fields: list[FormField]
    button: tuple[str, str] | None

    @property
    def key(self) -> tuple:
        """Forms that post to the same place with the same fields (a formset's rows counted once) are one."""
        names = {FORMSET_ROW_RE.sub("-N-", f.name) for f in self.fields}
        return (url_shape(self.action)[0], self.method, tuple(sorted(names)))

    def names(self) -> list[str]:
        seen = []
        for f in self.fields:
            if f.name not in seen:
                seen.append(f.name)
        return seen

    def baseline(self) -> dict[str, list]:
        """What a browser sends for the form as the page filled it, with a choice made where the page left
        one open (a radio group with nothing checked, a select on its empty option), so that the rest
        of the form can be valid."""
        data: dict[str, list] = {}
        radios_checked = {f.name for f in self.fields if f.kind == "radio" and f.checked}
        for f in self.fields:
            if f.kind == "file":
                continue
            if f.kind == "checkbox":
                if f.checked:
                    data.setdefault(f.name, []).append(f.value or "on")
            elif f.kind == "radio":
                if f.checked or (f.name not in radios_checked and f.name not in data):
                    data[f.name] = [f.value or "on"]
            elif f.kind == "select":
                chosen = [v for v in f.selected if v]
                if not chosen and not f.multiple:
                    # A person picks one; the empty "---------" choice would hide the rest of the form.
                    chosen = [next((v for v in f.options if v), "")]
                data.setdefault(f.name, []).extend(chosen)
            else:
                data.setdefault(f.name, []).append(f.value)
        if self.button:
            data.setdefault(self.button[0], []).append(self.button[1])
        return data


def _parse_form(actor: str, page: str, element) -> Form:
    method = (element.get("method") or "get").lower()
    action = same_site(page, element.get("action") or page) or page
    fields = []
    button = None
    for el in element.iter("input", "select", "textarea", "button"):
        name = el.get("name")
        if not name or el.get("disabled") is not None or any(True for _t in el.iterancestors("template")):
            continue  # a <template>'s inputs (a formset's empty row) are never sent
        tag = el.tag
        common = {"required": el.get("required") is not None, "trap": el.get("tabindex") == "-1"}
        if tag == "select":
            options = [
                (o.get("value") if o.get("value") is not None else (o.text or "").strip(), o)
                for o in el.iter("option")
                if o.get("disabled") is None
            ]
            fields.append(
                FormField(
                    name=name,
                    kind="select",
                    options=[v for v, _o in options],
                    selected=[v for v, o in options if o.get("selected") is not None],
                    multiple=el.get("multiple") is not None,
                    **common,
                )
            )
        elif tag == "textarea":
            fields.append(FormField(name=name, kind="textarea", value=el.text or "", **common))
        elif tag == "button" or (el.get("type") or "").lower() in ("submit", "image", "button", "reset"):
            kind = (el.get("type") or "submit").lower()
            if kind == "submit" and button is None:
                button = (name, el.get("value") or "")
        else:
            kind = (el.get("type") or "text").lower()
            fields.append(
                FormField(
                    name=name,
                    kind=kind,
                    value=el.get("value") or "",
                    checked=el.get("checked") is not None,
                    inputmode=el.get("inputmode") or "",
                    **common,
                )
            )
    return Form(actor=actor, page=page, action=action, method=method, fields=fields, button=button)


def parse_page(actor: str, url: str, content: bytes) -> tuple[list[str], list[Form]]:
    """Same-site links (anchors, htmx GETs, images and frames) and the forms of one HTML page."""
    text = content.decode("utf-8", "replace").strip()
    if not text:
        return [], []
    try:
        doc = lxml.html.fromstring(text)
    except Exception:  # not HTML after all (an empty fragment, say)
        return [], []
    links = []
    for el in doc.iter("a", "img", "iframe", "link"):
        href = el.get("href") if el.tag in ("a", "link") else el.get("src")
        if el.tag == "link" and (el.get("rel") or "") not in ("alternate", "next", "prev"):
            continue
        if href and (target := same_site(url, href)):
            links.append(target)
    for el in doc.xpath("//*[@hx-get]"):
        if target := same_site(url, el.get("hx-get")):
            links.append(target)
    forms = [_parse_form(actor, url, form) for form in doc.iter("form")]
    for form in forms:
        if form.method == "get":
            # A search or filter form sent as the page filled it is one more link.
            params = [(k, v) for k, values in form.baseline().items() for v in values]
            links.append(with_query(form.action, params))
    return links, forms


# --- Crawl ----------------------------------------------------------------------------------------------


@dataclass
class Page:
    url: str
    status: int
    html: bool


@dataclass
class CrawlResult:
    actor: str
    pages: list[Page] = field(default_factory=list)
    forms: list[Form] = field(default_factory=list)
    failures: list[Failure] = field(default_factory=list)
    shapes: Counter = field(default_factory=Counter)
    seconds: float = 0.0

    @property
    def urls(self) -> list[str]:
        return [p.url for p in self.pages]


def crawl(
    client: Client,
    actor: str,
    starts: list[str],
    *,
    admin: bool = False,
    max_shapes: int = 300,
    max_admin_shapes: int = 100,
    per_shape: int = 2,
    max_requests: int = 900,
) -> CrawlResult:
    """Breadth-first over same-site links from ``starts``: at most ``per_shape`` URLs of each shape and
    ``max_shapes`` shapes (``max_admin_shapes`` under /admin/, visited only when ``admin``)."""
    started = time.monotonic()
    result = CrawlResult(actor=actor)
    queue = deque(starts)
    seen: set[str] = set()
    shapes_site: set = set()
    shapes_admin: set = set()
    seen_forms: set = set()
    must = set(starts)  # the start pages are visited whatever the bounds
    while queue and len(result.pages) < max_requests:
        url = queue.popleft()
        if url in seen:
            continue
        seen.add(url)
        path = urlsplit(url).path
        if path.startswith(SKIPPED_PREFIXES):
            continue
        in_admin = path.startswith("/admin/")
        if in_admin and not admin:
            continue
        shape = url_shape(url)
        bucket, limit = (shapes_admin, max_admin_shapes) if in_admin else (shapes_site, max_shapes)
        if url not in must and ((shape not in bucket and len(bucket) >= limit) or result.shapes[shape] >= per_shape):
            continue
        bucket.add(shape)
        result.shapes[shape] += 1
        response = fetch(client, "GET", url)
        html = is_html(response)
        result.pages.append(Page(url=url, status=response.status_code, html=html))
        if response.status_code >= 500:
            result.failures.append(Failure(actor, "GET", url, response.status_code, exception_summary(response)))
            continue
        if 300 <= response.status_code < 400 and (target := same_site(url, response.get("Location", ""))):
            queue.append(target)
        if html and response.status_code < 400:
            links, forms = parse_page(actor, url, response.content)
            queue.extend(link for link in links if link not in seen)
            for form in forms:
                if form.key not in seen_forms:
                    seen_forms.add(form.key)
                    result.forms.append(form)
    result.seconds = time.monotonic() - started
    return result
