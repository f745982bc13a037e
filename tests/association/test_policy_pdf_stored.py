"""The public policy PDF is rendered once per published version and served as a stored file; it is
rendered again only when what it shows changes (status, letterhead). Drafts are rendered each time."""

import pytest
from django.urls import reverse

from association.models import AssociationProfile, BankAccount
from association.policy import documents
from association.policy.models import PolicyVersion
from tests.concurrency import run_at_once
from tests.services import require_postgres

from .factories import ApprovedPolicyVersionFactory, PolicyVersionFactory


@pytest.fixture
def renders(monkeypatch):
    """Counts real renders: the renderer runs as always, each call is noted."""
    calls = []
    real = documents.render_pdf

    def counted(template_name, context):
        calls.append(context["version"].pk)
        return real(template_name, context)

    monkeypatch.setattr(documents, "render_pdf", counted)
    return calls


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def _get(client, version):
    response = client.get(reverse("policy:public_pdf", kwargs={"pk": version.pk}))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    return b"".join(response.streaming_content) if response.streaming else response.content


@pytest.mark.django_db
def test_a_second_anonymous_get_renders_nothing(client, renders, tmp_path):
    AssociationProfile.objects.create(name="جمعية الاختبار")
    version = ApprovedPolicyVersionFactory()
    first = _get(client, version)
    assert first.startswith(b"%PDF") and renders == [version.pk]
    stored = PolicyVersion.objects.get(pk=version.pk).pdf
    assert (tmp_path / stored.name).read_bytes() == first

    second = _get(client, version)
    assert renders == [version.pk]  # nothing rendered again
    assert second == first


@pytest.mark.django_db
def test_a_new_letterhead_or_status_renders_it_again(client, renders, tmp_path, django_capture_on_commit_callbacks):
    profile = AssociationProfile.objects.create(name="جمعية الاختبار")
    version = ApprovedPolicyVersionFactory()
    _get(client, version)
    old_file = PolicyVersion.objects.get(pk=version.pk).pdf.name

    profile.name = "جمعية الاختبار الخيرية"
    profile.save()
    with django_capture_on_commit_callbacks(execute=True):  # the replaced file is deleted once committed
        _get(client, version)
    assert len(renders) == 2
    new_file = PolicyVersion.objects.get(pk=version.pk).pdf.name
    assert new_file != old_file and not (tmp_path / old_file).exists() and (tmp_path / new_file).exists()

    BankAccount.objects.create(profile=profile, iban="SA0380000000608010167519", account_name="التبرعات")
    _get(client, version)
    PolicyVersion.objects.filter(pk=version.pk).update(status=PolicyVersion.Status.SUPERSEDED)
    _get(client, version)
    _get(client, version)
    assert len(renders) == 4


@pytest.mark.django_db
def test_staff_get_the_stored_file_of_a_published_version_and_a_fresh_draft(client_for, manager, renders):
    approved, draft = ApprovedPolicyVersionFactory(), PolicyVersionFactory()
    client = client_for(manager)
    for _ in range(2):
        assert client.get(reverse("policy:pdf", kwargs={"pk": approved.pk})).status_code == 200
        assert client.get(reverse("policy:pdf", kwargs={"pk": draft.pk})).status_code == 200
    assert renders.count(approved.pk) == 1
    assert renders.count(draft.pk) == 2  # a draft changes: never stored
    assert not PolicyVersion.objects.get(pk=draft.pk).pdf
    assert client.get(reverse("policy:public_pdf", kwargs={"pk": draft.pk})).status_code == 404


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_first_visitors_at_the_same_instant_render_it_once(renders):
    require_postgres()
    version = ApprovedPolicyVersionFactory()

    def visit():
        return documents.policy_pdf_file(PolicyVersion.objects.get(pk=version.pk)).name

    names = run_at_once([visit] * 4)
    assert renders == [version.pk]
    assert len(set(names)) == 1 and len(names) == 4
