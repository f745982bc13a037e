"""The procedure profile: which procedures the association runs and who decides, as its approved policy says.

Every policy version carries it (fields on ``PolicyVersion``); ``procedure_in_force(at)`` reads the version in
force at a moment, or the defaults below when no policy is approved yet: the three procedures run, individual
support requests go to the research committee, which may not decide before 14 days, with the quorum of the
committee settings. Apps above read this profile and never the version's fields directly.
"""

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Decider(models.TextChoices):
    COMMITTEE = "committee", _("The research committee")
    MANAGER = "manager", _("The manager")
    COMPETENT_BODY = "competent_body", _("The competent body")


# The decider's name when the version names none (Arabic, as letters and messages print it).
DEFAULT_DECIDER_NAMES = {
    Decider.COMMITTEE: "لجنة البحث",
    Decider.MANAGER: "مدير الجمعية",
    Decider.COMPETENT_BODY: "جهة الاختصاص",
}


@dataclass(frozen=True)
class ProcedureProfile:
    version_id: int | None  # the PolicyVersion in force (None: no approved policy -> defaults)
    individual_requests: bool  # runs individual support requests
    program_requests: bool  # program/project requests from the community or the supervising body
    volunteer_proposals: bool  # volunteers propose programs
    individual_decider: str  # Decider value
    individual_decider_name: str  # display name: «لجنة البحث» / «مدير الجمعية» / the named جهة الاختصاص
    decision_window_days: int | None  # minimum days after submission before deciding; None = no window
    quorum: int | None  # committee only; None = the committee settings' quorum
    programs_decider: str  # Decider value for program proposals
    programs_decider_name: str
    supervising_body: str  # e.g. «وزارة الشؤون الإسلامية والدعوة والإرشاد» ('' if none)

    @property
    def uses_committee(self) -> bool:
        return self.individual_decider == Decider.COMMITTEE

    @property
    def has_window(self) -> bool:
        return self.decision_window_days is not None


def decider_name(decider: str, name: str = "") -> str:
    """The name a version gives its deciding body, or the usual name of that kind of body."""
    return (name or "").strip() or DEFAULT_DECIDER_NAMES.get(decider, "")


def default_profile() -> ProcedureProfile:
    return ProcedureProfile(
        version_id=None,
        individual_requests=True,
        program_requests=True,
        volunteer_proposals=True,
        individual_decider=Decider.COMMITTEE.value,
        individual_decider_name=DEFAULT_DECIDER_NAMES[Decider.COMMITTEE],
        decision_window_days=settings.DEFAULT_DECISION_WINDOW_DAYS,
        quorum=None,
        programs_decider=Decider.MANAGER.value,
        programs_decider_name=DEFAULT_DECIDER_NAMES[Decider.MANAGER],
        supervising_body="",
    )


def profile_of(version) -> ProcedureProfile:
    """The profile one version states (draft or approved)."""
    committee = version.individual_decider == Decider.COMMITTEE
    return ProcedureProfile(
        version_id=version.pk,
        individual_requests=version.individual_requests,
        program_requests=version.program_requests,
        volunteer_proposals=version.volunteer_proposals,
        individual_decider=str(version.individual_decider),
        individual_decider_name=decider_name(version.individual_decider, version.individual_decider_name),
        decision_window_days=version.decision_window_days,
        quorum=version.quorum if committee else None,
        programs_decider=str(version.programs_decider),
        programs_decider_name=decider_name(version.programs_decider, version.programs_decider_name),
        supervising_body=(version.supervising_body or "").strip(),
    )


def procedure_in_force(at: dt.datetime | None = None) -> ProcedureProfile:
    """The procedure of the policy version in force at ``at`` (default now); the defaults when none is approved."""
    from .services import policy_in_force

    version = policy_in_force(at)
    return default_profile() if version is None else profile_of(version)
