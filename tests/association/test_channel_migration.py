"""Channel moved from channels_log to the association app: on a database migrated before the move, with
data, the migrations keep every row where it points, and the same groups and users hold the channel
permissions (now ``association.*_channel``: the same permission rows, their content type renamed)."""

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from association.channels import Channel
from association.kernel.roles import Role
from association.policy import services as policy_services
from association.policy.models import PolicyVersion
from channels_log.contacts.models import ContactEntry
from requests_app.models import SupportRequest
from tests.factories import BeneficiaryFactory, SupportRequestFactory, UserFactory

BEFORE = [
    ("association", "0005_form_submissions"),
    ("channels_log", "0009_decision_message_wording"),
    ("requests_app", "0005_policy_version_in_force"),
    ("surveys", "0002_one_answer_per_request_and_source_collected_via"),
]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    ContentType.objects.clear_cache()
    return executor.loader.project_state(targets).apps


def _leaf_nodes():
    executor = MigrationExecutor(connection)
    return executor.loader.graph.leaf_nodes()


@pytest.mark.django_db(transaction=True)
def test_rows_and_grants_survive_the_move():
    # Rows of the apps that gained columns since the move (branches, the procedure profile, encryption) are
    # written by today's models and carried back with the schema; the move's own rows by the models of the time.
    manager = UserFactory(role=Role.MANAGER)
    officer = UserFactory(role=Role.RELATIONS_OFFICER)
    phone, letter = Channel.objects.get(code="phone"), Channel.objects.get(code="letter")
    beneficiary = BeneficiaryFactory()
    support_request = SupportRequestFactory(channel=letter, created_by=officer)
    draft = policy_services.policy_create_draft(
        data={"title": "سياسة تنظيم العلاقة مع المستفيدين", "channels": ["phone", "letter", "website"]},
        sections=[{"kind": "channels", "heading": "القنوات", "items": ["الهاتف", "الخطابات", "الموقع"]}],
        actor=manager,
    )
    policy_services.policy_approve(
        version=draft,
        actor=manager,
        board_meeting=3,
        approval_date=dt.date(2026, 1, 5),
        signatory_name="رئيس المجلس",
        signatory_title="رئيس مجلس الإدارة",
    )
    old = _migrate(BEFORE)
    # The old state: Channel is channels_log's, its permissions hang on the channels_log content type.
    assert old.get_model("channels_log", "Channel")._meta.db_table == "channels_log_channel"
    OldPermission = old.get_model("auth", "Permission")
    OldGroup = old.get_model("auth", "Group")
    OldUser = old.get_model(*get_user_model()._meta.label.split("."))
    old_perms = list(
        OldPermission.objects.filter(content_type__app_label="channels_log", content_type__model="channel")
    )
    assert sorted(p.codename for p in old_perms) == ["add_channel", "change_channel", "delete_channel", "view_channel"]
    editors = OldGroup.objects.create(name="channel_editors")
    editors.permissions.set(old_perms)

    OldUser.objects.get(pk=officer.pk).user_permissions.add(*[p for p in old_perms if p.codename == "view_channel"])
    # The contact log has gained columns since (0014): its row is written by the model of the time.
    entry = old.get_model("channels_log", "ContactEntry").objects.create(
        channel_id=phone.pk,
        purpose="inquiry",
        beneficiary_id=beneficiary.pk,
        recorded_by_id=officer.pk,
        subject="استفسار",
        body="سأل عن مواعيد الاستقبال.",
    )
    active_before = set(Channel.objects.filter(is_active=True).values_list("pk", flat=True))
    channel_pks = dict(Channel.objects.values_list("code", "pk"))

    _migrate(_leaf_nodes())

    # Every row points where it pointed.
    assert ContactEntry.objects.get(pk=entry.pk).channel_id == phone.pk
    assert SupportRequest.objects.get(pk=support_request.pk).channel_id == letter.pk
    assert dict(Channel.objects.values_list("code", "pk")) == channel_pks
    assert set(Channel.objects.filter(is_active=True).values_list("pk", flat=True)) == active_before
    assert policy_services.policy_in_force().pk == draft.pk
    assert PolicyVersion.objects.get(pk=draft.pk).channels == ["phone", "letter", "website"]

    # The same permission rows, now association's; the same holders.
    content_type = ContentType.objects.get_for_model(Channel)
    assert (content_type.app_label, content_type.model) == ("association", "channel")
    assert not ContentType.objects.filter(app_label="channels_log", model="channel").exists()
    editors.refresh_from_db()
    assert sorted(editors.permissions.values_list("pk", flat=True)) == sorted(p.pk for p in old_perms)
    member = UserFactory()
    member.groups.add(editors.pk)
    member = get_user_model().objects.get(pk=member.pk)
    assert member.has_perms(
        [
            "association.view_channel",
            "association.add_channel",
            "association.change_channel",
            "association.delete_channel",
        ]
    )
    assert not member.has_perm("channels_log.view_channel")
    officer = get_user_model().objects.get(pk=officer.pk)
    assert officer.has_perm("association.view_channel")
