"""The /my/ pages face the public: nobody is turned away by a staff rule. Without an applicant's session every
page but the sign-in form answers a redirect to the sign-in (never to the staff login), whatever staff role
the browser has: a staff session opens nothing here (tests/selfservice/test_isolation.py covers what a
signed-in applicant reaches)."""

from tests.url_access import public


def _request():
    from tests.factories import SupportRequestFactory

    return {"pk": SupportRequestFactory().pk}


def _pdf():
    return {**_request(), "kind": "decision"}


def _delivery():
    return {**_request(), "delivery_pk": 1}


def _case():
    from tests.channels_log.factories import make_case

    return {"pk": make_case().pk}


def _service():
    from tests.factories import ServiceTypeFactory

    return {"pk": ServiceTypeFactory().pk}


URLS = {
    "selfservice:home": {"expect": public()},
    "selfservice:sign_in": {"expect": public()},
    "selfservice:code": {"expect": public()},
    "selfservice:code_resend": {"method": "post", "expect": public()},
    "selfservice:sign_out": {"method": "post", "expect": public()},
    "selfservice:id_check": {"expect": public()},
    "selfservice:services": {"expect": public()},
    "selfservice:register": {"expect": public()},
    "selfservice:apply": {"kwargs": _service, "expect": public()},
    "selfservice:request": {"kwargs": _request, "expect": public()},
    "selfservice:request_upload": {"kwargs": _request, "method": "post", "expect": public()},
    "selfservice:request_appeal": {"kwargs": _request, "method": "post", "expect": public()},
    "selfservice:receipt_confirm": {"kwargs": _delivery, "method": "post", "expect": public()},
    "selfservice:request_pdf": {"kwargs": _pdf, "expect": public()},
    "selfservice:messages": {"expect": public()},
    "selfservice:message_new": {"expect": public()},
    "selfservice:message": {"kwargs": _case, "expect": public()},
    "selfservice:data": {"expect": public()},
    "selfservice:data_correction": {"method": "post", "expect": public()},
    "selfservice:data_consent": {"method": "post", "expect": public()},
    "selfservice:data_download": {"expect": public()},
    "selfservice:data_download_pdf": {"expect": public()},
}
