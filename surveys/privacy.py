"""What surveys hold about a person, for the PDPL export and erasure (``beneficiaries.privacy``)."""

from django.utils.translation import gettext as _

from association.kernel import registry
from beneficiaries.privacy.subject import section

from .models import Answer, Invitation


def invitations_section(*, beneficiary):
    columns = [
        ("created_at", _("created at")),
        ("survey", _("survey")),
        ("channel", _("sent by")),
        ("sent_at", _("sent at")),
        ("used_at", _("answered at")),
    ]
    invitations = Invitation.objects.filter(beneficiary=beneficiary).select_related("version")
    rows = [
        {
            "created_at": i.created_at,
            "survey": i.version.title_ar,
            "channel": i.get_send_channel_display(),
            "sent_at": i.sent_at,
            "used_at": i.used_at,
        }
        for i in invitations.order_by("created_at", "pk")
    ]
    return section("survey_invitations", _("Survey invitations"), columns, rows)


def erase(*, beneficiary) -> dict[str, int]:
    """Written answers may name the person; ratings and choices stay (the survey results)."""
    answers = Answer.objects.filter(response__invitation__beneficiary=beneficiary).exclude(text="")
    return {"survey_answers": answers.update(text="")}


def register() -> None:
    registry.register("subject_data", invitations_section, order=40)
    registry.register("subject_erasure", erase, order=40)
