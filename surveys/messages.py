"""What surveys send through the outbox (``channels_log.messaging.registry``), registered in
``SurveysConfig.ready``: the invitation (and its one reminder) to answer a survey. It may be declined: not sent
to a beneficiary who opted out of non-essential messages or withdrew the consent to surveys. A message about a
request's survey is linked to that request."""

from django.utils.translation import gettext_lazy as _

from channels_log.messaging.registry import LINK, message_event_register

INVITATION = "survey_invitation"


def register() -> None:
    # Values the templates may use: ``url`` (the questionnaire's link), ``reminder``, ``survey`` (its title).
    message_event_register(
        INVITATION,
        _("Survey invitation"),
        essential=False,
        consent_purpose="surveys",
        subject_kind="support_request",
        texts={
            "ar": (
                "{% if reminder %}تذكير: {% endif %}شاركنا رأيك في خدماتنا",
                "{% if reminder %}تذكير: {% endif %}يهمنا رأيك في الخدمة التي تلقيتها؛ تقييمك يساعدنا على التحسين:"
                + LINK,
            ),
            "en": (
                "{% if reminder %}Reminder: {% endif %}Tell us what you think",
                "{% if reminder %}Reminder: {% endif %}Your opinion of the service you received helps us improve:"
                + LINK,
            ),
        },
        sample={"survey": "استبيان الرضا عن الخدمة"},
    )
