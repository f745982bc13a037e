"""The decision is a sentence — «الموافقة على طلبكم رقم … المقدَّم بتاريخ …» / «الاعتذار عن قبول طلبكم …» with the
reasons — in the letter and in the message to the applicant; status and outcome labels agree in gender."""

import datetime as dt
import importlib
import io
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.apps import apps
from django.utils import translation
from pypdf import PdfReader

from association.kernel.pdf import document_kinds
from association.kernel.roles import Role
from association.policy.models import PolicyVersion
from channels_log.cases.models import Case
from channels_log.messaging.models import MessagePreference, MessageTemplate, OutgoingMessage
from requests_app import services
from requests_app.models import CommitteeDecision, SupportRequest
from requests_app.wording import decision_statement
from surveys.models import ImprovementAction

from .factories import awaiting_committee, cast_votes

RIYADH = ZoneInfo("Asia/Riyadh")
REWORD = importlib.import_module("channels_log.migrations.0009_decision_message_wording")
# The procedure's wording (the deciding body, the window) came after it: undone first, redone last.
PROCEDURE = importlib.import_module("requests_app.migrations.0008_procedure_profile")


@pytest.fixture
def voted(officer, chair, make_user):
    with time_machine.travel(dt.datetime(2026, 11, 1, 10, 0, tzinfo=RIYADH), tick=False):
        support_request = awaiting_committee(officer)
    cast_votes(support_request, [make_user(Role.COMMITTEE_MEMBER), chair])
    return support_request


def _decide(support_request, chair, outcome, **grant):
    with time_machine.travel(dt.datetime(2026, 11, 16, 10, 0, tzinfo=RIYADH), tick=False):
        return services.committee_decide(
            support_request=support_request,
            actor=chair,
            outcome=outcome,
            reasons="الأسرة مستحقة وفق نتيجة البحث.\nالدخل دون الحد",
            grant=grant or None,
        )


def _sms(support_request) -> str:
    return OutgoingMessage.objects.get(
        event="decision_made", subject_kind="support_request", subject_id=support_request.pk, channel="sms"
    ).body


def test_the_approval_message_says_what_was_decided_as_a_sentence(voted, chair):
    _decide(voted, chair, "approved", grant_kind="cash", grant_amount=2000, grant_period_months=3)
    voted.refresh_from_db()
    body = _sms(voted)
    # 2026-11-01 is 1448-05-21 in Umm al-Qura.
    assert (
        f"قررت لجنة البحث الموافقة على طلبكم رقم {voted.number} المقدَّم بتاريخ 1448-05-21 هـ الموافق 2026-11-01 م، "
        "ومنحكم مبلغ 2,000.00 ريال لمدة 3 أشهر؛ وذلك للأسباب الآتية: الأسرة مستحقة وفق نتيجة البحث. الدخل دون الحد."
    ) in body
    assert "معتمدة" not in body and ": مقبول" not in body


def test_the_rejection_message_regrets_and_gives_the_reasons(voted, chair):
    _decide(voted, chair, "rejected")
    voted.refresh_from_db()
    body = _sms(voted)
    assert f"قررت لجنة البحث الاعتذار عن قبول طلبكم رقم {voted.number} المقدَّم بتاريخ 1448-05-21 هـ" in body
    assert "وذلك للأسباب الآتية: الأسرة مستحقة وفق نتيجة البحث. الدخل دون الحد." in body
    assert "مرفوض" not in body


def test_an_applicant_who_reads_english_gets_the_sentence_in_english(voted, chair):
    MessagePreference.objects.update_or_create(beneficiary=voted.beneficiary, defaults={"language": "en"})
    with translation.override("ar"):  # the chair works in Arabic
        _decide(voted, chair, "approved", grant_kind="in_kind", grant_items="سلة غذائية", grant_period_months=1)
    voted.refresh_from_db()
    body = _sms(voted)
    assert f"The research committee decided to approve your request number {voted.number} submitted on" in body
    assert "granting you سلة غذائية for 1 month; for the following reasons:" in body


def test_one_month_two_months_and_eleven_months_read_as_arabic_counts(voted, chair):
    decision = _decide(voted, chair, "approved", grant_kind="cash", grant_amount=100, grant_period_months=2)
    with translation.override("ar"):
        assert "لمدة شهرين" in decision_statement(decision)
        decision.grant_period_months = 1
        assert "لمدة شهر واحد" in decision_statement(decision)
        decision.grant_period_months = 11
        assert "لمدة 11 شهرًا" in decision_statement(decision)


def test_the_letter_says_the_same_sentence(voted, chair):
    _decide(voted, chair, "approved", grant_kind="cash", grant_amount=2000)
    voted.refresh_from_db()
    data, _name = document_kinds()["decision"](voted.pk)
    text = " ".join(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages).split())
    assert "قررت لجنة البحث ما يلي" in text
    assert "الموافقة على طلبكم رقم" in text and "ومنحكم مبلغ" in text and "وذلك للأسباب الآتية" in text
    assert "معتمدة" not in text


def test_the_shipped_message_templates_are_reworded_and_edited_ones_kept(db):
    template = MessageTemplate.objects.get(event="decision_made", channel="sms", language="ar")
    assert 'قررت {{ decider|default:"لجنة البحث" }} {{ outcome }}' in template.body
    PROCEDURE.restore(apps, None)
    template.refresh_from_db()
    assert "قررت لجنة البحث {{ outcome }}." in template.body
    # Back to the wording shipped before, and one edited by an admin.
    REWORD.restore(apps, None)
    template.refresh_from_db()
    assert "صدر قرار لجنة البحث في طلبك" in template.body and "{{ outcome }}" in template.body
    edited = MessageTemplate.objects.get(event="decision_made", channel="email", language="ar")
    edited.body = "نص عدّله المشرف: {{ outcome }}"
    edited.save()
    REWORD.reword(apps, None)
    template.refresh_from_db()
    edited.refresh_from_db()
    assert "قررت لجنة البحث {{ outcome }}." in template.body
    assert edited.body == "نص عدّله المشرف: {{ outcome }}"
    PROCEDURE.reword(apps, None)
    template.refresh_from_db()
    edited.refresh_from_db()
    assert "صدر قرار {{ decider }} ب{{ outcome }}" in template.body
    assert edited.body == "نص عدّله المشرف: {{ outcome }}"


def test_status_and_outcome_labels_agree_with_what_they_describe():
    with translation.override("ar"):
        # طلب (masculine): مقبول / مرفوض
        assert SupportRequest.Status.APPROVED.label == "مقبول"
        assert SupportRequest.Status.REJECTED.label == "مرفوض"
        # The decision itself
        assert CommitteeDecision.Outcome.APPROVED.label == "الموافقة على الطلب"
        assert CommitteeDecision.Outcome.REJECTED.label == "الاعتذار عن الطلب"
        # إصدار (masculine)
        assert PolicyVersion.Status.APPROVED.label == "معتمد"
        # حالة / شكوى (feminine)
        assert Case.Status.OPEN.label == "مفتوحة"
        assert Case.Status.CLOSED.label == "مغلقة"
        assert Case.Outcome.REJECTED.label == "مرفوضة"
        # إجراء (masculine)
        assert ImprovementAction.Status.OPEN.label == "مفتوح"
