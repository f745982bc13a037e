from association.kernel.roles import Role
from tests.url_access import ACTORS, ALL_ROLES, ALLOWED, LOGIN, NOT_FOUND, public, staff


def _draft_policy():
    from tests.association.factories import PolicyVersionFactory

    return {"pk": PolicyVersionFactory().pk}


def _branch():
    from association.branches import Branch

    return {"pk": Branch.objects.get_or_create(name="مكتب الخرج", defaults={"city": "الخرج"})[0].pk}


def _staff_member():
    from tests.factories import UserFactory

    return {"user_pk": UserFactory(role=Role.SOCIAL_RESEARCHER).pk}


URLS = {
    "home": {"expect": {**dict.fromkeys(ACTORS, ALLOWED), "anonymous": LOGIN}},
    "login": {"expect": public()},
    # Logging out is a POST; anyone may post it.
    "logout": {"method": "post", "expect": dict.fromkeys(ACTORS, LOGIN)},
    # Every signed-in person changes their own password (staff with no role too).
    "password_change": {"expect": {**dict.fromkeys(ACTORS, ALLOWED), "anonymous": LOGIN}},
    "set_language": {"method": "post", "data": {"language": "en"}, "expect": public()},
    # No logo uploaded in the test database: 404 for everyone, never a login wall.
    "logo": {"expect": dict.fromkeys(ACTORS, NOT_FOUND)},
    # The policy: public page and PDFs of approved versions; drafts are never public (404).
    "policy:public": {"expect": public()},
    "policy:public_pdf": {"kwargs": _draft_policy, "expect": dict.fromkeys(ACTORS, NOT_FOUND)},
    "policy:list": {"expect": staff(ALL_ROLES)},
    "policy:detail": {"kwargs": _draft_policy, "expect": staff(ALL_ROLES)},
    "policy:pdf": {"kwargs": _draft_policy, "expect": staff(ALL_ROLES)},
    "policy:import": {"expect": staff([Role.MANAGER])},
    "policy:edit": {"kwargs": _draft_policy, "expect": staff([Role.MANAGER])},
    "policy:new_draft": {"kwargs": _draft_policy, "method": "post", "expect": staff([Role.MANAGER])},
    "policy:approve": {"kwargs": _draft_policy, "expect": staff([Role.MANAGER])},
    # Branches: every role reads the list; the manager keeps them and says who works from which.
    "branches:list": {"expect": staff(ALL_ROLES)},
    "branches:new": {"expect": staff([Role.MANAGER])},
    "branches:edit": {"kwargs": _branch, "expect": staff([Role.MANAGER])},
    "branches:staff": {"expect": staff([Role.MANAGER])},
    # Sent with no branch: the member goes back to the head office (a redirect).
    "branches:staff_set": {"kwargs": _staff_member, "method": "post", "expect": staff([Role.MANAGER])},
}
