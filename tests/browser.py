"""Playwright driving Debian's Chromium (its own browser download does not work here).

``csp_guard(page)`` fails a test on any Content-Security-Policy violation, console error or
uncaught script error the pages it opens produce::

    with chromium_page() as page, csp_guard(page) as guard:
        page.goto(url)
        guard.check(url)   # optional checkpoints; the end of the block checks too
"""

import contextlib
import re

from .services import chromium_path

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@contextlib.contextmanager
def chromium_page(**context_options):
    """A fresh headless Chromium page; closes everything afterwards."""
    from playwright.sync_api import sync_playwright

    executable = chromium_path()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, headless=True, args=CHROMIUM_ARGS)
        try:
            context = browser.new_context(locale="ar-SA", timezone_id="Asia/Riyadh", **context_options)
            page = context.new_page()
            page.set_default_timeout(15000)
            yield page
            context.close()
        finally:
            browser.close()


def login(page, live_server_url: str, username: str, password: str) -> None:
    page.goto(f"{live_server_url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    # Scoped to main: the header's language switch is a submit button too, and comes first.
    page.click("main button[type=submit]")
    page.wait_for_load_state("networkidle")


# Runs in every document before its own scripts (Playwright's init scripts are not subject to the
# page's CSP) and reports each violation through a binding that survives navigations.
_CSP_LISTENER = """
document.addEventListener("securitypolicyviolation", (event) => {
  window.__portalCspViolation({
    directive: event.effectiveDirective || event.violatedDirective,
    blocked: event.blockedURI,
    sample: event.sample,
    source: event.sourceFile + ":" + event.lineNumber,
    page: document.location.pathname,
  });
});
"""


class PageProblems:
    """What ``csp_guard`` collected: CSP violations, console errors and uncaught page errors."""

    def __init__(self, page, allow_console):
        self.page = page
        self.allow_console = [re.compile(pattern) for pattern in allow_console]
        self.problems: list[str] = []

    def _violation(self, source, violation):
        self.problems.append("CSP {directive} blocked {blocked!r} on {page} ({source}) {sample!r}".format(**violation))

    def _console(self, message):
        if message.type != "error" or any(p.search(message.text) for p in self.allow_console):
            return
        self.problems.append(f"console error on {self.page.url}: {message.text}")

    def _page_error(self, error):
        self.problems.append(f"script error on {self.page.url}: {error}")

    def check(self, where: str = "") -> None:
        """Fail now if anything was reported so far (violations arrive as events: let them land)."""
        with contextlib.suppress(Exception):  # a page that is navigating away cannot evaluate
            self.page.evaluate("() => new Promise((resolve) => setTimeout(resolve, 50))")
        if self.problems:
            found, self.problems = self.problems, []
            raise AssertionError(f"browser problems{' at ' + where if where else ''}:\n" + "\n".join(found))


@contextlib.contextmanager
def csp_guard(page, *, allow_console=()):
    """Collect CSP violations, console errors and script errors on ``page``; fail on any.

    ``allow_console``: regular expressions of console errors a test expects (e.g. a 403 it opens on
    purpose). Open the guard before the first ``goto`` so every document gets the listener."""
    problems = PageProblems(page, allow_console)
    page.expose_binding("__portalCspViolation", problems._violation)
    page.add_init_script(_CSP_LISTENER)
    page.on("console", problems._console)
    page.on("pageerror", problems._page_error)
    yield problems
    problems.check("the end of the test")
