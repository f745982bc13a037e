"""The follow-up report's workbook (kernel spreadsheets) and who it is addressed to."""

from django.utils.translation import gettext as _

from association.kernel.spreadsheets import Number, Sheet

from .procedure import supervising_body
from .selectors import program_figures


def default_addressee() -> str:
    """The supervising body the policy names, or the board."""
    return supervising_body() or _("The board of directors")


def report_sheets(report) -> list[Sheet]:
    program = report.program
    figures = program_figures(program, report.period_start, report.period_end)
    summary = Sheet(
        _("Summary"),
        (_("Item"), _("Value")),
        [
            (_("Program"), f"{program.reference} — {program.title}"),
            (_("Kind"), program.kind.name),
            (_("Status"), program.get_status_display()),
            (_("From"), report.period_start),
            (_("To"), report.period_end),
            (_("Sessions held"), figures.sessions_held),
            (_("Attendance"), figures.total_attendance),
            (_("Survey answers"), figures.responses),
            (_("Average rating (1–5)"), Number(figures.average_rating, "0.00")),
            (_("Low scores"), figures.low_responses),
            (_("Volunteer hours"), Number(figures.total_hours, "0.0")),
            (_("Inquiries and complaints"), len(figures.cases)),
        ],
    )
    sessions = Sheet(
        _("Sessions"),
        (_("Date"), _("Session"), _("Place"), _("Facilitator"), _("Status"), _("Attendance")),
        [
            (
                line.session.starts_at,
                line.session.title,
                line.session.place,
                line.session.facilitator,
                line.session.get_status_display(),
                line.attended,
            )
            for line in figures.sessions
        ],
    )
    hours = Sheet(
        _("Volunteers"),
        (_("Volunteer"), _("Sessions"), _("Hours")),
        [
            (row["volunteer__full_name"], row["sessions"], Number(row["total"], "0.0"))
            for row in figures.volunteer_hours
        ],
    )
    cases = Sheet(
        _("Inquiries and complaints"),
        (_("Reference"), _("Kind"), _("Status"), _("Opened"), _("Resolution due")),
        [
            (c.reference, c.get_kind_display(), c.get_status_display(), c.opened_at, c.resolution_due)
            for c in figures.cases
        ],
    )
    notes = Sheet(
        _("Decisions and recommendations"),
        (_("Kind"), _("Text"), _("Date")),
        [(n.get_kind_display(), n.text, n.recorded_at) for n in figures.notes],
    )
    return [summary, sessions, hours, cases, notes]
