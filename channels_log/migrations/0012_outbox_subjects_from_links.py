"""The messages written before 0011 name what they are about: a message with a case is about that case and
hidden from the staff member the complaint is about; one with only a request is about that request."""

from django.db import migrations
from django.db.models import F, OuterRef, Subquery


def fill_subjects(apps, schema_editor):
    OutgoingMessage = apps.get_model("channels_log", "OutgoingMessage")
    Case = apps.get_model("channels_log", "Case")
    about_case = OutgoingMessage.objects.filter(case__isnull=False)
    about_case.update(subject_kind="case", subject_id=F("case_id"))
    about_case.update(
        staff_subject_id=Subquery(Case.objects.filter(pk=OuterRef("case_id")).values("staff_subject_id")[:1])
    )
    OutgoingMessage.objects.filter(case__isnull=True, support_request__isnull=False).update(
        subject_kind="support_request", subject_id=F("support_request_id")
    )


def restore_links(apps, schema_editor):
    """Back: a message about a case links that case, one about a request that request (a message that had both
    keeps its case: the request link of such a message is not kept by the forward step)."""
    OutgoingMessage = apps.get_model("channels_log", "OutgoingMessage")
    Case = apps.get_model("channels_log", "Case")
    SupportRequest = apps.get_model("requests_app", "SupportRequest")
    OutgoingMessage.objects.filter(subject_kind="case", subject_id__in=Case.objects.values("pk")).update(
        case_id=F("subject_id")
    )
    OutgoingMessage.objects.filter(
        subject_kind="support_request", subject_id__in=SupportRequest.objects.values("pk")
    ).update(support_request_id=F("subject_id"))


class Migration(migrations.Migration):
    dependencies = [("channels_log", "0011_outbox_generic_subject")]

    operations = [migrations.RunPython(fill_subjects, restore_links)]
