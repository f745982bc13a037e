"""A policy tool link's foreign key to the registry's DocumentType became a kind and a reference (the association
layer points at no app above it): on a database migrated before, the links keep their document types, and
going back restores the foreign keys."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from association.policy import services
from association.policy.models import PolicyToolLink, policy_tool_key
from beneficiaries.models import DocumentType

BEFORE = [("association", "0007_channel_content_type")]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    ContentType.objects.clear_cache()
    return executor.loader.project_state(targets).apps


def _leaf_nodes():
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


@pytest.mark.django_db(transaction=True)
def test_links_keep_their_document_types_both_ways():
    reception = DocumentType.objects.create(code="reception", name="استمارة الاستقبال")
    income = DocumentType.objects.create(code="income", name="إثبات الدخل")
    old = _migrate(BEFORE)
    OldLink = old.get_model("association", "PolicyToolLink")
    for name, document_type, url in [
        ("نماذج الاستقبال", reception, ""),
        ("إثبات الدخل", income, "/x/"),
        ("سجل الشكاوى", None, "/cases/"),
    ]:
        OldLink.objects.create(
            name=name,
            name_normalized=policy_tool_key(name),
            document_type_id=getattr(document_type, "pk", None),
            url=url,
        )

    try:
        _migrate(_leaf_nodes())
        rows = list(PolicyToolLink.objects.order_by("name").values_list("name", "target_kind", "target_ref", "url"))
        assert rows == [
            ("إثبات الدخل", "document_type", str(income.pk), "/x/"),
            ("سجل الشكاوى", "", "", "/cases/"),
            ("نماذج الاستقبال", "document_type", str(reception.pk), ""),
        ]
        # The policy page names the same records as before.
        links = dict(services.policy_tool_links(["نماذج الاستقبال", "إثبات الدخل", "سجل الشكاوى"]))
        assert [link.target_name for link in links.values()] == ["استمارة الاستقبال", "إثبات الدخل", ""]

        # Back: the foreign keys return, except to a document type deleted meanwhile.
        PolicyToolLink.objects.filter(name="إثبات الدخل").update(target_ref="999999")
        old = _migrate(BEFORE)
        OldLink = old.get_model("association", "PolicyToolLink")
        assert dict(OldLink.objects.values_list("name", "document_type_id")) == {
            "نماذج الاستقبال": reception.pk,
            "إثبات الدخل": None,
            "سجل الشكاوى": None,
        }
    finally:
        _migrate(_leaf_nodes())
