"""Who decides program proposals: the procedure profile of the policy in force (``association.policy.procedure``).

The profile names a deciding body (``programs_decider``); the decision step needs that body's permission:
the manager decides with ``programs.decide_program``, the research committee through its chair
(``requests_app.decide_supportrequest``), a competent body outside the association is recorded by the
coordinator (``programs.record_body_decision``) with its name and letter."""

from association.policy.procedure import Decider, procedure_in_force

DECIDER_PERMISSIONS = {
    Decider.MANAGER: "programs.decide_program",
    Decider.COMMITTEE: "requests_app.decide_supportrequest",
    Decider.COMPETENT_BODY: "programs.record_body_decision",
}


def programs_decider() -> tuple[str, str, str]:
    """``(decider, its name, the permission its decision needs)`` as the policy in force says."""
    profile = procedure_in_force()
    decider = profile.programs_decider
    return decider, profile.programs_decider_name, DECIDER_PERMISSIONS.get(decider, "programs.decide_program")


def supervising_body() -> str:
    return procedure_in_force().supervising_body
