"""Each printable document renders, and its text layer carries the request number and the applicant's name."""

import datetime as dt
import io
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command
from django.urls import reverse
from pypdf import PdfReader

from association.kernel.roles import Role
from association.models import AssociationProfile
from requests_app import services
from requests_app.models import SupportRequest

from .factories import awaiting_committee, cast_votes, draft_request, make_complete

RIYADH = ZoneInfo("Asia/Riyadh")


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


@pytest.fixture
def decided(officer, chair, make_user):
    AssociationProfile.objects.update_or_create(
        pk=1, defaults={"name": "جمعية الاختبار الخيرية", "phone": "0114000000"}
    )
    with time_machine.travel(dt.datetime(2026, 11, 1, 10, 0, tzinfo=RIYADH), tick=False):
        support_request = awaiting_committee(officer)
    # A name without digits: a digit inside right-to-left text is reordered by any text extractor.
    beneficiary = support_request.beneficiary
    beneficiary.family_name = "الشمري"
    beneficiary.save()
    member = make_user(Role.COMMITTEE_MEMBER)
    cast_votes(support_request, [member, chair])
    services.committee_declare_conflict(
        support_request=support_request, actor=make_user(Role.COMMITTEE_MEMBER), note="قريب"
    )
    with time_machine.travel(dt.datetime(2026, 11, 16, 10, 0, tzinfo=RIYADH), tick=False):
        services.committee_decide(
            support_request=support_request,
            actor=chair,
            outcome="approved",
            reasons="الأسرة مستحقة",
            grant={"grant_kind": "cash", "grant_amount": 2000},
        )
    support_request.refresh_from_db()
    return support_request


@pytest.mark.parametrize("kind", ["acknowledgment", "declaration", "decision", "minutes"])
def test_pdf_text_has_the_number_and_the_name(kind, decided, tmp_path):
    out = tmp_path / f"{kind}.pdf"
    call_command("render_document", kind, str(decided.pk), "-o", str(out))
    data = out.read_bytes()
    assert data.startswith(b"%PDF")
    text = pdf_text(data)
    assert decided.number in text
    assert decided.beneficiary.full_name in text


def test_acknowledgment_shows_the_earliest_decision_date(decided):
    from association.kernel.pdf import document_kinds

    text = pdf_text(document_kinds()["acknowledgment"](decided.pk)[0])
    assert "2026-11-15" in text


def test_minutes_record_the_recusal(decided):
    from association.kernel.pdf import document_kinds

    text = pdf_text(document_kinds()["minutes"](decided.pk)[0])
    assert "قريب" in text


def test_documents_of_a_missing_request_raise_does_not_exist(db):
    from association.kernel.pdf import document_kinds

    for kind in ("acknowledgment", "declaration", "decision", "minutes"):
        with pytest.raises(SupportRequest.DoesNotExist):
            document_kinds()[kind](999999)


def test_download_view_serves_the_letter_and_404s_before_the_decision(decided, officer, member, client_for):
    response = client_for(member).get(reverse("requests_app:pdf", args=[decided.pk, "decision"]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert decided.number in pdf_text(response.content)
    undecided = make_complete(draft_request(officer), officer)
    assert client_for(officer).get(reverse("requests_app:pdf", args=[undecided.pk, "decision"])).status_code == 404
    assert client_for(officer).get(reverse("requests_app:pdf", args=[undecided.pk, "nonsense"])).status_code == 404


def test_declaration_pdf_shows_the_signature_drawn_on_screen(officer):
    from requests_app.documents import declaration_pdf

    support_request = make_complete(draft_request(officer), officer)
    data, _name = declaration_pdf(support_request.pk)

    images = [image for page in PdfReader(io.BytesIO(data)).pages for image in page.images]
    assert images, "the on-screen signature is embedded in the declaration PDF"
