"""Who may open which URL: the expectations every app's ``tests/<app>/url_access.py`` declares.

Each app module defines ``URLS``: a dict from URL name to an entry::

    "beneficiaries:detail": {
        "kwargs": lambda: {"public_id": BeneficiaryFactory().public_id},  # optional; runs inside the test
        "method": "get",                                                   # optional; "get" (default) or "post"
        "expect": {"anonymous": LOGIN, "outsider": FORBIDDEN, Role.RELATIONS_OFFICER: ALLOWED, ...},
    }

``expect`` must name every actor in ``ACTORS``. ``tests/test_url_access.py`` walks every URL
pattern of the project and fails on one that no module lists.
"""

from association.kernel.roles import Role

ALLOWED = "allowed"  # any answer below 500 except 403, 405 and a redirect to the login page
FORBIDDEN = "forbidden"  # 403
LOGIN = "login"  # redirect to the login page
NOT_FOUND = "not_found"  # 404 (e.g. a public page whose object is missing)

ACTORS = ["anonymous", "outsider", *[role.value for role in Role], "superuser"]


def staff(allowed_roles, superuser=True):
    """The usual staff page: anonymous → login, listed roles allowed, everyone else 403."""
    allowed = {str(r) for r in allowed_roles}
    expect = {"anonymous": LOGIN, "outsider": FORBIDDEN, "superuser": ALLOWED if superuser else FORBIDDEN}
    for role in Role:
        expect[role.value] = ALLOWED if role.value in allowed else FORBIDDEN
    return expect


def public():
    return dict.fromkeys(ACTORS, ALLOWED)


ALL_ROLES = [role.value for role in Role]
