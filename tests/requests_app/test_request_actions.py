"""What each role may do next on a request, status by status: the policy's table written out by hand (not
computed from ``TRANSITIONS``), and the request page showing the first of them as its one primary button."""

import re

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone

from association.kernel.roles import Role
from requests_app import services
from requests_app.models import Delivery, SupportRequest

from .factories import cast_votes, draft_request, force_status, open_study, png_data_url

S = SupportRequest.Status


def _draft(users):
    return draft_request(users["officer"])


def _draft_signed(users):
    support_request = draft_request(users["officer"])
    services.declaration_sign(support_request=support_request, actor=users["officer"], signature_data=png_data_url())
    return support_request


def _status(status, **fields):
    def build(users):
        return force_status(draft_request(users["officer"]), status, **fields)

    return build


def _in_research(assessed=False):
    def build(users):
        support_request = force_status(draft_request(users["officer"]), S.SUBMITTED)
        study = open_study(support_request, users["officer"], users["researcher"])
        if assessed:
            services.study_record(
                study=study, actor=users["researcher"], data={"monthly_income": 2000, "household_size": 4}
            )
        support_request.refresh_from_db()
        return support_request

    return build


def _awaiting(voted=(), recused=()):
    def build(users):
        support_request = force_status(draft_request(users["officer"]), S.AWAITING_COMMITTEE)
        cast_votes(support_request, [users[name] for name in voted])
        for name in recused:
            services.committee_declare_conflict(support_request=support_request, actor=users[name], note="قريب")
        return support_request

    return build


def _delivered(receipt_confirmed):
    def build(users):
        support_request = force_status(draft_request(users["officer"]), S.SERVICE_DELIVERED)
        Delivery.objects.create(
            support_request=support_request,
            delivered_on=timezone.localdate(),
            what="سلة",
            quantity=1,
            delivered_by=users["officer"],
            receipt_confirmed=receipt_confirmed,
            recorded_at=timezone.now(),
        )
        return support_request

    return build


NOBODY = {"researcher": [], "other_researcher": [], "member": [], "chair": [], "manager": [], "outsider": []}

# (state, {actor: the actions offered, in order}); an actor not named is offered nothing.
EXPECTED = [
    (
        "draft",
        _draft,
        {
            "officer": ["declaration", "submit", "return", "withdraw"],
            "superuser": ["declaration", "submit", "return", "withdraw"],
        },
    ),
    ("draft, declaration signed", _draft_signed, {"officer": ["submit", "return", "withdraw"]}),
    (
        "incomplete",
        _status(S.INCOMPLETE, number=None, submitted_at=None),
        {"officer": ["declaration", "submit", "withdraw"]},
    ),
    (
        "submitted",
        _status(S.SUBMITTED),
        {"officer": ["refer", "to_committee", "return", "withdraw"], "chair": ["refer"]},
    ),
    ("in research", _in_research(), {"researcher": ["study", "return"], "officer": ["withdraw"]}),
    (
        "in research, assessed",
        _in_research(assessed=True),
        {"researcher": ["recommend", "study", "return"], "officer": ["withdraw"]},
    ),
    (
        "awaiting the committee",
        _awaiting(),
        {"member": ["vote"], "chair": ["vote", "decide", "refer"], "officer": ["withdraw"]},
    ),
    (
        "awaiting, the chair voted",
        _awaiting(voted=["chair"]),
        {"member": ["vote"], "chair": ["decide", "vote", "refer"], "officer": ["withdraw"]},
    ),
    (
        "awaiting, member and chair recused",
        _awaiting(recused=["member", "chair"]),
        {"chair": ["refer"], "officer": ["withdraw"]},
    ),
    ("approved", _status(S.APPROVED), {"officer": ["register"]}),
    ("rejected", _status(S.REJECTED), {"officer": ["appeal", "close"], "manager": ["close"]}),
    (
        "rejected, appealed once",
        _status(S.REJECTED, appealed_at=timezone.now(), committee_round=2),
        {"officer": ["close"], "manager": ["close"]},
    ),
    ("registered", _status(S.REGISTERED), {"officer": ["delivery"]}),
    ("delivered, receipt not confirmed", _delivered(False), {"officer": ["delivery", "close"], "manager": ["close"]}),
    ("delivered, receipt confirmed", _delivered(True), {"officer": ["close", "delivery"], "manager": ["close"]}),
    ("closed", _status(S.CLOSED), {}),
    ("withdrawn", _status(S.WITHDRAWN), {}),
]


