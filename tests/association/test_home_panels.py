"""The role home and seed_demo know no app: they run what each app registered (kernel registry)."""

from django.urls import reverse

from association.kernel import registry
from association.kernel.registry import Panel
from association.kernel.roles import Role


def _names(slot):
    return [f"{p.__module__}.{p.__name__}" for p in registry.providers(slot)]


def test_each_app_registers_its_home_panel_in_page_order():
    assert _names("home_panels") == [
        "beneficiaries.dashboard.home_panel",
        "requests_app.dashboard.home_panel",
        "surveys.dashboard.home_panel",
        "programs.providers.home_panel",
    ]


def test_the_manager_home_shows_every_panel_in_order(make_user, client_for):
    page = client_for(make_user(Role.MANAGER)).get(reverse("home")).content.decode()
    marks = [
        f'href="{reverse("beneficiaries:list")}"',  # the registry's card
        f'href="{reverse("requests_app:list")}?status=',  # requests by status
        'id="home-overdue"',  # the manager's request panels
        f'href="{reverse("surveys:actions")}"',  # improvement actions
    ]
    positions = [page.index(mark) for mark in marks]
    assert positions == sorted(positions)


def test_the_home_renders_what_a_provider_returns(make_user, client_for):
    def provider(*, user):
        return Panel("beneficiaries/_home.html", {"beneficiary_count": 4242})

    registry.register("home_panels", provider, order=99)
    try:
        page = client_for(make_user(Role.COMMITTEE_MEMBER)).get(reverse("home")).content.decode()
    finally:
        registry.unregister("home_panels", provider)
    assert "4242" in page


def test_a_panel_is_left_out_for_who_may_not_see_it(make_user, client_for):
    """A committee member does not hold surveys.view_improvementaction: no improvement-actions panel."""
    page = client_for(make_user(Role.COMMITTEE_MEMBER)).get(reverse("home")).content.decode()
    assert 'id="home-agenda"' in page
    assert reverse("surveys:actions") not in page


def test_demo_loaders_run_in_layer_order():
    assert _names("demo") == [
        "association.demo.seed_profile",
        "association.demo.seed_branches",
        "association.policy.demo.seed_file",
        "beneficiaries.demo.seed_catalogue",
        "requests_app.demo.seed_catalogue",
        "beneficiaries.demo.seed_people",
        "channels_log.contacts.demo.seed_intake_contacts",
        "requests_app.demo.seed_intake_drafts",
        "channels_log.contacts.demo.seed_field_intake",
        "association.policy.demo.seed",
        "requests_app.demo.seed",
        "selfservice.demo.seed",
        "surveys.demo.seed",
        "programs.demo.seed",
        "channels_log.cases.demo.seed",
        "channels_log.messaging.demo.seed",
        "beneficiaries.privacy.demo.seed",
        "association.breaches.seed_demo",
    ]
