from django.core.files.uploadedfile import SimpleUploadedFile

from association.kernel.roles import Role
from tests.url_access import BAD_REQUEST, public, staff

from . import factories as f

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
C, M, OFFICER, CH = Role.PROGRAMS_COORDINATOR, Role.MANAGER, Role.RELATIONS_OFFICER, Role.COMMITTEE_CHAIR
VIEWERS = [C, M, OFFICER, CH]


def _program():
    return {"pk": f.proposal().pk}


def _running():
    return f.program_in(f.S.RUNNING)


def _document():
    program = f.proposal()
    actor = program.coordinator
    from programs import services

    return {
        "pk": services.document_add(
            program=program, title="خطة", uploaded_file=SimpleUploadedFile("a.pdf", PDF), actor=actor
        ).pk
    }


def _permit():
    program = f.program_in(f.S.PERMITTED)
    permit = program.permits.first()
    from programs import services

    services.permit_save(permit=permit, actor=program.coordinator, scan=SimpleUploadedFile("p.pdf", PDF))
    return {"pk": permit.pk}


def _session():
    return {"pk": _running().sessions.first().pk}


def _attendance():
    from programs import services

    program = _running()
    session = program.sessions.first()
    return services.attendance_add(session=session, actor=program.coordinator, name="زائر", send_link=False)


def _attend():
    from programs import services

    return {"token": services.attendance_signed(_attendance())}


def _report():
    return {"pk": f.program_in(f.S.REPORTED).reports.first().pk}


def _organisation():
    from programs import services
    from programs.models import Organisation

    organisation = Organisation(
        name="جامع الحي", kind="mosque", contact_person="الإمام", contact_mobile="+966551110000"
    )
    return {"pk": services.organisation_save(actor=f.coordinator(), organisation=organisation).pk}


def _volunteer():
    return {"pk": f.volunteer().pk}


URLS = {
    "programs:list": {"expect": staff(VIEWERS)},
    "programs:new": {"expect": staff([C, OFFICER])},
    "programs:detail": {"kwargs": _program, "expect": staff(VIEWERS)},
    "programs:step": {"kwargs": _program, "method": "post", "expect": staff(VIEWERS, answer=BAD_REQUEST)},
    # The policy's default: the manager decides program proposals.
    "programs:decide": {"kwargs": _program, "expect": staff([M])},
    "programs:document_add": {"kwargs": _program, "method": "post", "expect": staff([C, M])},
    "programs:document": {"kwargs": _document, "expect": staff(VIEWERS)},
    "programs:permit_new": {"kwargs": lambda: {"pk": f.program_in(f.S.APPROVED).pk}, "expect": staff([C])},
    "programs:permit_edit": {"kwargs": _permit, "expect": staff([C])},
    "programs:permit_scan": {"kwargs": _permit, "expect": staff(VIEWERS)},
    "programs:session_new": {"kwargs": lambda: {"pk": f.program_in(f.S.PERMITTED).pk}, "expect": staff([C])},
    "programs:session": {"kwargs": _session, "expect": staff(VIEWERS)},
    "programs:session_held": {"kwargs": _session, "method": "post", "expect": staff([C])},
    "programs:head_count": {"kwargs": _session, "method": "post", "expect": staff([C])},
    "programs:attendee_add": {"kwargs": _session, "method": "post", "expect": staff([C])},
    "programs:hours": {"kwargs": _session, "method": "post", "expect": staff([C])},
    "programs:attendance_mark": {"kwargs": lambda: {"pk": _attendance().pk}, "method": "post", "expect": staff([C])},
    "programs:attendance_qr": {"kwargs": lambda: {"pk": _attendance().pk}, "expect": staff([C])},
    "programs:attend": {"kwargs": _attend, "expect": public()},
    "programs:assign": {"kwargs": _program, "method": "post", "expect": staff([C])},
    "programs:note_add": {"kwargs": _program, "method": "post", "expect": staff([C, M])},
    "programs:report_new": {"kwargs": lambda: {"pk": f.program_in(f.S.COMPLETED).pk}, "expect": staff([C, M])},
    "programs:report": {"kwargs": _report, "expect": staff([C, M])},
    "programs:report_pdf": {"kwargs": _report, "expect": staff([C, M])},
    "programs:report_xlsx": {"kwargs": _report, "expect": staff([C, M])},
    "programs:organisations": {"expect": staff([C, M, OFFICER])},
    "programs:organisation_new": {"expect": staff([C, OFFICER])},
    "programs:organisation_edit": {"kwargs": _organisation, "expect": staff([C])},
    "programs:volunteers": {"expect": staff([C, M, OFFICER])},
    "programs:volunteer_new": {"expect": staff([C, OFFICER])},
    "programs:volunteer_detail": {"kwargs": _volunteer, "expect": staff([C, M, OFFICER])},
    "programs:volunteer_step": {
        "kwargs": _volunteer,
        "method": "post",
        "expect": staff([C, M, OFFICER], answer=BAD_REQUEST),
    },
    "programs:volunteer_certificate": {"kwargs": _volunteer, "expect": staff([C, M, OFFICER])},
}
