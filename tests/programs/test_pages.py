"""The pages: lists with a fixed number of queries, a complaint that names a program shown on its page with its
targets, and the role home's panel."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from association.kernel.roles import Role
from channels_log.cases.models import Case
from programs import services
from programs.models import Program
from tests.factories import UserFactory

from . import factories as f

pytestmark = pytest.mark.django_db
S = Program.Status


def _queries(client, url) -> tuple[int, int]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured), len(response.context["page"].object_list)


@pytest.mark.parametrize("url", ["/programs/", "/volunteers/", "/programs/organisations/"])
def test_list_query_count_does_not_grow_with_rows(client, url):
    actor = f.coordinator()
    client.force_login(actor)

    def rows(n):
        kind = f.kind()
        for i in range(n):
            program = f.proposal(actor=actor, program_kind=kind)
            services.organisation_save(
                actor=actor,
                organisation=services.Organisation(
                    name=f"جهة {i}", kind="school", contact_person="المدير", contact_mobile="+966551110000"
                ),
            )
            services.volunteer_assign(program=program, volunteer=program.volunteer, task="التقديم", actor=actor)

    rows(3)
    client.get(url)
    few, shown_few = _queries(client, url)
    rows(12)
    many, shown_many = _queries(client, url)
    assert shown_many > shown_few
    assert many == few


def test_a_complaint_naming_a_program_is_on_its_page_with_its_targets(client):
    program = f.program_in(S.RUNNING, title="برنامج السلامة المنزلية")
    other = f.program_in(S.RUNNING, title="برنامج آخر")
    officer = UserFactory(role=Role.RELATIONS_OFFICER)
    client.force_login(officer)
    form = client.get("/contacts/new/").context["form"]
    offered = dict(form.fields["about"].choices)
    assert f"program:{program.pk}" in offered and f"program:{other.pk}" in offered
    from association.channels import Channel

    response = client.post(
        "/contacts/new/",
        {
            "channel": Channel.objects.get(code="phone").pk,
            "direction": "in",
            "purpose": "complaint",
            "contact_name": "أم خالد",
            "contact_mobile": "0551239999",
            "subject": "تأخر بدء اللقاء",
            "body": "بدأ اللقاء متأخرًا ساعة",
            "about": f"program:{program.pk}",
        },
    )
    assert response.status_code == 302
    case = Case.objects.get(about=f"program:{program.pk}")
    client.force_login(program.coordinator)
    page = client.get(f"/programs/{program.pk}/").content.decode()
    assert case.reference in page
    assert case.reference not in client.get(f"/programs/{other.pk}/").content.decode()


def test_a_bad_program_choice_is_refused_next_to_the_field(client):
    client.force_login(UserFactory(role=Role.RELATIONS_OFFICER))
    f.program_in(S.RUNNING)
    response = client.post("/contacts/new/", {"purpose": "complaint", "about": "program:999999"})
    assert response.status_code == 200 and "about" in response.context["form"].errors
    assert not Case.objects.exists()


def test_the_coordinator_home_lists_the_programs_waiting(client):
    program = f.proposal(title="برنامج ينتظر الدراسة")
    client.force_login(program.coordinator)
    assert "برنامج ينتظر الدراسة" in client.get("/").content.decode()


def test_the_volunteer_list_counts_hours_once_whatever_the_programs(client):
    program = f.program_in(S.RUNNING)
    actor = program.coordinator
    volunteer = f.volunteer(actor=actor)
    services.volunteer_assign(program=program, volunteer=volunteer, task="التنظيم", actor=actor)
    services.volunteer_assign(program=f.program_in(S.RUNNING), volunteer=volunteer, task="التقديم", actor=actor)
    session = services.session_held(session=program.sessions.get(), actor=actor)
    services.hours_record(session=session, volunteer=volunteer, hours=3, actor=actor)
    client.force_login(actor)
    row = next(v for v in client.get("/volunteers/").context["page"].object_list if v.pk == volunteer.pk)
    assert (row.total_hours, row.program_count) == (3, 2)
