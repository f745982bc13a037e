from tests.url_access import ACTORS, ALLOWED, LOGIN, NOT_FOUND, public

URLS = {
    "home": {"expect": {**dict.fromkeys(ACTORS, ALLOWED), "anonymous": LOGIN}},
    "login": {"expect": public()},
    # Logging out is a POST; anyone may post it.
    "logout": {"method": "post", "expect": dict.fromkeys(ACTORS, LOGIN)},
    "set_language": {"method": "post", "data": {"language": "en"}, "expect": public()},
    # No logo uploaded in the test database: 404 for everyone, never a login wall.
    "logo": {"expect": dict.fromkeys(ACTORS, NOT_FOUND)},
}
