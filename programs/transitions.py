"""The program lifecycle on one screen: where each status may go and the permission each step needs.

The decision (under study → approved / rejected) needs the permission of the deciding body the policy in
force names (``procedure.programs_decider``): ``table_for`` puts it in the table for that step."""

from .models import Program, Volunteer

S = Program.Status
RUN = "programs.run_program"
CHANGE = "programs.change_program"
DECIDE = "programs.decide_program"

TRANSITIONS = {
    S.PROPOSED: {S.UNDER_STUDY: "programs.study_program", S.WITHDRAWN: CHANGE},
    S.UNDER_STUDY: {S.APPROVED: DECIDE, S.REJECTED: DECIDE, S.WITHDRAWN: CHANGE},
    S.APPROVED: {S.AWAITING_PERMITS: RUN, S.WITHDRAWN: CHANGE},
    S.AWAITING_PERMITS: {S.PERMITTED: RUN, S.WITHDRAWN: CHANGE},
    S.PERMITTED: {S.SCHEDULED: RUN, S.WITHDRAWN: CHANGE},
    S.SCHEDULED: {S.RUNNING: RUN, S.WITHDRAWN: CHANGE},
    S.RUNNING: {S.COMPLETED: RUN},
    S.COMPLETED: {S.REPORTED: "programs.report_program"},
    S.REJECTED: {},
    S.REPORTED: {},
    S.WITHDRAWN: {},
}

# Steps taken on the program page with the status buttons; the others have their own forms (the decision, the
# final report).
BUTTON_STEPS = {S.UNDER_STUDY, S.AWAITING_PERMITS, S.PERMITTED, S.SCHEDULED, S.RUNNING, S.COMPLETED, S.WITHDRAWN}
DECISION_STEPS = {S.APPROVED, S.REJECTED}
# Still being prepared or run: permits of these programs are watched for expiry.
ACTIVE = (S.APPROVED, S.AWAITING_PERMITS, S.PERMITTED, S.SCHEDULED, S.RUNNING)


def table_for(decide_permission: str) -> dict:
    """``TRANSITIONS`` with the decision step needing ``decide_permission`` (the deciding body's)."""
    table = {status: dict(steps) for status, steps in TRANSITIONS.items()}
    for status in DECISION_STEPS:
        table[S.UNDER_STUDY][status] = decide_permission
    return table


V = Volunteer.Status
APPROVE = "programs.approve_volunteer"
VOLUNTEER_TRANSITIONS = {
    V.APPLIED: {V.APPROVED: APPROVE, V.REJECTED: APPROVE},
    V.APPROVED: {V.INACTIVE: APPROVE},
    V.INACTIVE: {V.APPROVED: APPROVE},
    V.REJECTED: {},
}
