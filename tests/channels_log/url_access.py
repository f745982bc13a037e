from association.roles import Role
from tests.url_access import ALL_ROLES, staff

URLS = {
    "channels_log:list": {"expect": staff(ALL_ROLES)},
    "channels_log:new": {"expect": staff([Role.RELATIONS_OFFICER, Role.SOCIAL_RESEARCHER])},
}
