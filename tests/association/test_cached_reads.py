"""The reads every page repeats (a user's permissions and roles, the association's profile) are cached
(association.kernel.memo), and a change to what they were read from is seen by the very next page."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from association.kernel import memo
from association.kernel.roles import Role, user_roles
from association.models import AssociationProfile

pytestmark = pytest.mark.django_db


def _queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return [q["sql"] for q in captured.captured_queries]


def test_a_second_page_reads_no_permissions_roles_or_profile(client_for, manager):
    client = client_for(manager)
    url = reverse("requests_app:list")
    first = _queries(client, url)
    again = _queries(client, url)
    for table in ("auth_permission", "auth_group", "association_associationprofile"):
        assert any(table in sql for sql in first), table
        assert not any(f'FROM "{table}"' in sql for sql in again), table
    assert len(again) <= len(first) - 3


def test_a_role_taken_away_refuses_the_next_page(client_for, officer):
    client = client_for(officer)
    url = reverse("beneficiaries:desk")
    assert client.get(url).status_code == 200
    officer.groups.remove(Group.objects.get(name=Role.RELATIONS_OFFICER))
    assert client.get(url).status_code == 403


def test_a_permission_taken_from_a_group_refuses_the_next_page(client_for, officer):
    client = client_for(officer)
    url = reverse("beneficiaries:desk")
    assert client.get(url).status_code == 200
    group = Group.objects.get(name=Role.RELATIONS_OFFICER)
    group.permissions.remove(
        Permission.objects.get(codename="add_beneficiary", content_type__app_label="beneficiaries")
    )
    assert client.get(url).status_code == 403
    # And given back: allowed again at once.
    group.permissions.add(Permission.objects.get(codename="add_beneficiary", content_type__app_label="beneficiaries"))
    assert client.get(url).status_code == 200


def test_a_role_given_is_seen_at_once(client_for, make_user, officer):
    client = client_for(officer)
    agenda = reverse("requests_app:agenda")
    assert client.get(agenda).status_code == 403
    officer.groups.add(Group.objects.get(name=Role.COMMITTEE_MEMBER))
    assert client.get(agenda).status_code == 200
    fresh = type(officer).objects.get(pk=officer.pk)
    assert Role.COMMITTEE_MEMBER in user_roles(fresh)


def test_a_new_user_never_gets_another_users_cached_grants(manager):
    """A user deleted and a new one given the same number (SQLite reuses it) start from their own grants."""
    user_model, pk = type(manager), manager.pk
    assert manager.has_perm("beneficiaries.view_beneficiary")  # cached under ``pk``
    manager.delete()
    user_model.objects.create_user(pk=pk, username="newcomer")
    assert not user_model.objects.get(pk=pk).has_perm("beneficiaries.view_beneficiary")


def test_the_profile_edited_shows_on_the_next_page(client_for, manager):
    client = client_for(manager)
    url = reverse("requests_app:list")
    client.get(url)
    profile = AssociationProfile.get_solo()
    profile.name = "جمعية البر الأهلية بالمحطة"
    profile.save()
    assert "جمعية البر الأهلية بالمحطة" in client.get(url).content.decode()


def test_a_page_that_read_before_the_commit_does_not_keep_the_old_grants(officer):
    """The generation is replaced again when the change commits: an entry stored in between is retired."""
    stale = memo.read("grants", officer.pk, lambda: "read before the commit")
    memo.forget("grants")  # the signal, inside the transaction
    # Another request reads under the first replacement before the commit...
    assert memo.read("grants", officer.pk, lambda: "read before the commit") == stale
    # ...and the commit's replacement retires it.
    from django.core.cache import cache

    cache.set(memo._generation_key("grants"), "committed", None)
    assert memo.read("grants", officer.pk, lambda: "read after the commit") == "read after the commit"


def test_the_worker_reads_the_database(monkeypatch):
    from association.celery import _read_the_database

    monkeypatch.setattr(memo, "ENABLED", True)
    _read_the_database()
    assert memo.ENABLED is False
    calls = []
    memo.read("grants", 1, lambda: calls.append(1))
    memo.read("grants", 1, lambda: calls.append(1))
    assert calls == [1, 1]


def test_a_branch_renamed_shows_in_the_lists_filters_at_once(client_for, manager):
    from association.branches import Branch

    branch = Branch.objects.create(name="فرع الشمال")
    client = client_for(manager)
    url = reverse("requests_app:list")
    assert "فرع الشمال" in client.get(url).content.decode()
    again = _queries(client, url)
    assert not any('FROM "association_branch"' in sql for sql in again)  # read from the cache
    branch.name = "فرع الملقا"
    branch.save()
    page = client.get(url).content.decode()
    assert "فرع الملقا" in page and "فرع الشمال" not in page
    branch.delete()
    assert "فرع الملقا" not in client.get(reverse("channels_log:case_list")).content.decode()


def test_a_service_type_added_in_the_admin_is_a_filter_choice_at_once(client_for, manager):
    from requests_app.models import ServiceType

    client = client_for(manager)
    url = reverse("requests_app:list")
    client.get(url)
    ServiceType.objects.create(code="school_bags", name="حقيبة مدرسية")
    assert "حقيبة مدرسية" in client.get(url).content.decode()


def test_only_a_whole_table_is_cached():
    from association.channels import Channel

    memo.table_rows(Channel.objects.all())
    with CaptureQueriesContext(connection) as captured:
        whole = memo.table_rows(Channel.objects.all())
        active = memo.table_rows(Channel.objects.filter(is_active=True))
        sliced = memo.table_rows(Channel.objects.all()[:2])
    assert len(captured) == 2  # the filtered and the sliced read the database
    assert len(whole) >= len(active) and len(sliced) == 2


def test_a_bulk_update_of_the_channels_retires_them(client_for, officer):
    """Approving a policy switches channels on and off with one UPDATE (no signal): it retires the cache."""
    from association.channels import Channel
    from association.policy.services import _activate_channels

    before = {c.code: c.is_active for c in memo.table_rows(Channel.objects.all())}
    _activate_channels(["phone"])
    after = {c.code: c.is_active for c in memo.table_rows(Channel.objects.all())}
    assert after["phone"] and not any(active for code, active in after.items() if code != "phone")
    assert before != after
