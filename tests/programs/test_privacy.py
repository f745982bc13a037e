"""What programs hold about a person in their PDPL export and erasure: their volunteer record (found by the ID's
keyed hash, never by a household's shared mobile), the sessions they attended (by file, or by mobile on a list
with no file), the programs they proposed; erasure keeps hours, statuses and head-counts."""

import pytest

from beneficiaries.privacy import services as privacy
from beneficiaries.privacy.subject import subject_data
from programs import services
from programs.models import Attendance, Program, Volunteer, VolunteerHours
from tests.factories import BeneficiaryFactory, valid_national_id

from . import factories as f

pytestmark = pytest.mark.django_db
S = Program.Status


def _sections(beneficiary) -> dict:
    return {found["key"]: found for found in subject_data(beneficiary)["sections"]}


@pytest.fixture
def world():
    person = BeneficiaryFactory(mobile="+966551230001")
    coordinator = f.coordinator()
    mine = services.volunteer_apply(
        actor=coordinator,
        volunteer=Volunteer(
            full_name="متطوعة الاختبار",
            national_id=person.national_id,
            mobile="+966551230099",
            email="me@example.org",
            skills="الإسعافات الأولية",
            availability="evenings",
        ),
    )
    services.volunteer_step(volunteer=mine, to=Volunteer.Status.APPROVED, actor=coordinator)
    # A brother's record on the family's shared mobile: not hers.
    brother = services.volunteer_apply(
        actor=coordinator,
        volunteer=Volunteer(
            full_name="أخوها",
            national_id=valid_national_id(71717171),
            mobile=person.mobile,
            skills="التنظيم",
            availability="weekends",
        ),
    )
    program = f.program_in(S.RUNNING, actor=coordinator, proposer=mine, title="برنامج اقترحته")
    session = program.sessions.get()
    services.volunteer_assign(program=program, volunteer=mine, task="تنظيم", actor=coordinator)
    by_file = services.attendance_add(session=session, actor=coordinator, beneficiary=person, send_link=False)
    other = BeneficiaryFactory(mobile="+966551230002")
    theirs = services.attendance_add(session=session, actor=coordinator, beneficiary=other, send_link=False)
    services.session_held(session=session, actor=coordinator)
    services.hours_record(session=session, volunteer=mine, hours=3, actor=coordinator)
    return {
        "person": person,
        "mine": mine,
        "brother": brother,
        "program": program,
        "by_file": by_file,
        "theirs": theirs,
    }


def test_the_export_holds_her_volunteering_attendance_and_proposals_only(world):
    sections = _sections(world["person"])
    volunteering = sections["volunteering"]["rows"]
    assert [row["full_name"] for row in volunteering] == ["متطوعة الاختبار"]
    assert volunteering[0]["national_id"] == world["person"].national_id and volunteering[0]["hours"] == "3.0"
    assert [row["program"] for row in sections["program_attendance"]["rows"]] == [str(world["program"])]
    assert [row["reference"] for row in sections["program_proposals"]["rows"]] == [world["program"].reference]
    # Nothing of the brother's record, whose mobile is hers.
    assert "أخوها" not in str(sections)
    assert _sections(BeneficiaryFactory(mobile="+966551230003"))["volunteering"]["rows"] == []


def test_erasure_removes_her_identity_and_keeps_the_statistics(world, make_user):
    from association.kernel.roles import Role

    person, mine = world["person"], world["mine"]
    old_id = person.national_id
    record = privacy.beneficiary_anonymise(beneficiary=person, source="request", actor=make_user(role=Role.MANAGER))
    assert record.records["volunteers"] == 1 and record.records["program_attendance"] == 1
    mine.refresh_from_db()
    assert (mine.full_name, mine.mobile, mine.email, mine.skills) == (privacy.ERASED_NAME, "", "", "")
    assert mine.national_id != old_id and mine.national_id.startswith("0")
    assert not Volunteer.objects.filter(
        national_id_hash=mine._meta.get_field("national_id_hash").value_for(Volunteer(national_id=old_id))
    ).exists()
    assert mine.status == Volunteer.Status.APPROVED and VolunteerHours.objects.get(volunteer=mine).hours == 3
    assert Attendance.objects.get(pk=world["by_file"].pk).name == privacy.ERASED_NAME
    # The others are untouched: the brother on the same mobile, the other attendee.
    world["brother"].refresh_from_db()
    assert world["brother"].full_name == "أخوها" and world["brother"].mobile == "+966551230001"
    assert Attendance.objects.get(pk=world["theirs"].pk).name == world["theirs"].name != privacy.ERASED_NAME
    assert Program.objects.get(pk=world["program"].pk).title == "برنامج اقترحته"
    # Her export now shows nothing that names her.
    assert old_id not in str(subject_data(person))
