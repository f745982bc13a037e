"""A beneficiary answers on a phone-sized screen, with JavaScript off, partly by keyboard."""

import os

import pytest

from surveys.models import Answer, Response
from tests.browser import chromium_page

from .factories import open_invitation

PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 2, "is_mobile": True, "has_touch": True}


@pytest.mark.browser
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_answer_a_survey_on_a_phone(live_server, artifacts_dir):
    invitation = open_invitation()
    questions = {q.kind: q for q in invitation.version.questions.all()}
    with chromium_page(java_script_enabled=False, **PHONE) as page:
        response = page.goto(live_server.url + invitation.get_absolute_url())
        assert response.headers["referrer-policy"] == "no-referrer"
        assert "no-store" in response.headers["cache-control"]
        assert page.get_attribute("html", "dir") == "rtl"
        # Nothing wider than the phone.
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
        # Sending with nothing answered: the errors are listed and linked, and nothing is saved.
        page.click("button.sv-submit")
        assert page.locator("[role=alert]").is_visible()
        assert not Response.objects.exists()
        # The rating by keyboard: focus the first radio, arrow to the fourth, which selects it.
        page.focus(f"#id_q{questions['rating'].pk}_0")
        for _ in range(3):
            page.keyboard.press("ArrowLeft")  # in right-to-left, the next radio is to the left
        page.get_by_label("9", exact=True).check()
        page.locator(f"label[for=id_q{questions['single'].pk}_0]").click()
        page.locator(f"label[for=id_q{questions['multiple'].pk}_1]").tap()
        page.fill(f"#id_q{questions['text'].pk}", "الخدمة ممتازة والموظفون متعاونون")
        page.screenshot(path=os.path.join(artifacts_dir, "surveys-answer-phone.png"), full_page=True)
        page.click("button.sv-submit")
        page.wait_for_load_state()
        assert page.locator("h1").inner_text().strip() in ("شكرًا لك", "Thank you")
        page.screenshot(path=os.path.join(artifacts_dir, "surveys-thanks-phone.png"))
        # The same link again: the kind "already answered" page.
        page.goto(live_server.url + invitation.get_absolute_url())
        assert page.locator("h1").count() == 1
    response = Response.objects.get()
    numbers = dict(
        Answer.objects.filter(response=response).exclude(number=None).values_list("question__kind", "number")
    )
    assert numbers == {"rating": 4, "score": 9}
    assert response.answers.get(question__kind="text").text == "الخدمة ممتازة والموظفون متعاونون"
