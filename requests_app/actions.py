"""What a user may do next on a support request: ``request_actions``, the one domain function the request
page renders (and the case page asks about the appeal). It reads the lifecycle table and the same rules
the services apply (the assigned researcher, a recusal, the study's author, the one appeal); the services
check them again when the step is taken."""

from django.urls import reverse
from django.utils.translation import gettext as _

from association.kernel.actions import Action

from .models import CommitteeVote, SupportRequest
from .transitions import PROCESS, RESEARCH, VOTE, WITNESS, allowed_targets

S = SupportRequest.Status


class _Context:
    """One request, one user: what the rules below read, each read at most once (from the rows loaded with
    the request by ``selectors.request_with_history``, or with one query)."""

    def __init__(self, support_request: SupportRequest, user):
        self.sr, self.user = support_request, user
        self.targets = set(allowed_targets(user, support_request.status))
        self._studies = self._votes = None

    def url(self, name: str) -> str:
        return reverse(f"requests_app:{name}", args=[self.sr.pk])

    def studies(self) -> list:
        if self._studies is None:
            self._studies = list(self.sr.studies.all())
        return self._studies

    def my_vote(self) -> CommitteeVote | None:
        if self._votes is None:
            self._votes = [vote for vote in self.sr.votes.all() if vote.committee_round == self.sr.committee_round]
        return next((vote for vote in self._votes if vote.member_id == self.user.pk), None)

    def receipt_confirmed(self) -> bool:
        return any(delivery.receipt_confirmed for delivery in self.sr.deliveries.all())


def _return(ctx: _Context) -> Action:
    return Action("return", _("Return as incomplete"), ctx.url("return"), style="warning")


def _refer(ctx: _Context) -> Action:
    return Action("refer", _("Refer to social research"), ctx.url("refer"))


def _intake(ctx: _Context) -> list[Action]:
    actions = []
    if ctx.user.has_perm(WITNESS) and not ctx.sr.has_signed_declaration():
        actions.append(
            Action(
                "declaration",
                _("Sign the declaration"),
                ctx.url("declaration"),
                method="get",
                hint=_("The applicant signs that the data is correct, before you as witness."),
            )
        )
    if S.SUBMITTED in ctx.targets:
        actions.append(
            Action(
                "submit",
                _("Submit the request"),
                ctx.url("submit"),
                hint=_("Submitting checks every required document and the declaration."),
            )
        )
    if S.INCOMPLETE in ctx.targets:
        actions.append(_return(ctx))
    return actions


def _submitted(ctx: _Context) -> list[Action]:
    actions = []
    if S.IN_RESEARCH in ctx.targets:
        actions.append(_refer(ctx))
    if S.AWAITING_COMMITTEE in ctx.targets:
        actions.append(Action("to_committee", _("Send to the committee (clear case)"), ctx.url("to_committee")))
    if S.INCOMPLETE in ctx.targets:
        actions.append(_return(ctx))
    return actions


def _is_assigned_researcher(user, researcher_id) -> bool:
    return user.is_superuser or (researcher_id == user.pk and user.has_perm(RESEARCH))


def _in_research(ctx: _Context) -> list[Action]:
    actions = []
    studies = ctx.studies()
    study = studies[0] if studies else None
    if study is not None and study.recommended_at is None and _is_assigned_researcher(ctx.user, study.researcher_id):
        record = Action("study", _("Save the assessment"), ctx.url("study"), title=_("Visit and assessment"))
        if study.assessed_at is not None:
            actions.append(
                Action(
                    "recommend",
                    _("Recommend and send to the committee"),
                    ctx.url("recommend"),
                    title=_("Recommendation"),
                )
            )
        actions.append(record)
    if S.INCOMPLETE in ctx.targets and (ctx.user.is_superuser or ctx.sr.researcher_id == ctx.user.pk):
        actions.append(_return(ctx))
    return actions


def _awaiting_committee(ctx: _Context) -> list[Action]:
    user = ctx.user
    my_vote = ctx.my_vote() if user.has_perm(VOTE) else None
    recused = my_vote is not None and my_vote.vote == CommitteeVote.Vote.RECUSED
    vote = decide = None
    wrote_the_study = any(study.researcher_id == user.pk for study in ctx.studies())
    if user.has_perm(VOTE) and not recused and not wrote_the_study:
        vote = Action(
            "vote",
            _("Record my vote"),
            ctx.url("vote"),
            title=_("Your vote"),
            hint=_("Your vote: %(vote)s") % {"vote": my_vote.get_vote_display()} if my_vote else "",
        )
    if S.APPROVED in ctx.targets and not recused:
        decide = Action(
            "decide",
            _("Record the decision"),
            ctx.url("decide"),
            style="success",
            title=_("Committee decision"),
            detail_template="requests_app/_decide_detail.html",
        )
    # The chair votes first, then records the decision.
    order = (decide, vote) if my_vote is not None else (vote, decide)
    actions = [action for action in order if action is not None]
    if S.IN_RESEARCH in ctx.targets:
        actions.append(_refer(ctx))
    return actions


def _approved(ctx: _Context) -> list[Action]:
    if S.REGISTERED in ctx.targets:
        return [Action("register", _("Register for the service"), ctx.url("register"))]
    return []


def _rejected(ctx: _Context) -> list[Action]:
    if S.AWAITING_COMMITTEE in ctx.targets and ctx.sr.appealed_at is None:
        return [Action("appeal", _("Record the appeal (once)"), ctx.url("appeal"))]
    return []


def _delivering(ctx: _Context) -> list[Action]:
    if ctx.user.has_perm(PROCESS):
        return [Action("delivery", _("Record the delivery"), ctx.url("delivery_new"), title=_("Record a delivery"))]
    return []


_BY_STATUS = {
    S.DRAFT: _intake,
    S.INCOMPLETE: _intake,
    S.SUBMITTED: _submitted,
    S.IN_RESEARCH: _in_research,
    S.AWAITING_COMMITTEE: _awaiting_committee,
    S.APPROVED: _approved,
    S.REJECTED: _rejected,
    S.REGISTERED: _delivering,
    S.SERVICE_DELIVERED: _delivering,
}


def request_actions(support_request: SupportRequest, user) -> list[Action]:
    """The steps ``user`` may take on the request now, the natural next one first. The request page renders
    exactly this list."""
    ctx = _Context(support_request, user)
    by_status = _BY_STATUS.get(support_request.status)
    actions = by_status(ctx) if by_status else []
    if S.CLOSED in ctx.targets:
        close = Action("close", _("Close the request"), ctx.url("close"), style="secondary")
        # After a confirmed receipt closing is what is left to do; before it, another delivery.
        if support_request.status == S.SERVICE_DELIVERED and ctx.receipt_confirmed():
            actions.insert(0, close)
        else:
            actions.append(close)
    if S.WITHDRAWN in ctx.targets:
        actions.append(Action("withdraw", _("Withdraw the request"), ctx.url("withdraw"), style="danger"))
    return actions
