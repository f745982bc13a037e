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


def _breach():
    from django.utils import timezone

    from association.models import Breach

    breach = Breach.objects.create(
        title="رسالة بريد إلى جهة خاطئة", description="-", data_kinds="الأسماء", discovered_at=timezone.now()
    )
    return {"pk": breach.pk}


URLS = {
    "home": {"expect": {**dict.fromkeys(ACTORS, ALLOWED), "anonymous": LOGIN}},
    "login": {"expect": public()},
    # Logging out is a POST; anyone may post it.
    "logout": {"method": "post", "expect": dict.fromkeys(ACTORS, LOGIN)},
    # Every signed-in person changes their own password (staff with no role too).
    "password_change": {"expect": {**dict.fromkeys(ACTORS, ALLOWED), "anonymous": LOGIN}},
    # Two-step sign-in: every signed-in person may enrol; the code page sends one with no device to enrolment.
    "two_factor_setup": {"expect": {**dict.fromkeys(ACTORS, ALLOWED), "anonymous": LOGIN}},
    "two_factor_verify": {"expect": {**dict.fromkeys(ACTORS, ALLOWED), "anonymous": LOGIN}},
    # The breach register: the managers (and admins).
    "breach_list": {"expect": staff([Role.MANAGER])},
    "breach_new": {"expect": staff([Role.MANAGER])},
    "breach_edit": {"kwargs": _breach, "expect": staff([Role.MANAGER])},
    "set_language": {"method": "post", "data": {"language": "en"}, "expect": public()},
    # No logo uploaded in the test database: 404 for everyone, never a login wall.
    "logo": {"expect": dict.fromkeys(ACTORS, NOT_FOUND)},
    # The policy: public page and PDFs of approved versions; drafts are never public (404).
    "policy:public": {"expect": public()},
    "policy:public_pdf": {"kwargs": _draft_policy, "expect": dict.fromkeys(ACTORS, NOT_FOUND)},
    "policy:list": {"expect": staff([*ALL_ROLES, Role.PROGRAMS_COORDINATOR])},
    "policy:detail": {"kwargs": _draft_policy, "expect": staff([*ALL_ROLES, Role.PROGRAMS_COORDINATOR])},
    "policy:pdf": {"kwargs": _draft_policy, "expect": staff([*ALL_ROLES, Role.PROGRAMS_COORDINATOR])},
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
    # The letterhead proposal is accepted by the manager (an empty form changes nothing and redirects).
    "policy:accept_letterhead": {"method": "post", "expect": staff([Role.MANAGER])},
    # A draft has no scan: 404 past the permission check.
    "policy:scan": {
        "kwargs": _draft_policy,
        "expect": staff([*ALL_ROLES, Role.PROGRAMS_COORDINATOR], answer=NOT_FOUND),
    },
    # Every staff role confirms reading; a draft is refused with a message (a redirect).
    "policy:confirm_read": {
        "kwargs": _draft_policy,
        "method": "post",
        "expect": staff([*ALL_ROLES, Role.PROGRAMS_COORDINATOR]),
    },
    "policy:unconfirmed": {"kwargs": _draft_policy, "expect": staff([Role.MANAGER])},
}
