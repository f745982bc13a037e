"""Roles (Django groups) and the permissions each holds.

This table is the one place that says who may do what. A data migration creates the groups; a
``post_migrate`` handler (``association.apps``) re-applies the table so that permissions added by
later migrations reach the groups too. Superusers (admins) hold every permission.
"""

from typing import NamedTuple

from django.db import models
from django.utils.translation import gettext_lazy as _

from . import memo


class Role(models.TextChoices):
    RELATIONS_OFFICER = "relations_officer", _("Relations officer")
    SOCIAL_RESEARCHER = "social_researcher", _("Social researcher")
    COMMITTEE_MEMBER = "committee_member", _("Research committee member")
    COMMITTEE_CHAIR = "committee_chair", _("Research committee chair")
    MANAGER = "manager", _("Manager")
    # Field intake at the beneficiary's location for a branch office (the «مناديب الجمعية» channel).
    REPRESENTATIVE = "representative", _("Representative")
    PROGRAMS_COORDINATOR = "programs_coordinator", _("Programs coordinator")


def _crud(model: str, *actions: str) -> list[str]:
    app, name = model.split(".")
    return [f"{app}.{action}_{name}" for action in actions]


_READ_REGISTRY = [
    *_crud("beneficiaries.beneficiary", "view"),
    *_crud("beneficiaries.householdmember", "view"),
    *_crud("beneficiaries.document", "view"),
    *_crud("requests_app.supportrequest", "view"),
    *_crud("channels_log.contactentry", "view"),
    *_crud("association.policyversion", "view"),
    *_crud("association.branch", "view"),
]

ROLE_PERMISSIONS: dict[str, list[str]] = {
    Role.RELATIONS_OFFICER: [
        *_READ_REGISTRY,
        *_crud("beneficiaries.beneficiary", "add", "change"),
        *_crud("beneficiaries.householdmember", "add", "change", "delete"),
        *_crud("beneficiaries.document", "add", "change"),
        "beneficiaries.verify_document",
        "beneficiaries.view_sensitive",
        "beneficiaries.import_beneficiary",
        *_crud("beneficiaries.consent", "view", "add", "change"),
        # Data protection (PDPL): log a person's request about their data, answer it, give them a copy.
        *_crud("beneficiaries.subjectrequest", "view", "add", "change"),
        "beneficiaries.export_subject_data",
        *_crud("requests_app.supportrequest", "add", "change"),
        "requests_app.process_supportrequest",
        "requests_app.witness_declaration",
        "requests_app.refer_supportrequest",
        "requests_app.close_supportrequest",
        *_crud("surveys.survey", "view"),  # surveys: print in-person QR codes, batch invitations
        *_crud("surveys.invitation", "view", "add"),
        *_crud("channels_log.contactentry", "add"),
        *_crud("channels_log.case", "view", "change"),
        "channels_log.assign_case",
        *_crud("channels_log.outgoingmessage", "view"),
        *_crud("channels_log.messagepreference", "view", "add", "change"),
        # Programs: answer inquiries about them, receive proposals and volunteer applications at the desk.
        *_crud("programs.program", "view", "add"),
        *_crud("programs.volunteer", "view", "add"),
        *_crud("programs.organisation", "view", "add"),
    ],
    Role.SOCIAL_RESEARCHER: [
        *_READ_REGISTRY,
        # Only the people whose case they are assigned to (beneficiaries.services.sensitive_access_allowed).
        "beneficiaries.view_assigned_sensitive",
        *_crud("beneficiaries.document", "add"),
        *_crud("channels_log.contactentry", "add"),
        *_crud("channels_log.case", "view", "change"),
        "requests_app.research_supportrequest",
    ],
    Role.COMMITTEE_MEMBER: [
        *_READ_REGISTRY,
        "requests_app.vote_supportrequest",
    ],
    Role.COMMITTEE_CHAIR: [
        *_READ_REGISTRY,
        "requests_app.vote_supportrequest",
        "requests_app.decide_supportrequest",
        "requests_app.refer_supportrequest",
        "surveys.view_results",
        *_crud("surveys.improvementaction", "view"),
        # Decides program proposals when the policy gives them to the committee (programs.procedure).
        *_crud("programs.program", "view"),
    ],
    Role.MANAGER: [
        *_READ_REGISTRY,
        "requests_app.close_supportrequest",
        # Where the policy names no committee: the manager decides, or records the competent body's decision.
        "requests_app.decide_body_supportrequest",
        "beneficiaries.view_sensitive",
        *_crud("beneficiaries.consent", "view"),
        *_crud("beneficiaries.sensitiveaccess", "view"),
        "beneficiaries.import_beneficiary",
        "beneficiaries.export_beneficiary",
        *_crud("beneficiaries.bulktransfer", "view"),
        # Data protection (PDPL): requests, erasure decisions, legal holds, retention, breaches.
        *_crud("beneficiaries.subjectrequest", "view", "add", "change"),
        "beneficiaries.export_subject_data",
        "beneficiaries.decide_erasure",
        *_crud("beneficiaries.legalhold", "view", "add", "change"),
        *_crud("beneficiaries.retentionrule", "view"),
        *_crud("beneficiaries.erasurerecord", "view"),
        *_crud("association.breach", "view", "add", "change"),
        *_crud("association.associationprofile", "view", "change"),
        *_crud("association.bankaccount", "view", "add", "change", "delete"),
        *_crud("association.officialholiday", "view", "add", "change", "delete"),
        *_crud("association.policyversion", "add", "change"),
        "association.approve_policyversion",
        *_crud("association.policytoollink", "view", "add", "change", "delete"),
        *_crud("surveys.survey", "view", "add", "change"),
        *_crud("surveys.invitation", "view", "add"),
        "surveys.view_results",
        *_crud("surveys.improvementaction", "view", "add", "change"),
        *_crud("channels_log.case", "view", "change"),
        "channels_log.assign_case",
        "channels_log.view_case_reports",
        *_crud("channels_log.responsetarget", "view", "change"),
        *_crud("channels_log.outgoingmessage", "view"),
        "channels_log.retry_outgoingmessage",
        *_crud("channels_log.messagepreference", "view", "add", "change"),
        *_crud("association.branch", "view", "add", "change"),
        *_crud("association.staffbranch", "view", "add", "change", "delete"),
        # Programs: decides proposals when the policy names the manager, reads and issues the reports.
        *_crud("programs.program", "view", "change"),
        "programs.decide_program",
        "programs.report_program",
        *_crud("programs.volunteer", "view"),
        *_crud("programs.organisation", "view"),
    ],
    # Field intake at the beneficiary's location: register, record the contact, open a draft, add documents,
    # witness the on-screen declaration. Submitting, verifying against originals and every later step stay
    # with the office.
    Role.REPRESENTATIVE: [
        *_READ_REGISTRY,
        *_crud("beneficiaries.beneficiary", "add"),
        *_crud("beneficiaries.householdmember", "add"),
        *_crud("beneficiaries.document", "add"),
        *_crud("beneficiaries.consent", "view", "add"),
        *_crud("requests_app.supportrequest", "add"),
        "requests_app.witness_declaration",
        *_crud("channels_log.contactentry", "add"),
    ],
    Role.PROGRAMS_COORDINATOR: [
        *_crud("association.policyversion", "view"),  # the volunteers' bylaw and the policy's tools
        *_crud("programs.program", "view", "add", "change"),
        "programs.study_program",
        "programs.record_body_decision",
        "programs.run_program",
        "programs.report_program",
        *_crud("programs.organisation", "view", "add", "change"),
        *_crud("programs.volunteer", "view", "add", "change"),
        "programs.approve_volunteer",
    ],
}


