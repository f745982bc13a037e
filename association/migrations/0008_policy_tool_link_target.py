"""A policy tool link names its record by kind and reference instead of a foreign key to the registry's
DocumentType: the association layer points at no app above it. Each link to a document type keeps it
(``target_kind="document_type"``, ``target_ref`` its id); going back restores the foreign key of those whose
document type still exists."""

from django.db import migrations, models

DOCUMENT_TYPE = "document_type"


def forwards(apps, schema_editor):
    PolicyToolLink = apps.get_model("association", "PolicyToolLink")
    for link in PolicyToolLink.objects.exclude(document_type__isnull=True).only("pk", "document_type_id"):
        PolicyToolLink.objects.filter(pk=link.pk).update(
            target_kind=DOCUMENT_TYPE, target_ref=str(link.document_type_id)
        )


def backwards(apps, schema_editor):
    PolicyToolLink = apps.get_model("association", "PolicyToolLink")
    DocumentType = PolicyToolLink._meta.get_field("document_type").related_model
    links = PolicyToolLink.objects.filter(target_kind=DOCUMENT_TYPE).only("pk", "target_ref")
    existing = set(DocumentType.objects.values_list("pk", flat=True))
    for link in links:
        if link.target_ref.isdigit() and int(link.target_ref) in existing:
            PolicyToolLink.objects.filter(pk=link.pk).update(document_type_id=int(link.target_ref))


class Migration(migrations.Migration):
    dependencies = [
        ("association", "0007_channel_content_type"),
    ]

    operations = [
        migrations.AddField(
            model_name="policytoollink",
            name="target_kind",
            field=models.CharField(blank=True, max_length=40, verbose_name="linked record kind"),
        ),
        migrations.AddField(
            model_name="policytoollink",
            name="target_ref",
            field=models.CharField(blank=True, max_length=64, verbose_name="linked record"),
        ),
        migrations.RunPython(forwards, backwards),
        migrations.RemoveField(
            model_name="policytoollink",
            name="document_type",
        ),
    ]
