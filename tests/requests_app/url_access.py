from association.kernel.roles import Role
from tests.factories import BeneficiaryFactory, SupportRequestFactory
from tests.url_access import ALL_ROLES, ALLOWED, BAD_REQUEST, staff

OFFICER, RESEARCHER = Role.RELATIONS_OFFICER, Role.SOCIAL_RESEARCHER
MEMBER, CHAIR, MANAGER = Role.COMMITTEE_MEMBER, Role.COMMITTEE_CHAIR, Role.MANAGER
REPRESENTATIVE = Role.REPRESENTATIVE  # field intake: opens the draft, hands in documents, witnesses the declaration


def _in_status(status):
    def kwargs():
        from requests_app.models import SupportRequest

        support_request = SupportRequestFactory()
        SupportRequest.objects.filter(pk=support_request.pk).update(
            status=status, number=f"1448-9{support_request.pk:05d}"
        )
        return {"pk": support_request.pk}

    return kwargs


def _in_research():
    from django.utils import timezone

    from requests_app.models import SocialStudy
    from tests.factories import UserFactory

    kwargs = _in_status("in_research")()
    owner = UserFactory(role=RESEARCHER)
    SocialStudy.objects.create(
        support_request_id=kwargs["pk"],
        researcher=owner,
        referred_by=owner,
        referral_reason="-",
        referred_at=timezone.now(),
    )
    return kwargs


def _draft():
    return {"pk": SupportRequestFactory().pk}


def _draft_missing_a_document():
    from tests.factories import DocumentTypeFactory

    support_request = SupportRequestFactory()
    document_type = DocumentTypeFactory()
    support_request.service_type.required_documents.add(document_type)
    return {"pk": support_request.pk, "type_pk": document_type.pk}


def _post(kwargs, roles, answer=ALLOWED):
    """A POST endpoint sent no form. ``answer=BAD_REQUEST`` where the view refuses the empty form (400) once
    the permission is checked; otherwise the listed roles' action goes through."""
    return {"kwargs": kwargs, "method": "post", "expect": staff(roles, answer=answer)}


URLS = {
    "requests_app:list": {"expect": staff(ALL_ROLES)},
    "requests_app:detail": {"kwargs": _draft, "expect": staff(ALL_ROLES)},
    "requests_app:new": {
        "kwargs": lambda: {"public_id": BeneficiaryFactory().public_id},
        "expect": staff([OFFICER, REPRESENTATIVE]),
    },
    "requests_app:declaration": {"kwargs": _draft, "expect": staff([OFFICER, REPRESENTATIVE])},
    "requests_app:submit": _post(_draft, [OFFICER]),
    # As for any document upload (the researcher brings papers from a visit); verifying is the officer's.
    "requests_app:document_supply": _post(
        _draft_missing_a_document, [OFFICER, RESEARCHER, REPRESENTATIVE], answer=BAD_REQUEST
    ),
    "requests_app:document_verify": _post(_draft_missing_a_document, [OFFICER]),
    "requests_app:return": _post(_in_status("submitted"), [OFFICER]),
    "requests_app:withdraw": _post(_draft, [OFFICER], answer=BAD_REQUEST),
    "requests_app:refer": _post(_in_status("submitted"), [OFFICER, CHAIR], answer=BAD_REQUEST),
    "requests_app:to_committee": _post(_in_status("submitted"), [OFFICER]),
    # The study pages belong to the assigned researcher: any other researcher is refused too.
    "requests_app:study": {"kwargs": _in_research, "method": "post", "expect": staff([], answer=BAD_REQUEST)},
    "requests_app:recommend": {"kwargs": _in_research, "method": "post", "expect": staff([], answer=BAD_REQUEST)},
    "requests_app:vote": _post(_in_status("awaiting_committee"), [MEMBER, CHAIR], answer=BAD_REQUEST),
    "requests_app:decide": _post(_in_status("awaiting_committee"), [CHAIR], answer=BAD_REQUEST),
    "requests_app:appeal": _post(_in_status("rejected"), [OFFICER], answer=BAD_REQUEST),
    "requests_app:register": _post(_in_status("approved"), [OFFICER]),
    "requests_app:delivery_new": _post(_in_status("registered"), [OFFICER], answer=BAD_REQUEST),
    "requests_app:close": _post(_in_status("service_delivered"), [OFFICER, MANAGER], answer=BAD_REQUEST),
    "requests_app:pdf": {
        # A submitted request has its acknowledgment (a draft has no PDF at all: 404).
        "kwargs": lambda: {**_in_status("submitted")(), "kind": "acknowledgment"},
        "expect": staff(ALL_ROLES),
    },
    "requests_app:agenda": {"expect": staff([MEMBER, CHAIR])},
    "requests_app:assignments": {"expect": staff([RESEARCHER])},
}
