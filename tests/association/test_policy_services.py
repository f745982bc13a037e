"""Policy versions: drafts, board approval by the manager, the version in force, the channel registry."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from association.channels import Channel
from association.policy import services
from association.policy.models import PolicyEvent, PolicyToolLink, PolicyVersion
from beneficiaries.models import DocumentType

from .factories import ApprovedPolicyVersionFactory, PolicyVersionFactory

RIYADH = ZoneInfo("Asia/Riyadh")
pytestmark = pytest.mark.django_db


def _approve(version, actor, **overrides):
    data = {
        "board_meeting": 2,
        "board_session": 1,
        "decision_number": "5/3",
        "approval_date": dt.date(2024, 1, 10),
        "signatory_name": "أ. سعد بن علي",
        "signatory_title": "رئيس مجلس الإدارة",
    }
    return services.policy_approve(version=version, actor=actor, **{**data, **overrides})


def test_manager_approves_a_draft_which_becomes_in_force(manager):
    draft = PolicyVersionFactory(decision_window_days=21)
    assert services.policy_in_force() is None
    assert services.policy_decision_window_days() == 14

    _approve(draft, manager)

    draft.refresh_from_db()
    assert draft.status == PolicyVersion.Status.APPROVED
    assert (draft.board_meeting, draft.decision_number, draft.approved_by) == (2, "5/3", manager)
    assert services.policy_in_force() == draft
    assert services.policy_decision_window_days() == 21
    event = draft.events.get(action=PolicyEvent.Action.APPROVED)
    assert (event.old_status, event.new_status, event.actor) == ("draft", "approved", manager)


@pytest.mark.parametrize("fixture", ["officer", "researcher", "member", "chair", "outsider"])
def test_only_the_manager_approves(fixture, request):
    draft = PolicyVersionFactory()
    with pytest.raises(PermissionDenied):
        _approve(draft, request.getfixturevalue(fixture))
    draft.refresh_from_db()
    assert draft.status == PolicyVersion.Status.DRAFT
    assert not draft.events.exists()


def test_approval_supersedes_the_previous_version(manager):
    first = PolicyVersionFactory()
    _approve(first, manager)
    second = PolicyVersionFactory()
    _approve(second, manager, board_meeting=5)

    first.refresh_from_db()
    assert first.status == PolicyVersion.Status.SUPERSEDED
    assert first.events.filter(action=PolicyEvent.Action.SUPERSEDED, actor=manager).exists()
    assert services.policy_in_force() == second
    assert PolicyVersion.objects.filter(status=PolicyVersion.Status.APPROVED).count() == 1


def test_approval_requires_the_board_data_and_a_past_date(manager):
    draft = PolicyVersionFactory()
    with pytest.raises(ValidationError) as error:
        _approve(draft, manager, board_meeting=None, signatory_name=" ", approval_date=dt.date(2999, 1, 1))
    assert set(error.value.message_dict) == {"board_meeting", "signatory_name", "approval_date"}
    draft.refresh_from_db()
    assert draft.status == PolicyVersion.Status.DRAFT


def test_an_approved_version_cannot_be_approved_again_nor_edited(manager):
    version = ApprovedPolicyVersionFactory()
    with pytest.raises(ValidationError):
        _approve(version, manager)
    with pytest.raises(ValidationError):
        services.policy_update_draft(version=version, data={"title": "تعديل"}, sections=None, actor=manager)
    version.refresh_from_db()
    assert version.title != "تعديل"


def test_editing_an_approved_version_means_a_new_draft(manager):
    approved = ApprovedPolicyVersionFactory(decision_window_days=14)
    draft = services.policy_new_draft(source=approved, actor=manager)
    assert draft.status == PolicyVersion.Status.DRAFT
    assert draft.based_on == approved
    assert draft.number == approved.number + 1
    assert [s.heading for s in draft.sections.all()] == [s.heading for s in approved.sections.all()]
    assert (draft.board_meeting, draft.approval_date, draft.signatory_name) == (None, None, "")

    services.policy_update_draft(
        version=draft,
        data={"decision_window_days": 30},
        sections=[{"kind": "procedure", "heading": "الإجراءات", "paragraphs": [], "items": ["خطوة"]}],
        actor=manager,
    )
    draft.refresh_from_db()
    assert draft.decision_window_days == 30
    assert list(draft.sections.values_list("heading", flat=True)) == ["الإجراءات"]
    # The change is not in force until the new version is approved.
    assert services.policy_decision_window_days() == 14
    assert draft.events.filter(action=PolicyEvent.Action.EDITED, actor=manager).exists()


def test_approval_makes_the_policy_channels_the_active_set(manager):
    Channel.objects.filter(code="representative").update(is_active=False)
    draft = PolicyVersionFactory(channels=["interview", "phone", "representative"])
    _approve(draft, manager)
    active = set(Channel.objects.filter(is_active=True).values_list("code", flat=True))
    assert active == {"interview", "phone", "representative"}
    # Channels outside the policy are kept, only inactive.
    assert Channel.objects.filter(code__in=Channel.CORE_CODES).count() == len(Channel.CORE_CODES)


def test_unknown_channel_codes_are_refused(manager):
    with pytest.raises(ValidationError) as error:
        services.policy_create_draft(
            data={"title": "سياسة", "channels": ["pigeon"]},
            sections=[{"kind": "other", "heading": "تمهيد", "items": ["نص"]}],
            actor=manager,
        )
    assert "channels" in error.value.message_dict
    assert not PolicyVersion.objects.exists()


def test_a_draft_needs_a_section_and_a_title(manager):
    with pytest.raises(ValidationError):
        services.policy_create_draft(data={"title": "سياسة"}, sections=[], actor=manager)
    with pytest.raises(ValidationError):
        services.policy_create_draft(
            data={"title": " "}, sections=[{"heading": "تمهيد", "items": ["نص"]}], actor=manager
        )
    assert not PolicyVersion.objects.exists()


def test_the_version_in_force_at_a_moment_is_the_last_approved_before_it(manager):
    with time_machine.travel(dt.datetime(2025, 3, 1, 9, 0, tzinfo=RIYADH), tick=False):
        first = PolicyVersionFactory(decision_window_days=14)
        _approve(first, manager)
    with time_machine.travel(dt.datetime(2025, 6, 1, 0, 0, tzinfo=RIYADH), tick=False):
        second = PolicyVersionFactory(decision_window_days=21)
        _approve(second, manager)

    just_before = dt.datetime(2025, 5, 31, 23, 59, 59, tzinfo=RIYADH)
    at_approval = dt.datetime(2025, 6, 1, 0, 0, tzinfo=RIYADH)
    assert services.policy_in_force(just_before) == first
    assert services.policy_decision_window_days(just_before) == 14
    assert services.policy_in_force(at_approval) == second
    assert services.policy_decision_window_days(at_approval) == 21
    assert services.policy_in_force(dt.datetime(2025, 2, 1, tzinfo=RIYADH)) is None


def test_a_policy_that_states_no_window_has_none(manager):
    assert services.policy_decision_window_days() == 14  # no policy approved yet: the default
    draft = PolicyVersionFactory(decision_window_days=None)
    _approve(draft, manager)
    assert services.policy_decision_window_days() is None


def test_tools_link_to_staff_documents_by_normalised_name():
    doc_type = DocumentType.objects.create(code="reception-form", name="نموذج الاستقبال")
    gone = DocumentType.objects.create(code="old-form", name="نموذج قديم")
    PolicyToolLink.objects.create(name="نماذج الاستقبال", target_kind="document_type", target_ref=str(doc_type.pk))
    PolicyToolLink.objects.create(name="سجل الشكاوى", url="/complaints/")
    PolicyToolLink.objects.create(name="دليل قديم", target_kind="document_type", target_ref=str(gone.pk))
    gone.delete()  # a record removed since: the link names nothing, as an empty link would
    links = services.policy_tool_links(["نماذج الإستقبال", "سجل الشكاوى.", "دليل الخدمات", "دليل قديم"])
    assert [(tool, link and (link.target_label, link.target_name, link.url)) for tool, link in links] == [
        ("نماذج الإستقبال", ("نوع المستند", "نموذج الاستقبال", "")),
        ("سجل الشكاوى.", ("", "", "/complaints/")),
        ("دليل الخدمات", None),
        ("دليل قديم", ("", "", "")),
    ]


def test_tool_links_cost_the_same_queries_for_one_link_or_many(django_assert_num_queries):
    tools = []
    for n in range(6):
        doc_type = DocumentType.objects.create(code=f"form-{n}", name=f"نموذج {n}")
        tools.append(f"أداة {n}")
        PolicyToolLink.objects.create(name=tools[-1], target_kind="document_type", target_ref=str(doc_type.pk))
    with django_assert_num_queries(2):  # the links, then the document types they name
        one = services.policy_tool_links(tools[:1])
    with django_assert_num_queries(2):
        many = services.policy_tool_links(tools)
    assert [link.target_name for _tool, link in one + many] == ["نموذج 0", *[f"نموذج {n}" for n in range(6)]]


def test_a_tool_link_names_a_registered_kind_with_its_record():
    link = PolicyToolLink(name="أداة", target_kind="document_type", target_ref="")
    with pytest.raises(ValidationError):
        link.full_clean()
    link = PolicyToolLink(name="أداة", target_kind="beneficiary", target_ref="1")
    with pytest.raises(ValidationError):
        link.full_clean()
    PolicyToolLink(name="أداة", target_kind="document_type", target_ref="1").full_clean()


def test_the_request_engine_reads_the_window_of_the_policy_in_force(manager):
    from requests_app.services import decision_window_days

    draft = PolicyVersionFactory(decision_window_days=21)
    assert decision_window_days() == 14
    _approve(draft, manager)
    assert decision_window_days() == 21


# --- the lifecycle and who may take its steps ----------------------------------------------------------


def test_the_policy_lifecycle_is_this_table():
    """Stated literally: a draft is approved, an approved version is superseded, and nothing comes back."""
    assert PolicyVersion.TRANSITIONS == {
        "draft": {"approved": "association.approve_policyversion"},
        "approved": {"superseded": "association.approve_policyversion"},
        "superseded": {},
    }


def test_each_status_change_writes_its_audit_row_with_both_statuses(manager):
    first = PolicyVersionFactory()
    _approve(first, manager)
    second = PolicyVersionFactory()
    _approve(second, manager)
    superseded = first.events.get(action=PolicyEvent.Action.SUPERSEDED)
    approved = second.events.get(action=PolicyEvent.Action.APPROVED)
    assert (superseded.old_status, superseded.new_status, superseded.actor) == ("approved", "superseded", manager)
    assert str(second.number) in superseded.note
    assert (approved.old_status, approved.new_status) == ("draft", "approved")
    assert superseded.at == approved.at


def test_the_permission_decides_not_the_group_name(make_user, manager):
    from django.contrib.auth.models import Permission

    holder = make_user(None)
    holder.user_permissions.add(Permission.objects.get(codename="approve_policyversion"))
    holder = type(holder).objects.get(pk=holder.pk)  # a fresh permission cache
    draft = PolicyVersionFactory()
    _approve(draft, holder)
    draft.refresh_from_db()
    assert (draft.status, draft.approved_by) == (PolicyVersion.Status.APPROVED, holder)
    with pytest.raises(PermissionDenied):
        services.policy_new_draft(source=draft, actor=holder)  # approving is not creating drafts


def test_an_inactive_manager_changes_nothing(manager):
    draft = PolicyVersionFactory()
    manager.is_active = False
    with pytest.raises(PermissionDenied):
        _approve(draft, manager)
    with pytest.raises(PermissionDenied):
        services.policy_update_draft(version=draft, data={"title": "تعديل"}, sections=None, actor=manager)
    draft.refresh_from_db()
    assert (draft.status, draft.title != "تعديل") == (PolicyVersion.Status.DRAFT, True)


def test_an_imported_title_too_long_for_its_column_is_a_field_error_and_saves_nothing(manager):
    from association.policy.importing import parse_policy

    parsed = parse_policy(["سياسة " + "العلاقة " * 60, "القنوات:", "- المقابلة"])
    assert len(parsed.title) > 300
    with pytest.raises(ValidationError) as error:
        services.policy_import(parsed=parsed, actor=manager, source_name="long.txt")
    assert "title" in error.value.message_dict
    assert not PolicyVersion.objects.exists()
