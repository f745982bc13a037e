"""Branch offices: records carry the branch of whoever recorded them (or the one chosen), a branch's requests go
to its own researchers, lists filter by branch and the reports count per branch."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from association.branches import Branch, StaffBranch, branch_of, staff_branch_set
from association.channels import Channel
from association.kernel.roles import Role
from beneficiaries import services as beneficiary_services
from beneficiaries.models import Consent
from channels_log.contacts.models import ContactEntry
from channels_log.contacts.services import contact_record
from requests_app import services
from requests_app.forms import ReferForm
from requests_app.models import SupportRequest
from tests.factories import BeneficiaryFactory, ServiceTypeFactory, SupportRequestFactory

from .factories import force_status

S = SupportRequest.Status


@pytest.fixture
def kharj(db):
    return Branch.objects.create(name="مكتب الخرج", city="الخرج", phone="0115440000")


@pytest.fixture
def diriyah(db):
    return Branch.objects.create(name="مكتب الدرعية", city="الدرعية")


def _attach(user, branch):
    StaffBranch.objects.update_or_create(user=user, defaults={"branch": branch})
    user.__dict__.pop("_portal_branch", None)
    return user


def _draft(actor, **kwargs):
    return services.support_request_create_draft(
        beneficiary=kwargs.pop("beneficiary", None) or BeneficiaryFactory(),
        service_type=ServiceTypeFactory(),
        channel=Channel.objects.get(code="representative"),
        description="زيارة ميدانية",
        actor=actor,
        **kwargs,
    )


# ---- records carry their branch ------------------------------------------------------------------------


def test_a_draft_takes_the_recording_staff_members_branch(make_user, kharj):
    representative = _attach(make_user(Role.REPRESENTATIVE), kharj)
    assert _draft(representative).branch == kharj


def test_a_chosen_branch_wins_and_a_head_office_officer_falls_back_to_the_beneficiarys(officer, kharj, diriyah):
    assert _draft(officer, branch=diriyah).branch == diriyah
    assert _draft(officer, beneficiary=BeneficiaryFactory(branch=kharj)).branch == kharj
    assert _draft(officer).branch is None  # the head office


def test_registration_contact_and_case_carry_the_branch(make_user, kharj):
    representative = _attach(make_user(Role.REPRESENTATIVE), kharj)
    beneficiary = beneficiary_services.beneficiary_register(
        actor=representative,
        data={
            "national_id": "1000000008",
            "first_name": "سارة",
            "father_name": "علي",
            "grandfather_name": "حمد",
            "family_name": "الحربي",
            "gender": "female",
            "birth_date": "1985-03-01",
            "marital_status": "widowed",
            "mobile": "+966501234567",
            "city": "الخرج",
        },
        consents=[Consent.Purpose.DATA_PROCESSING],
        confirm_duplicate=True,
    )
    assert beneficiary.branch == kharj
    complaint = contact_record(
        actor=representative,
        channel=Channel.objects.get(code="representative"),
        purpose=ContactEntry.Purpose.COMPLAINT,
        beneficiary=beneficiary,
        subject="تأخر الرد",
    )
    assert complaint.branch == kharj
    assert complaint.case.branch == kharj


def test_the_portals_own_contact_about_a_request_takes_the_requests_branch(kharj):
    support_request = SupportRequestFactory(branch=kharj)
    entry = contact_record(
        actor=None,
        channel=Channel.objects.get(code="website"),
        purpose=ContactEntry.Purpose.INQUIRY,
        beneficiary=support_request.beneficiary,
        support_request=support_request,
        subject="استفسار",
    )
    assert entry.branch == kharj and entry.case.branch == kharj


# ---- a branch's requests go to its researchers ---------------------------------------------------------


def test_a_branch_request_is_referred_only_to_the_branchs_researchers(officer, make_user, kharj):
    own = _attach(make_user(Role.SOCIAL_RESEARCHER, first_name="هيا"), kharj)
    head_office = make_user(Role.SOCIAL_RESEARCHER, first_name="فهد")
    support_request = SupportRequestFactory(branch=kharj)
    force_status(support_request, S.SUBMITTED)
    form = ReferForm(prefix="refer", branch=kharj)
    assert list(form.fields["researcher"].queryset) == [own]
    with translation.override("ar"), pytest.raises(ValidationError) as info:
        services.research_refer(support_request=support_request, actor=officer, researcher=head_office, reason="زيارة")
    assert "مكتب الخرج" in info.value.message_dict["researcher"][0]
    support_request.refresh_from_db()
    assert support_request.status == S.SUBMITTED and support_request.researcher is None
    services.research_refer(support_request=support_request, actor=officer, researcher=own, reason="زيارة")
    support_request.refresh_from_db()
    assert (support_request.status, support_request.researcher) == (S.IN_RESEARCH, own)


def test_a_branch_without_researchers_and_the_head_office_use_any_researcher(officer, make_user, kharj, diriyah):
    in_kharj = _attach(make_user(Role.SOCIAL_RESEARCHER), kharj)
    head_office = make_user(Role.SOCIAL_RESEARCHER)
    assert set(ReferForm(branch=diriyah).fields["researcher"].queryset) == {in_kharj, head_office}
    assert set(ReferForm(branch=None).fields["researcher"].queryset) == {in_kharj, head_office}
    support_request = SupportRequestFactory(branch=diriyah)
    force_status(support_request, S.SUBMITTED)
    services.research_refer(support_request=support_request, actor=officer, researcher=in_kharj, reason="زيارة")
    support_request.refresh_from_db()
    assert support_request.researcher == in_kharj


def test_an_inactive_branch_researcher_does_not_hold_the_branch(officer, make_user, kharj):
    gone = _attach(make_user(Role.SOCIAL_RESEARCHER), kharj)
    gone.is_active = False
    gone.save()
    head_office = make_user(Role.SOCIAL_RESEARCHER)
    assert list(ReferForm(branch=kharj).fields["researcher"].queryset) == [head_office]


def test_the_refer_page_lists_only_the_branchs_researchers(client_for, officer, make_user, kharj):
    own = _attach(make_user(Role.SOCIAL_RESEARCHER, first_name="هيا"), kharj)
    other = make_user(Role.SOCIAL_RESEARCHER, first_name="فهد")
    support_request = SupportRequestFactory(branch=kharj)
    force_status(support_request, S.SUBMITTED)
    client = client_for(officer)
    page = client.get(support_request.get_absolute_url()).content.decode()
    assert f'value="{own.pk}"' in page and f'value="{other.pk}"' not in page
    refused = client.post(
        f"/requests/{support_request.pk}/refer/", {"refer-researcher": other.pk, "refer-reason": "زيارة ميدانية"}
    )
    assert refused.status_code == 400
    assert "زيارة ميدانية" in refused.content.decode()  # the typed reason is kept
    support_request.refresh_from_db()
    assert support_request.status == S.SUBMITTED


# ---- who attaches staff to branches --------------------------------------------------------------------


def test_only_the_manager_attaches_staff_to_a_branch(manager, officer, make_user, kharj):
    researcher = make_user(Role.SOCIAL_RESEARCHER)
    with pytest.raises(PermissionDenied):
        staff_branch_set(actor=officer, user=researcher, branch=kharj)
    assert not StaffBranch.objects.filter(user=researcher).exists()
    staff_branch_set(actor=manager, user=researcher, branch=kharj)
    assert branch_of(researcher) == kharj
    staff_branch_set(actor=manager, user=researcher, branch=None)
    assert not StaffBranch.objects.filter(user=researcher).exists()


def test_a_closed_branch_takes_no_staff(manager, make_user, kharj):
    kharj.is_active = False
    kharj.save()
    with pytest.raises(ValidationError) as info:
        staff_branch_set(actor=manager, user=make_user(Role.REPRESENTATIVE), branch=kharj)
    assert "branch" in info.value.message_dict


def test_the_manager_sets_a_branch_from_the_staff_page(client_for, manager, make_user, kharj):
    representative = make_user(Role.REPRESENTATIVE)
    client = client_for(manager)
    response = client.post(f"/branches/staff/{representative.pk}/", {f"u{representative.pk}-branch": kharj.pk})
    assert response.status_code == 302
    assert StaffBranch.objects.get(user=representative).branch == kharj
    bad = client.post(f"/branches/staff/{representative.pk}/", {f"u{representative.pk}-branch": "99999999999"})
    assert bad.status_code == 400
    assert StaffBranch.objects.get(user=representative).branch == kharj


def test_the_manager_creates_a_branch_and_a_missing_name_keeps_the_typed_data(client_for, manager):
    client = client_for(manager)
    with translation.override("ar"):
        refused = client.post("/branches/new/", {"name": "", "city": "الخرج", "phone": "0115440000"})
    assert refused.status_code == 400
    page = refused.content.decode()
    assert "0115440000" in page and "is-invalid" in page
    assert not Branch.objects.exists()
    created = client.post("/branches/new/", {"name": "مكتب الخرج", "city": "الخرج", "is_active": "on"})
    assert created.status_code == 302
    assert Branch.objects.get().city == "الخرج"


def test_the_staff_page_does_not_query_per_row(client_for, manager, make_user, kharj):
    client = client_for(manager)
    for _ in range(3):
        _attach(make_user(Role.SOCIAL_RESEARCHER), kharj)
    client.get("/branches/staff/")
    with CaptureQueriesContext(connection) as few:
        client.get("/branches/staff/")
    for _ in range(8):
        _attach(make_user(Role.REPRESENTATIVE), kharj)
    with CaptureQueriesContext(connection) as many:
        response = client.get("/branches/staff/")
    assert response.status_code == 200
    assert len(many) == len(few)


# ---- lists and reports ---------------------------------------------------------------------------------


def test_lists_filter_by_branch(client_for, manager, kharj, diriyah):
    in_kharj = SupportRequestFactory(branch=kharj, beneficiary=BeneficiaryFactory(branch=kharj, family_name="الخرجي"))
    in_diriyah = SupportRequestFactory(branch=diriyah, beneficiary=BeneficiaryFactory(family_name="القرشي"))
    client = client_for(manager)
    requests_page = client.get("/requests/", {"branch": kharj.pk}).content.decode()
    assert f"/requests/{in_kharj.pk}/" in requests_page and f"/requests/{in_diriyah.pk}/" not in requests_page
    beneficiaries_page = client.get("/beneficiaries/", {"branch": kharj.pk}).content.decode()
    assert "الخرجي" in beneficiaries_page and "القرشي" not in beneficiaries_page
    for bad in ("abc", "99999999999999999999", "-1"):
        assert client.get("/beneficiaries/", {"branch": bad}).status_code == 200
        assert client.get("/requests/", {"branch": bad}).status_code == 200


def test_contact_and_case_lists_filter_by_branch(client_for, manager, make_user, kharj):
    representative = _attach(make_user(Role.REPRESENTATIVE), kharj)
    channel = Channel.objects.get(code="representative")
    field = contact_record(
        actor=representative, channel=channel, purpose="inquiry", contact_name="زائر الخرج", subject="في الخرج"
    )
    office = contact_record(
        actor=manager_officer(make_user), channel=channel, purpose="inquiry", contact_name="زائر", subject="في المقر"
    )
    client = client_for(manager)
    contacts = client.get("/contacts/", {"branch": kharj.pk}).content.decode()
    assert "في الخرج" in contacts and "في المقر" not in contacts
    cases = client.get("/cases/", {"branch": kharj.pk}).content.decode()
    assert field.case.reference in cases and office.case.reference not in cases
    assert client.get("/cases/", {"branch": "x"}).status_code == 200


def manager_officer(make_user):
    return make_user(Role.RELATIONS_OFFICER)


def test_the_reports_count_per_branch(client_for, manager, make_user, kharj):
    from channels_log.cases import reports

    representative = _attach(make_user(Role.REPRESENTATIVE), kharj)
    channel = Channel.objects.get(code="representative")
    for subject in ("أ", "ب"):
        contact_record(actor=representative, channel=channel, purpose="complaint", contact_name="س", subject=subject)
    contact_record(actor=make_user(Role.RELATIONS_OFFICER), channel=channel, purpose="note", contact_name="ص")
    _draft(representative)
    start, end = reports.default_period(None, None)
    with translation.override("ar"):
        rows = {str(r["branch"]): r for r in reports.build(start=start, end=end)["by_branch"]}
    assert rows["مكتب الخرج"] == {"branch": "مكتب الخرج", "contacts": 2, "requests": 1, "cases": 2, "open_cases": 2}
    assert rows["المقر الرئيسي"]["contacts"] == 1 and rows["المقر الرئيسي"]["cases"] == 0
    page = client_for(manager).get("/cases/reports/").content.decode()
    assert 'id="by-branch"' in page and "مكتب الخرج" in page
