from association.kernel.roles import Role
from tests.url_access import ACTORS, ALL_ROLES, ALLOWED, LOGIN, NOT_FOUND, public, staff


def _draft_policy():
    from tests.association.factories import PolicyVersionFactory

    return {"pk": PolicyVersionFactory().pk}


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
    "policy:list": {"expect": staff(ALL_ROLES)},
    "policy:detail": {"kwargs": _draft_policy, "expect": staff(ALL_ROLES)},
    "policy:pdf": {"kwargs": _draft_policy, "expect": staff(ALL_ROLES)},
    "policy:import": {"expect": staff([Role.MANAGER])},
    "policy:edit": {"kwargs": _draft_policy, "expect": staff([Role.MANAGER])},
    "policy:new_draft": {"kwargs": _draft_policy, "method": "post", "expect": staff([Role.MANAGER])},
    "policy:approve": {"kwargs": _draft_policy, "expect": staff([Role.MANAGER])},
}
