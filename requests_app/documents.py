"""Printable documents of a support request: acknowledgment, declaration, decision letter, committee minutes.
Each takes the request's pk and returns ``(pdf bytes, file name)``; a missing request raises
``SupportRequest.DoesNotExist``, a document that does not exist yet its own ``DoesNotExist``."""

from django.utils.functional import lazy
from django.utils.safestring import SafeString

from association.kernel.pdf import document, image_data_url, render_pdf
from association.kernel.text import person_name

from . import selectors
from .models import CommitteeDecision, Declaration, SupportRequest
from .wording import decision_statement


def _request(pk: int) -> SupportRequest:
    return SupportRequest.objects.select_related("beneficiary", "service_type", "channel").get(pk=pk)


def _slug(support_request: SupportRequest) -> str:
    return support_request.number or f"draft-{support_request.pk}"


@document("acknowledgment")
def acknowledgment_pdf(pk: int) -> tuple[bytes, str]:
    support_request = _request(pk)
    if not support_request.number:
        raise SupportRequest.DoesNotExist("The request is not submitted yet: it has no acknowledgment.")
    checklist = selectors.required_documents_checklist(
        beneficiary=support_request.beneficiary, service_type=support_request.service_type
    )
    context = {
        "support_request": support_request,
        "documents": [item.document_type for item in checklist if item.supplied],
        "decidable_from": selectors.decidable_from(support_request),
    }
    return render_pdf("requests_app/pdf/acknowledgment.html", context), f"acknowledgment-{_slug(support_request)}.pdf"


@document("declaration")
def declaration_pdf(pk: int) -> tuple[bytes, str]:
    support_request = _request(pk)
    declaration = Declaration.objects.select_related("witness").get(support_request=support_request)
    signature_src = ""
    if declaration.signature_content_type in ("image/png", "image/jpeg"):
        with declaration.signature_file.open("rb") as handle:
            signature_src = image_data_url(handle.read(), declaration.signature_content_type)
    context = {"support_request": support_request, "declaration": declaration, "signature_src": signature_src}
    return render_pdf("requests_app/pdf/declaration.html", context), f"declaration-{_slug(support_request)}.pdf"


@document("decision")
def decision_pdf(pk: int) -> tuple[bytes, str]:
    support_request = _request(pk)
    decision = CommitteeDecision.objects.select_related("chair").filter(support_request=support_request).last()
    if decision is None:
        raise CommitteeDecision.DoesNotExist("No decision was recorded on this request.")
    context = {
        "support_request": support_request,
        "decision": decision,
        # Worded while the PDF renders, so its numbers follow the document's digits.
        "statement": lazy(decision_statement, SafeString)(decision, markup=True),
    }
    return render_pdf("requests_app/pdf/decision.html", context), f"decision-{_slug(support_request)}.pdf"


@document("minutes")
def minutes_pdf(pk: int) -> tuple[bytes, str]:
    """The committee's minutes for the request: every round's attendees, votes, recusals and decision."""
    support_request = _request(pk)
    if not support_request.uses_committee:
        raise CommitteeDecision.DoesNotExist("No committee decides this request: it has no minutes.")
    votes = list(support_request.votes.select_related("member").order_by("committee_round", "at", "pk"))
    decisions = {d.committee_round: d for d in support_request.decisions.select_related("chair")}
    rounds = []
    for number in sorted({v.committee_round for v in votes} | set(decisions)):
        round_votes = [v for v in votes if v.committee_round == number]
        decision = decisions.get(number)
        attendees = {v.member for v in round_votes}
        if decision:
            attendees.add(decision.chair)
        rounds.append(
            {
                "number": number,
                "attendees": sorted(attendees, key=person_name),
                "votes": [v for v in round_votes if v.vote != v.Vote.RECUSED],
                "recusals": [v for v in round_votes if v.vote == v.Vote.RECUSED],
                "decision": decision,
            }
        )
    context = {"support_request": support_request, "rounds": rounds, "study": support_request.studies.first()}
    return render_pdf("requests_app/pdf/minutes.html", context), f"minutes-{_slug(support_request)}.pdf"
