from association.kernel.roles import Role
from tests.url_access import BAD_REQUEST, public, staff

R = Role
BUILDERS = [R.MANAGER]
INVITERS = [R.RELATIONS_OFFICER, R.MANAGER]
RESULTS = [R.COMMITTEE_CHAIR, R.MANAGER]


def _survey():
    from .factories import make_survey

    return {"pk": make_survey().pk}


def _draft_version():
    from .factories import make_survey

    return {"pk": make_survey(publish=False).versions.get().pk}


def _question():
    from .factories import make_survey

    return {"pk": make_survey(publish=False).versions.get().questions.first().pk}


def _invitation():
    from .factories import open_invitation

    return {"pk": open_invitation().pk}


def _token():
    from .factories import open_invitation

    return {"token": open_invitation().token}


def _action():
    from surveys.models import ImprovementAction
    from tests.factories import UserFactory

    owner = UserFactory()
    return {"pk": ImprovementAction.objects.create(finding="f", decision="d", owner=owner, due_date="2026-12-01").pk}


URLS = {
    "surveys:answer": {"kwargs": _token, "expect": public()},
    "surveys:list": {"expect": staff(INVITERS)},
    "surveys:new": {"expect": staff(BUILDERS)},
    "surveys:detail": {"kwargs": _survey, "expect": staff(INVITERS)},
    "surveys:version_new": {"kwargs": _survey, "method": "post", "expect": staff(BUILDERS)},
    "surveys:version": {"kwargs": _draft_version, "expect": staff(INVITERS)},
    # Sent empty: a builder gets past the permission check and the form is refused (400).
    "surveys:version_edit": {"kwargs": _draft_version, "method": "post", "expect": staff(BUILDERS, answer=BAD_REQUEST)},
    "surveys:version_publish": {"kwargs": _draft_version, "method": "post", "expect": staff(BUILDERS)},
    "surveys:question_add": {"kwargs": _draft_version, "method": "post", "expect": staff(BUILDERS, answer=BAD_REQUEST)},
    "surveys:question_move": {
        "kwargs": _question,
        "method": "post",
        "data": {"direction": "down"},
        "expect": staff(BUILDERS),
    },
    "surveys:question_delete": {"kwargs": _question, "method": "post", "expect": staff(BUILDERS)},
    "surveys:invitations": {"expect": staff(INVITERS)},
    "surveys:invitation_batch": {"expect": staff(INVITERS)},
    "surveys:invitation_in_person": {"expect": staff(INVITERS)},
    "surveys:invitation_print": {"kwargs": _invitation, "expect": staff(INVITERS)},
    "surveys:invitation_qr": {"kwargs": _invitation, "expect": staff(INVITERS)},
    "surveys:results": {"expect": staff(RESULTS)},
    "surveys:results_export": {"expect": staff(RESULTS)},
    "surveys:actions": {"expect": staff(RESULTS)},
    "surveys:action_new": {"expect": staff([R.MANAGER])},
    "surveys:action_edit": {"kwargs": _action, "expect": staff([R.MANAGER])},
    "surveys:action_status": {
        "kwargs": _action,
        "method": "post",
        "data": {"status": "done"},
        "expect": staff([R.MANAGER]),
    },
}
