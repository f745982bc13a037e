"""The portal has a favicon on every kind of page (staff, public, survey, admin), served from our own
static files; a survey invitation shows its link as text with a copy button (our own script, no inline
JS), so staff can paste it into WhatsApp."""

import re
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.test import Client
from django.urls import reverse

from association.kernel.roles import Role
from tests.browser import chromium_page, csp_guard, login
from tests.surveys.factories import open_invitation

ICON = re.compile(r'<link rel="icon" href="([^"]+)" type="image/svg\+xml">')


def _icon(html: str) -> str:
    found = ICON.search(html)
    assert found, "no favicon link"
    return found.group(1)


@pytest.mark.django_db
def test_every_kind_of_page_links_our_favicon(client_for, officer, superuser):
    invitation = open_invitation()
    public = Client()
    pages = {
        "staff": client_for(officer).get(reverse("beneficiaries:desk")),
        "login": public.get(reverse("login")),
        "public": public.get(reverse("channels_log:public_contact")),
        "survey": public.get(invitation.get_absolute_url()),
        "admin": client_for(superuser).get(reverse("admin:index")),
    }
    icons = {name: _icon(response.content.decode()) for name, response in pages.items()}
    assert len(set(icons.values())) == 1, icons
    path = finders.find("favicon.svg")
    assert path and Path(path).read_text(encoding="utf-8").lstrip().startswith("<svg")
    assert next(iter(icons.values())).endswith("favicon.svg")


@pytest.mark.django_db
def test_the_invitation_page_shows_the_survey_link_as_text(client_for, officer):
    invitation = open_invitation()
    html = client_for(officer).get(reverse("surveys:invitation_print", args=[invitation.pk])).content.decode()
    field = re.search(r'<input[^>]*id="survey-link"[^>]*>', html).group(0)
    assert f'value="{invitation.absolute_url()}"' in field and "readonly" in field
    assert 'data-copy="survey-link"' in html
    assert "onclick" not in html and "<script>" not in html


@pytest.mark.browser
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_copy_button_puts_the_survey_link_on_the_clipboard(live_server, make_user):
    officer = make_user(Role.RELATIONS_OFFICER, username="desk2")
    officer.set_password("demo12345")
    officer.save()
    invitation = open_invitation()
    with chromium_page(permissions=["clipboard-read", "clipboard-write"]) as page, csp_guard(page) as guard:
        page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server.url)
        login(page, live_server.url, "desk2", "demo12345")
        page.goto(live_server.url + reverse("surveys:invitation_print", args=[invitation.pk]))
        link = page.input_value("#survey-link")
        assert link == invitation.absolute_url()
        button = page.locator("[data-copy=survey-link]")
        label = button.inner_text()
        button.click()
        page.wait_for_function("document.querySelector('[data-copy-status=survey-link]').textContent !== ''")
        assert page.evaluate("navigator.clipboard.readText()") == link
        assert button.inner_text() != label  # «Copied» for a moment
        guard.check("the invitation page")
