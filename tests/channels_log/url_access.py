from association.kernel.roles import Role
from tests.factories import BeneficiaryFactory
from tests.url_access import ALL_ROLES, BAD_REQUEST, public, staff

CASE_HANDLERS = [Role.RELATIONS_OFFICER, Role.SOCIAL_RESEARCHER, Role.MANAGER]


def _case():
    from tests.channels_log.factories import make_case

    return {"pk": make_case(kind="complaint").pk}


def _contact():
    from tests.channels_log.factories import make_contact

    return {"pk": make_contact().pk}


def _attachment():
    from tests.channels_log.factories import make_contact, png_upload

    return {"pk": make_contact(attachments=[png_upload()]).attachments.get().pk}


def _message():
    from channels_log.messaging.services import message_queue

    return {"pk": message_queue(event="decision_made", key="url-access", beneficiary=BeneficiaryFactory())[0].pk}


URLS = {
    "channels_log:list": {"expect": staff(ALL_ROLES)},
    # Representatives record the visit in the field.
    "channels_log:new": {"expect": staff([Role.RELATIONS_OFFICER, Role.SOCIAL_RESEARCHER, Role.REPRESENTATIVE])},
    "channels_log:contact_detail": {"kwargs": _contact, "expect": staff(ALL_ROLES)},
    # Opening a file follows the documents' rule: the sensitive-data permission (a researcher only for the
    # people assigned to them; this caller has no file at all).
    "channels_log:attachment": {"kwargs": _attachment, "expect": staff([Role.RELATIONS_OFFICER, Role.MANAGER])},
    "channels_log:case_list": {"expect": staff(CASE_HANDLERS)},
    "channels_log:case_detail": {"kwargs": _case, "expect": staff(CASE_HANDLERS)},
    "channels_log:case_assign": {
        "kwargs": _case,
        "method": "post",
        "expect": staff([Role.RELATIONS_OFFICER, Role.MANAGER], answer=BAD_REQUEST),
    },
    "channels_log:case_start": {"kwargs": _case, "method": "post", "expect": staff(CASE_HANDLERS)},
    # The forms below are sent empty: a handler gets past the permission check and the form is refused (400).
    "channels_log:case_answer": {"kwargs": _case, "method": "post", "expect": staff(CASE_HANDLERS, answer=BAD_REQUEST)},
    "channels_log:case_outcome": {
        "kwargs": _case,
        "method": "post",
        "expect": staff(CASE_HANDLERS, answer=BAD_REQUEST),
    },
    "channels_log:case_close": {"kwargs": _case, "method": "post", "expect": staff(CASE_HANDLERS, answer=BAD_REQUEST)},
    "channels_log:case_reopen": {"kwargs": _case, "method": "post", "expect": staff(CASE_HANDLERS, answer=BAD_REQUEST)},
    "channels_log:case_appeal": {"kwargs": _case, "method": "post", "expect": staff(CASE_HANDLERS)},
    "channels_log:case_reports": {"expect": staff([Role.MANAGER])},
    "channels_log:case_reports_xlsx": {"expect": staff([Role.MANAGER])},
    "channels_log:messages": {"expect": staff([Role.RELATIONS_OFFICER, Role.MANAGER])},
    "channels_log:message_detail": {"kwargs": _message, "expect": staff([Role.RELATIONS_OFFICER, Role.MANAGER])},
    "channels_log:message_retry": {"kwargs": _message, "method": "post", "expect": staff([Role.MANAGER])},
    "channels_log:message_preferences": {
        "kwargs": lambda: {"public_id": BeneficiaryFactory().public_id},
        "expect": staff([Role.RELATIONS_OFFICER, Role.MANAGER]),
    },
    "channels_log:public_contact": {"expect": public()},
    "channels_log:public_sent": {"expect": public()},
    "channels_log:public_status": {"expect": public()},
}
