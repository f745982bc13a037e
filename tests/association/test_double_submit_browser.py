"""In a real browser: while a form is on its way its submit button is disabled and a second submit is
not sent (static/js/portal.js); the server's one-time token does the rest (test_double_submit)."""

import re

import pytest

from association.kernel.models import FormSubmission
from association.kernel.roles import Role
from channels_log.contacts.models import ContactEntry
from tests.browser import chromium_page, csp_guard, login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FORM = "main form[enctype='multipart/form-data']"

# Listens after portal.js: counts the submissions that would leave the page, and keeps them on it so the
# page can be looked at "mid-flight".
HOLD = """() => {
  window.__sent = 0;
  document.addEventListener("submit", (event) => {
    if (!event.defaultPrevented) window.__sent += 1;
    event.preventDefault();
  });
}"""


def test_the_button_is_disabled_while_the_form_is_sent_and_a_second_submit_is_not_sent(live_server, make_user):
    officer = make_user(Role.RELATIONS_OFFICER, username="desk")
    officer.set_password("demo12345")
    officer.save()
    with chromium_page() as page, csp_guard(page):
        login(page, live_server.url, "desk", "demo12345")
        page.goto(f"{live_server.url}/contacts/new/")
        page.select_option("#id_purpose", "inquiry")
        page.fill("#id_contact_name", "سارة أحمد")
        page.fill("#id_contact_mobile", "0551234567")
        page.fill("#id_subject", "استفسار عن موعد الصرف")
        page.fill("#id_body", "متى يصرف الدعم؟")
        page.evaluate(HOLD)
        button = f"{FORM} button[type=submit]"
        page.click(button)
        page.wait_for_function(f"document.querySelector({button!r}).disabled")
        assert page.get_attribute(button, "aria-busy") == "true"
        # A second submission while the first is on its way (Enter in a field, a double click) is not sent.
        page.evaluate(f"document.querySelector({FORM!r}).requestSubmit()")
        page.keyboard.press("Enter")
        assert page.evaluate("window.__sent") == 1
        # Now let the one submission go.
        with page.expect_navigation():
            page.evaluate(f"document.querySelector({FORM!r}).submit()")
        assert re.search(r"/contacts/$", page.url), page.locator(".invalid-feedback, .alert").all_inner_texts()
    assert ContactEntry.objects.filter(subject="استفسار عن موعد الصرف").count() == 1
    assert FormSubmission.objects.count() == 1
