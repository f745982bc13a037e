"""Demo data for the association's policy: our demo policy text, imported and approved by the manager,
so the public /policy/ page and the PDF show a version in force. Idempotent: a rerun creates nothing new."""

from pathlib import Path

from django.urls import NoReverseMatch, reverse

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


def seed(*, users: dict, stdout, state: dict) -> None:
    seed_policy(users=users, stdout=stdout)


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
    for tool, url_name in DEMO_TOOL_PAGES.items():
        try:
            url = reverse(url_name)
        except NoReverseMatch:
            continue
        PolicyToolLink.objects.get_or_create(name_normalized=policy_tool_key(tool), defaults={"name": tool, "url": url})
