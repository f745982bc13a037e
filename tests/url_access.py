"""Who may open which URL: the expectations every app's ``tests/<app>/url_access.py`` declares.

Each app module defines ``URLS``: a dict from URL name to an entry::

    "beneficiaries:detail": {
        "kwargs": lambda: {"public_id": BeneficiaryFactory().public_id},  # optional; runs inside the test
        "method": "get",                                                   # optional; "get" (default) or "post"
        "expect": {"anonymous": LOGIN, "outsider": FORBIDDEN, Role.RELATIONS_OFFICER: ALLOWED, ...},
    }

``expect`` must name every actor in ``ACTORS``. ``tests/test_url_access.py`` walks every URL
pattern of the project and fails on one that no module lists. A 400 or a 404 is never "allowed": an entry
expects it by name (``BAD_REQUEST``, ``NOT_FOUND``), so a wrong ``kwargs`` (an object that does not exist)
cannot pass for an open page.
"""

from association.kernel.roles import Role

ALLOWED = "allowed"  # the page answers: 2xx or a redirect other than to the login page
FORBIDDEN = "forbidden"  # 403
LOGIN = "login"  # redirect to the login page
NOT_FOUND = "not_found"  # 404 (e.g. a public page whose object is missing)
BAD_REQUEST = "bad_request"  # 400 (e.g. a POST endpoint sent no form: the actor got past the permission check)

ACTORS = ["anonymous", "outsider", *[role.value for role in Role], "superuser"]


def staff(allowed_roles, superuser=True, answer=ALLOWED):
    """The usual staff page: anonymous → login, listed roles (and the superuser) get ``answer``, everyone else
    403. ``answer=BAD_REQUEST`` for a POST endpoint the test sends no form: a listed role gets past the
    permission check and the empty form is refused (400), where the others get 403."""
    allowed = {str(r) for r in allowed_roles}
    expect = {"anonymous": LOGIN, "outsider": FORBIDDEN, "superuser": answer if superuser else FORBIDDEN}
    for role in Role:
        expect[role.value] = answer if role.value in allowed else FORBIDDEN
    return expect


def public():
    return dict.fromkeys(ACTORS, ALLOWED)


# The roles that read the registry (beneficiaries, requests, contacts); the programs coordinator works on
# programs and volunteers only.
ALL_ROLES = [role.value for role in Role if role != Role.PROGRAMS_COORDINATOR]