@pytest.fixture
def users(officer, researcher, member, chair, manager, outsider, superuser, make_user):
    return {
        "officer": officer,
        "researcher": researcher,
        "other_researcher": make_user(Role.SOCIAL_RESEARCHER),
        "member": member,
        "chair": chair,
        "manager": manager,
        "outsider": outsider,
        "superuser": superuser,
    }


@pytest.mark.parametrize(("state", "build", "expected"), EXPECTED, ids=[row[0] for row in EXPECTED])
def test_actions_offered_per_status_and_role(state, build, expected, users):
    support_request = build(users)
    for actor in [*NOBODY, "officer"]:
        offered = [action.code for action in services.request_actions(support_request, users[actor])]
        assert offered == expected.get(actor, []), f"{state}: {actor}"
    if "superuser" in expected:
        assert [a.code for a in services.request_actions(support_request, users["superuser"])] == expected["superuser"]


def test_the_author_of_the_study_does_not_vote_even_as_a_member(officer, make_user):
    researcher_member = make_user(Role.SOCIAL_RESEARCHER)
    researcher_member.groups.add(Group.objects.get(name=Role.COMMITTEE_MEMBER))
    support_request = force_status(draft_request(officer), S.SUBMITTED)
    open_study(support_request, officer, researcher_member)
    force_status(support_request, S.AWAITING_COMMITTEE)
    assert [a.code for a in services.request_actions(support_request, researcher_member)] == []


def _solid_buttons(html: str) -> list[str]:
    """Every filled (not outlined) button or button-styled link in the page's main part, as its tag."""
    main = html[html.index("<main") : html.index("</main>")]
    return re.findall(
        r'<(?:a|button)\b[^>]*class="[^"]*\bbtn-(?:primary|success|warning|danger|secondary|info|dark)\b[^>]*>', main
    )


def _primary_buttons(html: str) -> list[str]:
    return [re.search(r'id="btn-([\w-]+)"', tag).group(1) if 'id="btn-' in tag else tag for tag in _solid_buttons(html)]


def test_a_fresh_draft_shows_one_primary_button_and_the_rest_on_demand(officer, client_for):
    support_request = draft_request(officer)
    html = client_for(officer).get(support_request.get_absolute_url()).content.decode()
    assert _primary_buttons(html) == ["declaration"]
    more = html[html.index('<details class="action-more') : html.index("</details>")]
    for code in ("submit", "return", "withdraw"):
        assert f'id="form-{code}"' in more
        assert html.count(f'id="form-{code}"') == 1
    assert "<details" in html and " open" not in html[html.index("<details") : html.index("<summary")]


def test_a_signed_draft_puts_submit_first(officer, client_for):
    support_request = _draft_signed({"officer": officer})
    html = client_for(officer).get(support_request.get_absolute_url()).content.decode()
    assert _primary_buttons(html) == ["submit"]


def test_a_refused_action_further_down_opens_more_actions_with_its_error(officer, client_for):
    support_request = draft_request(officer)
    response = client_for(officer).post(
        reverse("requests_app:withdraw", args=[support_request.pk]), {"withdraw-reason": " "}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "<details" in html and " open" in html[html.index("<details") : html.index("<summary")]
    form = html[html.index('id="form-withdraw"') :]
    assert "invalid-feedback" in form[: form.index("</form>")]


def test_who_sees_no_action_gets_no_action_card(officer, member, client_for):
    support_request = force_status(draft_request(officer), S.CLOSED)
    html = client_for(member).get(support_request.get_absolute_url()).content.decode()
    assert 'id="actions"' not in html


def test_the_request_and_case_pages_compare_no_status_strings():
    from pathlib import Path

    root = Path(__file__).resolve().parents[2] / "templates"
    for name in ("requests_app/request_detail.html", "channels_log/case_detail.html", "includes/actions.html"):
        text = (root / name).read_text()
        assert not re.search(r"status\s*(==|!=|in)\s", text), name
        assert "targets" not in text and "transitions" not in text, name
