"""In a real browser, under the production Content-Security-Policy (style-src 'self', script-src
'self'): every role's main pages — home, the lists, a detail page of each kind, the forms they link
to — and the public pages open without a single CSP violation, console error or script error; and
multi-line texts keep their line breaks."""

import re
from collections import deque
from urllib.parse import parse_qsl, urlsplit

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.management import call_command
from django.utils import timezone

from association.channels import Channel
from channels_log.cases import services as case_services
from surveys.models import Invitation
from tests.browser import chromium_page, csp_guard, login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

DEMO_PASSWORD = "demo12345"
ROLES = ["officer", "researcher", "member1", "chair", "manager", "admin"]
# Links a crawl must not follow: they change state, download files, or leave the page kind.
SKIP = re.compile(
    r"/accounts/logout|/i18n/|/(pdf|xlsx|file|qr\.svg|export|template|reveal|certificate)\b|\.(pdf|xlsx|csv|svg|png)$"
    r"|/admin/(logout|password_change|jsi18n)|/admin/r/|/delete/|/history/"
)
PAGES_PER_ROLE = 70
ADMIN_PAGES = 14
MULTILINE = "السطر الأول من الشكوى\nالسطر الثاني\nالسطر الثالث"


def _pattern(url: str) -> str:
    """One page of each kind: ids and opaque ids become placeholders, query values are dropped."""
    parts = urlsplit(url)
    path = re.sub(r"/[0-9a-f]{8}-[0-9a-f-]{27}/", "/<uuid>/", parts.path)
    path = re.sub(r"/\d+/", "/<n>/", path)
    keys = sorted({key for key, _ in parse_qsl(parts.query)} - {"page"})
    return path + ("?" + "&".join(keys) if keys else "")


def _links(page, origin: str) -> list[str]:
    hrefs = page.eval_on_selector_all(
        "header a[href], main a[href], #content a[href], #nav-sidebar a[href]",
        "links => links.map(a => a.href)",
    )
    found = []
    for href in hrefs:
        href = href.split("#")[0]
        if href.startswith(origin) and not SKIP.search(href):
            found.append(href)
    return found


def _crawl(page, guard, origin: str, start: str, *, who: str) -> list[str]:
    """Breadth-first over the links of the role's pages, one page of each kind. A link the role may
    not follow (403) is checked like any page but not followed further: who sees which link is the
    url_access tables' matter; here every page, refusals included, must keep to the CSP."""
    seen_patterns, visited = set(), []
    queue = deque([(start, "login")])
    admin_pages = 0
    while queue and len(visited) < PAGES_PER_ROLE:
        url, linked_from = queue.popleft()
        pattern = _pattern(url)
        if pattern in seen_patterns:
            continue
        is_admin = urlsplit(url).path.startswith("/admin/")
        if is_admin and admin_pages >= ADMIN_PAGES:
            continue
        seen_patterns.add(pattern)
        admin_pages += is_admin
        response = page.goto(url)
        assert response is not None and (response.status < 400 or response.status == 403), (
            f"{who}: {url} (linked from {linked_from}) answered {response and response.status}"
        )
        guard.check(f"{who}: {url}")
        visited.append(pattern)
        if response.status < 400:
            queue.extend((link, url) for link in _links(page, origin))
    return visited


@pytest.fixture
def demo(db):
    cache.clear()
    with open("/dev/null", "w") as quiet:
        call_command("seed_demo", stdout=quiet)
    officer = get_user_model().objects.get(username="officer")  # the demo's relations officer
    case = case_services.case_submit_public(
        kind="complaint", name="فاطمة علي", mobile="+966551234567", subject="شكوى من عدة أسطر", body=MULTILINE
    )
    case_services.case_answer(
        case=case,
        response="تمت مراجعة الشكوى.\nوسيتم التواصل معك.",
        channel=Channel.objects.get(code="phone"),
        actor=officer,
    )
    return case


def test_every_roles_main_pages_have_no_csp_violation(live_server, demo):
    origin = live_server.url
    invitation = Invitation.objects.filter(used_at__isnull=True, expires_at__gt=timezone.now()).first()
    public = ["/contact/", "/contact/status/", "/policy/", "/accounts/login/"]
    if invitation is not None:
        public.append(f"/s/{invitation.token}/")
    refused = r"status of 403"  # the browser logs a refused page load as a console error
    with (
        chromium_page(viewport={"width": 1280, "height": 900}) as page,
        csp_guard(page, allow_console=[refused]) as guard,
    ):
        for path in public:
            response = page.goto(origin + path)
            assert response.status == 200, path
            guard.check(path)
        assert invitation is not None, "the demo has an open survey invitation"
        visited = {}
        for username in ROLES:
            page.context.clear_cookies()
            login(page, origin, username, DEMO_PASSWORD)
            guard.check(f"{username}'s login")
            visited[username] = _crawl(page, guard, origin, origin + "/", who=username)
    # The crawl really reached the pages it is meant to check.
    officer = set(visited["officer"])
    for kind in (
        "/desk/",
        "/beneficiaries/",
        "/beneficiaries/<uuid>/",
        "/requests/",
        "/requests/<n>/",
        "/contacts/",
        "/contacts/<n>/",
        "/cases/",
        "/cases/<n>/",
    ):
        assert kind in officer, (kind, sorted(officer))
    assert "/committee/agenda/" in visited["chair"] or "/committee/agenda/" in visited["member1"]
    assert "/surveys/<n>/" in visited["manager"] or "/surveys/results/" in visited["manager"]
    assert any(p.startswith("/admin/") for p in visited["admin"])
    assert all(len(pages) >= 3 for pages in visited.values()), visited


def test_multi_line_texts_keep_their_line_breaks(live_server, demo):
    case = demo
    contact = case.contact
    origin = live_server.url
    with chromium_page(viewport={"width": 1280, "height": 900}) as page, csp_guard(page) as guard:
        login(page, origin, "officer", DEMO_PASSWORD)
        page.goto(f"{origin}/cases/{case.pk}/")
        assert page.eval_on_selector("#case-body", "e => getComputedStyle(e).whiteSpace") == "pre-line"
        assert page.inner_text("#case-body").split("\n") == MULTILINE.split("\n")
        assert page.inner_text("#case-response").split("\n") == ["تمت مراجعة الشكوى.", "وسيتم التواصل معك."]
        page.goto(f"{origin}/contacts/{contact.pk}/")
        assert "السطر الثاني\nالسطر الثالث" in page.inner_text("main")
        guard.check("staff pages")

        page.context.clear_cookies()
        page.goto(f"{origin}/contact/status/")
        page.fill("#id_reference", case.reference)
        page.fill("#id_mobile", "+966 55 123 4567")
        page.click("main form button[type=submit]")
        page.wait_for_selector("#case-status")
        answer = page.locator("#case-status dd.text-pre-line")
        assert answer.inner_text().split("\n") == ["تمت مراجعة الشكوى.", "وسيتم التواصل معك."]
        # The public pages keep their reading width (48rem), set by the stylesheet.
        assert page.eval_on_selector("main", "e => getComputedStyle(e).maxWidth") == "768px"
