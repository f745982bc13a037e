"""Demo data for the association's policy: our demo policy text, imported and approved by the manager,
so the public /policy/ page and the PDF show a version in force. Idempotent: a rerun creates nothing new."""

import contextlib
from pathlib import Path

from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from ..kernel.dates import parse_date_any
from ..kernel.text import person_name
from .importing import parse_file
from .models import PolicyToolLink, PolicyVersion, policy_tool_key
from .services import policy_approve, policy_import

DEMO_POLICY = Path(__file__).resolve().parent.parent / "fixtures" / "demo_policy.txt"
# Tools of the demo policy → the staff page where each lives.
DEMO_TOOL_PAGES = {
    "نماذج الاستقبال": "beneficiaries:desk",
    "سجل الشكاوى والمقترحات": "channels_log:list",
}


def seed_file(*, users: dict, stdout, state: dict) -> None:
    """``seed_demo --policy FILE`` (early, order 5): the association's own policy is in force before anyone's demo
    data is made, so every app's demo follows its procedure."""
    if state.get("policy_file"):
        seed_policy_file(Path(state["policy_file"]), users=users, stdout=stdout)


def seed(*, users: dict, stdout, state: dict) -> None:
    if not state.get("policy_file"):
        seed_policy(users=users, stdout=stdout)


def seed_policy_file(path: Path, *, users: dict, stdout) -> PolicyVersion:
    """``seed_demo --policy FILE``: the association's own policy document, imported, approved with the approval
    it states (what it leaves blank is said, and filled as the portal needs it) and in force — with the procedure
    profile it states — from before the demo history, so the demo requests follow that procedure. Idempotent: a
    document imported before is not imported again."""
    from ..channels import Channel
    from ..demo import demo_clock, demo_day
    from .procedure import profile_of

    manager = users["manager"]
    version = PolicyVersion.objects.filter(source_name=path.name).order_by("-number").first()
    if version is not None:
        stdout.write(f"Policy {path.name} was imported before (version {version.number}).")
        return version
    parsed = parse_file(
        path.read_bytes(), path.name, extra_channels=dict(Channel.objects.values_list("code", "name_ar"))
    )
    approval = parsed.board_approval
    # In force before the demo history (two months back), unless another version is in force already: the
    # clock does not go back over an approval.
    at = demo_day(60, 9) if not PolicyVersion.objects.filter(approved_at__isnull=False).exists() else None
    with demo_clock(at) if at else contextlib.nullcontext():
        version = policy_import(parsed=parsed, actor=manager, source_name=path.name)
        stated = parsed.approval_date
        gaps = [
            label
            for label, missing in (
                ("meeting", not approval.get("meeting")),
                ("date", stated is None),
                ("signatory", not approval.get("signatory")),
            )
            if missing
        ]
        version = policy_approve(
            version=version,
            actor=manager,
            board_meeting=approval.get("meeting") or 1,
            board_session=approval.get("session") or "",
            decision_number=approval.get("decision_number") or "",
            approval_date=stated or timezone.localdate(),
            signatory_name=approval.get("signatory") or person_name(manager),
            signatory_title=approval.get("signatory_title") or "رئيس مجلس الإدارة",
            quarter=approval.get("quarter") or "",
            approval_date_hijri_text=approval.get("date_hijri_text") or "",
            approval_date_gregorian_text=approval.get("date_gregorian_text") or "",
        )
    _link_tools()
    profile = profile_of(version)
    stdout.write(
        f"Policy version {version.number} imported from {path.name} and approved"
        + (f" (the document leaves blank: {', '.join(gaps)})" if gaps else "")
        + f". Procedure: individual requests {'yes' if profile.individual_requests else 'no'}, decided by "
        f"{profile.individual_decider} ({profile.individual_decider_name}), window "
        f"{profile.decision_window_days or 'none'}; program requests {'yes' if profile.program_requests else 'no'}"
        f", volunteer proposals {'yes' if profile.volunteer_proposals else 'no'}"
        + (
            f", decided by {profile.programs_decider} ({profile.programs_decider_name})"
            if profile.program_requests or profile.volunteer_proposals
            else ""
        )
        + (f"; supervising body {profile.supervising_body}" if profile.supervising_body else "")
        + "."
    )
    return version


def seed_policy(*, users: dict, stdout) -> None:
    manager = users["manager"]
    if not PolicyVersion.objects.filter(source_name=DEMO_POLICY.name).exists():
        parsed = parse_file(DEMO_POLICY.read_bytes(), DEMO_POLICY.name)
        version = policy_import(parsed=parsed, actor=manager, source_name=DEMO_POLICY.name)
        approval = parsed.board_approval
        policy_approve(
            version=version,
            actor=manager,
            board_meeting=approval["meeting"] or 1,
            board_session=approval.get("session") or "",
            decision_number=approval.get("decision_number") or "",
            approval_date=parse_date_any(approval["date_gregorian"]),
            signatory_name=approval.get("signatory") or person_name(manager),
            signatory_title=approval.get("signatory_title") or "رئيس مجلس الإدارة",
            quarter=approval.get("quarter") or "",
            approval_date_hijri_text=approval.get("date_hijri_text") or "",
            approval_date_gregorian_text=approval.get("date_gregorian_text") or "",
        )
        stdout.write(f"Policy version {version.number} imported from {DEMO_POLICY.name} and approved.")
    _link_tools()


def _link_tools() -> None:
    for tool, url_name in DEMO_TOOL_PAGES.items():
        try:
            url = reverse(url_name)
        except NoReverseMatch:
            continue
        PolicyToolLink.objects.get_or_create(name_normalized=policy_tool_key(tool), defaults={"name": tool, "url": url})