def sync_role_groups(using: str = "default") -> None:
    """Create the role groups and give each exactly the permissions of the table (idempotent)."""
    from django.contrib.auth.models import Group, Permission

    for role, codes in ROLE_PERMISSIONS.items():
        group, _created = Group.objects.using(using).get_or_create(name=role)
        wanted = set()
        for code in codes:
            app_label, codename = code.split(".")
            wanted.add((app_label, codename))
        perms = [
            p
            for p in Permission.objects.using(using).select_related("content_type")
            if (p.content_type.app_label, p.codename) in wanted
        ]
        group.permissions.set(perms)


class Grants(NamedTuple):
    permissions: frozenset[str]
    roles: frozenset[str]


def _read_grants(user) -> Grants:
    from django.contrib.auth.backends import ModelBackend

    backend = ModelBackend()
    permissions = backend.get_user_permissions(user) | backend.get_group_permissions(user)
    return Grants(frozenset(permissions), frozenset(user.groups.values_list("name", flat=True)))


def grants(user) -> Grants:
    """``user``'s permissions (``"app.codename"``, their own and their groups') and role names, read once per
    change of any grant (kernel.memo, retired by ``forget_grants``)."""
    if not hasattr(user, "_portal_grants"):
        user._portal_grants = memo.read("grants", user.pk, lambda: _read_grants(user))
    return user._portal_grants


def forget_grants(sender=None, instance=None, action=None, pk_set=None, **kwargs) -> None:
    """A signal receiver: a group's permissions, a user's groups or permissions changed, a group was saved
    (renamed), or a user, group or permission deleted (a deleted user's number may be given again: SQLite).
    A change to some users' own groups or permissions retires their entries only; any other, every entry."""
    from django.contrib.auth import get_user_model

    if action is not None and not action.startswith("post_"):
        return  # m2m_changed: once, after the change
    user_model = get_user_model()
    if action is not None and sender in (user_model.groups.through, user_model.user_permissions.through):
        users = [instance.pk] if isinstance(instance, user_model) else sorted(pk_set or ())
        if users:
            for pk in users:
                memo.forget("grants", pk)
            return
    memo.forget("grants")


def user_roles(user) -> set[str]:
    if not user.is_authenticated:
        return set()
    if not hasattr(user, "_portal_roles"):
        user._portal_roles = set(grants(user).roles)
    return user._portal_roles


def has_role(user, *roles: str) -> bool:
    return user.is_authenticated and (user.is_superuser or bool(user_roles(user) & set(roles)))
