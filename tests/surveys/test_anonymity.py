"""An anonymous response keeps no link to the beneficiary, in any table."""

import pytest
from django.apps import apps
from django.db import models

from channels_log.contacts.models import ContactEntry
from surveys import services
from surveys.models import Answer, AuditEntry, Response

from .factories import answers_for, make_survey, open_invitation

pytestmark = pytest.mark.django_db


def _rows_pointing_at(model, pk):
    """Every row of every installed model with a foreign key to ``model`` = ``pk``."""
    found = []
    for other in apps.get_models():
        for field in other._meta.get_fields():
            if isinstance(field, models.ForeignKey | models.OneToOneField) and field.related_model is model:
                found += list(other.objects.filter(**{field.name: pk}))
    return found


def test_anonymous_response_holds_no_link_to_the_person(client):
    invitation = open_invitation(make_survey(anonymous=True))
    beneficiary = invitation.beneficiary
    request = invitation.support_request
    assert beneficiary is not None and request is not None
    # A low score, which for a named response would open a follow-up.
    client.post(
        invitation.get_absolute_url(),
        {
            f"q{q.pk}": (["1"] if q.kind == "rating" else ["0"] if q.kind == "score" else None)
            for q in invitation.version.questions.all()
        }
        | _choice_and_text(invitation.version),
    )
    response = Response.objects.get()
    assert response.is_anonymous and response.is_low
    # The response row: no invitation, no request, no beneficiary, no time of day.
    assert (response.invitation_id, response.support_request_id, response.submitted_at, response.follow_up_id) == (
        None,
        None,
        None,
        None,
    )
    assert not any(f.related_model.__name__ == "Beneficiary" for f in Response._meta.concrete_fields if f.is_relation)
    for field in Response._meta.concrete_fields:
        if field.is_relation and field.related_model.__name__ in ("Invitation", "SupportRequest", "ContactEntry"):
            assert getattr(response, field.attname) is None, field.name
    # Its dimensions for the results survive.
    assert response.service_type == request.service_type and response.channel == request.channel
    # No table reaches the response together with the person: whatever points at the response
    # (answers, audit) names neither the invitation nor the beneficiary.
    for row in _rows_pointing_at(Response, response.pk):
        assert isinstance(row, Answer)
        for field in row._meta.concrete_fields:
            if field.is_relation:
                assert field.related_model.__name__ not in ("Beneficiary", "Invitation", "SupportRequest")
    audit = AuditEntry.objects.filter(object_type="response")
    assert [(a.object_id, a.action, a.note) for a in audit] == [(response.pk, "response_submitted", "")]
    assert not AuditEntry.objects.filter(action="response_submitted", object_type="invitation").exists()
    assert not ContactEntry.objects.filter(purpose="follow_up").exists()
    # The invitation is spent, but does not say which response came from it.
    invitation.refresh_from_db()
    assert invitation.used_at is not None
    assert not hasattr(invitation, "response") or Response.objects.filter(invitation=invitation).count() == 0


def _choice_and_text(version):
    data = {}
    for question in version.questions.prefetch_related("choices"):
        if question.kind in ("single", "multiple"):
            data[f"q{question.pk}"] = [str(question.choices.first().pk)]
        elif question.kind == "text":
            data[f"q{question.pk}"] = "لا شيء"
    return data


def test_named_response_keeps_its_links():
    invitation = open_invitation()
    response = services.response_submit(token=invitation.token, answers=answers_for(invitation.version))
    assert response.invitation == invitation and response.support_request == invitation.support_request
    assert response.submitted_at is not None and not response.is_anonymous


def test_database_refuses_an_anonymous_response_with_a_link():
    from django.db import IntegrityError, transaction

    invitation = open_invitation(make_survey(anonymous=True))
    with pytest.raises(IntegrityError), transaction.atomic():
        Response.objects.create(
            version=invitation.version,
            invitation=invitation,
            is_anonymous=True,
            trigger="in_person",
            submitted_on="2026-11-01",
        )
