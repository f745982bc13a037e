"""Two submissions of one token at the same instant, from two connections: PostgreSQL row locks decide
(skipped on SQLite, required in CI)."""

import pytest
from django.test import Client

from surveys import services
from surveys.models import Answer, Response
from tests.concurrency import run_at_once
from tests.services import require_postgres

from .factories import answers_for, make_survey, open_invitation, post_data


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.parametrize("anonymous", [False, True])
def test_two_submissions_at_once_record_one_response(anonymous):
    require_postgres()
    invitation = open_invitation(make_survey(anonymous=anonymous))
    answers = answers_for(invitation.version)
    results = run_at_once(
        [
            lambda: services.response_submit(token=invitation.token, answers=answers),
            lambda: services.response_submit(token=invitation.token, answers=answers),
        ]
    )
    saved = [r for r in results if isinstance(r, Response)]
    refused = [r for r in results if isinstance(r, services.InvitationUnavailable)]
    assert len(saved) == 1 and len(refused) == 1, results
    assert refused[0].reason == "used"
    assert Response.objects.count() == 1
    assert Answer.objects.count() == invitation.version.questions.count()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_phones_posting_the_form_at_once():
    require_postgres()
    invitation = open_invitation()
    data = post_data(invitation.version)
    url = invitation.get_absolute_url()
    statuses = run_at_once([lambda: Client().post(url, data).status_code, lambda: Client().post(url, data).status_code])
    assert sorted(statuses) == [302, 410], statuses
    assert Response.objects.count() == 1
