"""Printable documents of programs: the follow-up report (``program_report``, a ``ProgramReport`` pk) and the
volunteer's certificate of hours (``volunteer_certificate``, a ``Volunteer`` pk)."""

from decimal import Decimal

from association.kernel.pdf import document, render_pdf

from .models import ProgramReport, Volunteer
from .selectors import program_figures, volunteer_hours_lines


@document("program_report")
def program_report_pdf(pk: int) -> tuple[bytes, str]:
    report = ProgramReport.objects.select_related("program__kind", "issued_by").get(pk=pk)
    figures = program_figures(report.program, report.period_start, report.period_end)
    context = {"report": report, "program": report.program, "figures": figures}
    return render_pdf(
        "programs/pdf/program_report.html", context
    ), f"program-report-{report.program.reference}-{pk}.pdf"


@document("volunteer_certificate")
def volunteer_certificate_pdf(pk: int) -> tuple[bytes, str]:
    volunteer = Volunteer.objects.get(pk=pk)
    lines = list(volunteer_hours_lines(volunteer))
    if not lines:
        raise Volunteer.DoesNotExist("This volunteer has no recorded hours: there is no certificate yet.")
    total = sum((line.hours for line in lines), Decimal(0))
    programs = sorted({line.session.program.title for line in lines})
    context = {"volunteer": volunteer, "lines": lines, "total": total, "programs": programs}
    return render_pdf("programs/pdf/volunteer_certificate.html", context), f"volunteer-certificate-{pk}.pdf"
