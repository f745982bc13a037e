"""What each role may do next on a case, status by status: the table written out by hand (not computed from
``TRANSITIONS``), and the case page showing the first of them as its one primary button."""

import re

import pytest
from django.urls import reverse

from association.channels import Channel
from association.kernel.roles import Role
from channels_log.cases import services
from channels_log.contacts.models import ContactEntry
from requests_app.models import SupportRequest
from tests.channels_log.factories import make_case, make_contact
from tests.factories import BeneficiaryFactory
from tests.requests_app.factories import draft_request, force_status

pytestmark = pytest.mark.django_db


def _phone():
    return Channel.objects.get(code="phone")


def _inquiry(users, **_):
    return make_case(actor=users["officer"])


def _complaint(users, **_):
    return make_case(kind="complaint", actor=users["officer"])


def _started(build):
    def started(users):
        case = build(users)
        return services.case_start(case=case, actor=users["officer"])

    return started


def _answered(build, outcome=""):
    def answered(users):
        case = build(users)
        case = services.case_answer(case=case, response="أُجيب المرسل", channel=_phone(), actor=users["officer"])
        if outcome:
            case = services.case_set_outcome(case=case, outcome=outcome, actor=users["officer"])
        return case

    return answered


def _closed(users):
    case = _answered(_inquiry)(users)
    return services.case_close(case=case, actor=users["officer"])


def _contesting(request_status):
    def build(users):
        beneficiary = BeneficiaryFactory()
        support_request = force_status(draft_request(users["officer"], beneficiary=beneficiary), request_status)
        return make_contact(
            purpose=ContactEntry.Purpose.COMPLAINT,
            actor=users["officer"],
            beneficiary=beneficiary,
            support_request=support_request,
            contests_decision=True,
            subject="اعتراض",
            body="أعترض على رفض طلبي",
        ).case

    return build


def _about(users):
    return make_case(kind="complaint", actor=users["officer"], staff_subject=users["subject"])


OFFICER_OPEN = ["answer", "start", "close", "assign"]
EXPECTED = [
    (
        "inquiry, open",
        _inquiry,
        {"officer": OFFICER_OPEN, "manager": OFFICER_OPEN, "researcher": ["answer", "start", "close"]},
    ),
    (
        "complaint, open",
        _complaint,
        {
            "officer": ["answer", "start", "outcome", "close", "assign"],
            "researcher": ["answer", "start", "outcome", "close"],
        },
    ),
    (
        "complaint, in progress",
        _started(_complaint),
        {"officer": ["answer", "outcome", "close", "assign"], "researcher": ["answer", "outcome", "close"]},
    ),
    (
        "complaint, answered, no outcome",
        _answered(_complaint),
        {"officer": ["outcome", "close", "reopen", "assign"], "manager": ["outcome", "close", "reopen", "assign"]},
    ),
    (
        "complaint, answered, outcome recorded",
        _answered(_complaint, outcome="upheld"),
        {"officer": ["close", "outcome", "reopen", "assign"]},
    ),
    (
        "inquiry, answered",
        _answered(_inquiry),
        {"officer": ["close", "reopen", "assign"], "researcher": ["close", "reopen"]},
    ),
    ("closed", _closed, {"officer": ["reopen"], "manager": ["reopen"], "researcher": ["reopen"]}),
    (
        "complaint contesting a rejection",
        _contesting(SupportRequest.Status.REJECTED),
        {
            "officer": ["appeal", "answer", "start", "outcome", "close", "assign"],
            "researcher": ["answer", "start", "outcome", "close"],
            "manager": ["answer", "start", "outcome", "close", "assign"],
        },
    ),
    (
        "complaint contesting a decision already reconsidered",
        _contesting(SupportRequest.Status.AWAITING_COMMITTEE),
        {"officer": ["answer", "start", "outcome", "close", "assign"]},
    ),
    (
        "complaint about a staff member",
        _about,
        {"subject": [], "officer": ["answer", "start", "outcome", "close", "assign"]},
    ),
]


@pytest.fixture
def users(officer, researcher, member, chair, manager, make_user):
    return {
        "officer": officer,
        "researcher": researcher,
        "member": member,
        "chair": chair,
        "manager": manager,
        "subject": make_user(Role.RELATIONS_OFFICER),
    }


@pytest.mark.parametrize(("state", "build", "expected"), EXPECTED, ids=[row[0] for row in EXPECTED])
def test_actions_offered_per_status_and_role(state, build, expected, users):
    case = build(users)
    for actor in ("officer", "researcher", "member", "chair", "manager", "subject"):
        offered = [action.code for action in services.case_actions(case, users[actor])]
        default = [] if actor in ("member", "chair") else None
        want = expected.get(actor, default)
        if want is not None:
            assert offered == want, f"{state}: {actor}"
    assert services.case_actions(case, users["member"]) == []


def test_an_open_complaint_shows_the_answer_first_and_the_rest_on_demand(officer, client_for):
    case = make_case(kind="complaint", actor=officer)
    html = client_for(officer).get(reverse("channels_log:case_detail", kwargs={"pk": case.pk})).content.decode()
    main = html[html.index("<main") : html.index("</main>")]
    solid = re.findall(r'<button\b[^>]*class="[^"]*\bbtn-(?:primary|success|warning|danger|secondary)\b[^>]*>', main)
    assert len(solid) == 1 and 'id="btn-answer"' in solid[0]
    more = main[main.index('<details class="action-more') : main.index("</details>")]
    for code in ("start", "outcome", "close", "assign"):
        assert f'id="form-{code}"' in more


def test_a_refused_close_opens_more_actions_with_the_rule(officer, client_for):
    case = make_case(kind="complaint", actor=officer)
    response = client_for(officer).post(reverse("channels_log:case_close", kwargs={"pk": case.pk}), {"note": "انتهى"})
    assert response.status_code == 400
    html = response.content.decode()
    assert " open" in html[html.index('<details class="action-more') : html.index("<summary")]
    close = html[html.index('id="form-close"') :]
    assert "alert" in close[: close.index("</form>")]
