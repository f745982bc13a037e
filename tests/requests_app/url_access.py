from association.roles import Role
from tests.factories import BeneficiaryFactory, SupportRequestFactory
from tests.url_access import ALL_ROLES, staff

URLS = {
    "requests_app:list": {"expect": staff(ALL_ROLES)},
    "requests_app:detail": {"kwargs": lambda: {"pk": SupportRequestFactory().pk}, "expect": staff(ALL_ROLES)},
    "requests_app:new": {
        "kwargs": lambda: {"public_id": BeneficiaryFactory().public_id}, "expect": staff([Role.RELATIONS_OFFICER]),
    },
}
