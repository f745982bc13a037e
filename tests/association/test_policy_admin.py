import pytest
from django.urls import reverse

from association.policy.models import PolicyToolLink
from beneficiaries.models import DocumentType

from .factories import PolicyVersionFactory

pytestmark = pytest.mark.django_db


def test_admin_shows_versions_read_only_and_links_tools(admin_client):
    version = PolicyVersionFactory()
    assert admin_client.get(reverse("admin:association_policyversion_changelist")).status_code == 200
    page = admin_client.get(reverse("admin:association_policyversion_change", args=[version.pk]))
    assert page.status_code == 200
    assert 'name="title"' not in page.content.decode()  # read-only: changes go through the services
    assert admin_client.get(reverse("admin:association_policyversion_add")).status_code == 403

    doc_type = DocumentType.objects.create(code="reception", name="نموذج الاستقبال")
    form = admin_client.get(reverse("admin:association_policytoollink_add")).content.decode()
    assert f'value="document_type:{doc_type.pk}"' in form and "نموذج الاستقبال" in form
    response = admin_client.post(
        reverse("admin:association_policytoollink_add"),
        {"name": "نماذج الاستقبال", "target": f"document_type:{doc_type.pk}", "url": ""},
    )
    assert response.status_code == 302
    link = PolicyToolLink.objects.get()
    assert link.name_normalized == "نماذج الاستقبال"
    assert (link.target_kind, link.target_ref) == ("document_type", str(doc_type.pk))
    changelist = admin_client.get(reverse("admin:association_policytoollink_changelist")).content.decode()
    assert "نموذج الاستقبال" in changelist
    change = admin_client.get(reverse("admin:association_policytoollink_change", args=[link.pk])).content.decode()
    assert f'value="document_type:{doc_type.pk}" selected' in change

    # A forged record kind is refused next to the field, and nothing is saved.
    response = admin_client.post(
        reverse("admin:association_policytoollink_add"), {"name": "أداة أخرى", "target": "beneficiary:1", "url": ""}
    )
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["target"]
    assert PolicyToolLink.objects.count() == 1
