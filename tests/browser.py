"""Playwright driving Debian's Chromium (its own browser download does not work here)."""

import contextlib

from .services import chromium_path

CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
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
