"""A form creates one record however many times it is sent (association.kernel.form_tokens): the token comes
with the page, the first POST consumes it, the same POST again gets the first result; a form sent back
with errors keeps its token; a POST without a valid token is refused and creates nothing."""

import datetime as dt
import re

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from association.kernel import form_tokens
from association.kernel.models import FormSubmission
from association.tasks import form_tokens_sweep
from surveys.models import ImprovementAction

from .form_pages import form_token

pytestmark = pytest.mark.django_db


def _action_data(manager, **overrides):
    data = {
        "finding": "رضا منخفض عن مدة الانتظار",
        "kind": "recommendation",
        "decision": "تقليل مدة الانتظار",
        "owner": manager.pk,
        "due_date": "2026-12-20",
    }
    return {**data, **overrides}


def _page_token(client) -> str:
    page = client.get(reverse("surveys:action_new"))
    assert page.status_code == 200
    return form_token(page.content, contains="due_date")


def test_the_page_carries_a_signed_token_each_time_a_new_one(client_for, manager):
    client = client_for(manager)
    first, second = _page_token(client), _page_token(client)
    assert first != second
    assert form_tokens.verified(first) == first
    assert form_tokens.verified(first[:-1] + ("A" if first[-1] != "A" else "B")) is None  # tampered
    assert form_tokens.verified("x" * 60) is None and form_tokens.verified("\x00") is None


def test_the_same_form_sent_twice_creates_one_record_and_answers_the_first_result(client_for, manager):
    client = client_for(manager)
    data = _action_data(manager, form_token=_page_token(client))
    first = client.post(reverse("surveys:action_new"), data)
    second = client.post(reverse("surveys:action_new"), data, follow=True)
    assert first.status_code == 302
    assert second.redirect_chain == [(first["Location"], 302)]
    assert ImprovementAction.objects.count() == 1
    with translation.override("ar"):
        replayed = gettext("This form had already been sent; it was recorded once.")
    assert replayed in [str(m) for m in second.context["messages"]]
    submission = FormSubmission.objects.get()
    assert (submission.user, submission.path, submission.location) == (
        manager,
        reverse("surveys:action_new"),
        first["Location"],
    )


def test_a_form_sent_back_with_errors_keeps_its_token_and_then_creates_once(client_for, manager):
    client = client_for(manager)
    token = _page_token(client)
    invalid = client.post(reverse("surveys:action_new"), _action_data(manager, decision="", form_token=token))
    assert invalid.status_code == 200 and invalid.context["form"].errors["decision"]
    assert form_token(invalid.content, contains="due_date") == token  # the corrected form is the same submission
    assert not FormSubmission.objects.exists()
    corrected = _action_data(manager, form_token=token)
    assert client.post(reverse("surveys:action_new"), corrected).status_code == 302
    assert client.post(reverse("surveys:action_new"), corrected).status_code == 302
    assert ImprovementAction.objects.count() == 1


def test_two_pages_of_the_same_form_are_two_records(client_for, manager):
    client = client_for(manager)
    for _ in range(2):
        client.post(reverse("surveys:action_new"), _action_data(manager, form_token=_page_token(client)))
    assert ImprovementAction.objects.count() == 2


@pytest.mark.parametrize("token", ["", "not-a-token", "\x00" * 10, "A" * 100_000, "expired"])
def test_a_browser_post_without_a_valid_token_is_refused_and_creates_nothing(manager, token):
    client = Client(enforce_csrf_checks=True)  # as a browser: CSRF checked, no test-client exemption
    client.force_login(manager)
    page = client.get(reverse("surveys:action_new"))
    if token == "expired":
        with time_machine.travel(timezone.now() - form_tokens.MAX_AGE - dt.timedelta(hours=1)):
            token = form_tokens.new_token()
    data = _action_data(manager, form_token=token, csrfmiddlewaretoken=page.cookies["csrftoken"].value)
    response = client.post(reverse("surveys:action_new"), data)
    assert response.status_code == 400
    assert reverse("surveys:action_new") in response.content.decode()  # a link to open the form again
    assert not ImprovementAction.objects.exists() and not FormSubmission.objects.exists()


def test_a_browser_post_with_the_pages_token_goes_through(manager):
    client = Client(enforce_csrf_checks=True)
    client.force_login(manager)
    page = client.get(reverse("surveys:action_new"))
    data = _action_data(
        manager,
        form_token=form_token(page.content, contains="due_date"),
        csrfmiddlewaretoken=page.cookies["csrftoken"].value,
    )
    assert client.post(reverse("surveys:action_new"), data).status_code == 302
    assert ImprovementAction.objects.count() == 1


def test_someone_elses_token_does_not_reveal_their_result(client_for, manager, make_user):
    from association.kernel.roles import Role

    client = client_for(manager)
    data = _action_data(manager, form_token=_page_token(client))
    client.post(reverse("surveys:action_new"), data)
    other = Client()
    other.force_login(make_user(Role.MANAGER))
    response = other.post(reverse("surveys:action_new"), data)
    assert response.status_code == 400 and "Location" not in response
    assert ImprovementAction.objects.count() == 1


def test_a_creating_form_on_every_page_carries_a_token(client_for, officer, manager):
    """The token is in the forms the decorated views read (one template tag, next to csrf_token)."""
    from tests.factories import BeneficiaryFactory

    beneficiary = BeneficiaryFactory()
    pages = {
        reverse("channels_log:public_contact"): "public-contact-form",
        reverse("beneficiaries:register"): "",
        reverse("beneficiaries:detail", args=[beneficiary.public_id]): "documents/",
        reverse("channels_log:new"): "",
        reverse("requests_app:new", args=[beneficiary.public_id]): "",
    }
    client = client_for(officer)
    for url, contains in pages.items():
        page = client.get(url)
        assert page.status_code == 200, url
        assert form_tokens.verified(form_token(page.content, contains=contains)), url
    for url in (reverse("surveys:invitation_in_person"), reverse("surveys:invitation_batch"), reverse("surveys:new")):
        page = client_for(manager).get(url)
        assert form_tokens.verified(form_token(page.content)), url


def test_consumed_tokens_are_forgotten_after_any_page_could_use_them(client_for, manager):
    client = client_for(manager)
    client.post(reverse("surveys:action_new"), _action_data(manager, form_token=_page_token(client)))
    FormSubmission.objects.update(created_at=timezone.now() - form_tokens.KEEP - dt.timedelta(minutes=1))
    client.post(reverse("surveys:action_new"), _action_data(manager, form_token=_page_token(client)))
    assert form_tokens_sweep() == 1
    assert FormSubmission.objects.count() == 1


def test_the_token_field_is_hidden_and_named_once(client_for, manager):
    html = client_for(manager).get(reverse("surveys:action_new")).content.decode()
    assert len(re.findall(r'<input type="hidden" name="form_token" value="[^"]+">', html)) == 1
