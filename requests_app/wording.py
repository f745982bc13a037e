"""The committee's decision as a sentence, the same in the decision letter and in the message to the applicant.

«قررت لجنة البحث الموافقة على طلبكم رقم 1448-000005 المقدَّم بتاريخ 1448-06-03 هـ الموافق 2026-11-13 م،
ومنحكم مبلغ 1,500.00 ريال لمدة 3 أشهر؛ وذلك للأسباب الآتية: …» — not a bare adjective («معتمدة»).
The letter gets markup (numbers and dates isolated, ``association.kernel.bidi``); a message gets plain text.
"""

from django.utils.functional import lazy
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, npgettext

from association.kernel import bidi
from association.kernel.dates import GREGORIAN_MARK, format_hijri
from association.kernel.numbers import format_amount

from .models import CommitteeDecision


def _date_phrase(value, *, markup: bool) -> str:
    """«1448-06-03 هـ الموافق 2026-11-13 م»"""
    day = bidi.local_date(value)
    if markup:
        hijri, gregorian = bidi.hijri_date(day), bidi.gregorian_date(day)
    else:
        hijri, gregorian = format_hijri(day), f"{day:%Y-%m-%d} {GREGORIAN_MARK}"
    if not hijri:
        return gregorian
    return _("%(hijri)s, corresponding to %(gregorian)s") % {"hijri": hijri, "gregorian": gregorian}


def _grant_phrase(decision: CommitteeDecision, *, markup: bool) -> str:
    """«مبلغ 1,500.00 ريال لمدة 3 أشهر», «سلة غذائية شهرية لمدة شهرين» or ""."""
    text = decision.grant_items.strip() if decision.grant_items else ""
    items = bidi.ltr_runs(text) if markup else text
    if decision.grant_amount:
        value = bidi.amount(decision.grant_amount) if markup else format_amount(decision.grant_amount)
        what = _("an amount of %(amount)s") % {"amount": value}
        if items:
            what = _("%(amount)s and %(items)s") % {"amount": what, "items": items}
    else:
        what = items
    if what and decision.grant_period_months:
        months = decision.grant_period_months
        number = bidi.ltr(months) if markup else str(months)
        period = ngettext("for %(months)s month", "for %(months)s months", months) % {"months": number}
        what = f"{what} {period}"
    return what


def decision_statement(decision: CommitteeDecision, *, markup: bool = False) -> str:
    """What the committee decided, as the object of «قررت لجنة البحث …»: approval (with what is granted) or
    the regret that the request cannot be accepted, the request's number and date, and the reasons. No final
    full stop: the letter and the message templates end the sentence."""
    support_request = decision.support_request
    number = support_request.number or ""
    parts = {
        "number": bidi.ltr(number) if markup else number,
        "date": _date_phrase(support_request.submitted_at or decision.decided_at, markup=markup),
    }
    if decision.outcome == CommitteeDecision.Outcome.APPROVED:
        text = _("to approve your request number %(number)s submitted on %(date)s") % parts
        grant = _grant_phrase(decision, markup=markup)
        if grant:
            text += _(", granting you %(grant)s") % {"grant": grant}
    else:
        text = _("to decline your request number %(number)s submitted on %(date)s") % parts
    reasons = " ".join(decision.reasons.split()).rstrip(" .؛;،,")
    if reasons:
        shown = reasons
        if markup:
            lines = decision.reasons.strip().rstrip(" .؛;،,").splitlines()
            shown = mark_safe("<br>".join(bidi.ltr_runs(line.strip()) for line in lines if line.strip()))
        text += _("; for the following reasons: %(reasons)s") % {"reasons": shown}
    return mark_safe(text) if markup else text


def decision_statement_lazy(decision: CommitteeDecision):
    """The plain statement, worded when it is shown: a message renders it in the applicant's language."""
    return lazy(decision_statement, str)(decision)


def window_phrase(days: int | None) -> str:
    """The decision window in words, as the policy says it: «أسبوعين», «أسبوع», «3 أسابيع», «10 أيام», «15 يومًا»;
    "" for no window."""
    if not days:
        return ""
    if days == 7:
        return _("one week")
    if days == 14:
        return _("two weeks")
    if days % 7 == 0 and days <= 56:
        weeks = days // 7
        return npgettext("decision window", "%(weeks)s week", "%(weeks)s weeks", weeks) % {"weeks": weeks}
    return npgettext("decision window", "%(days)s day", "%(days)s days", days) % {"days": days}


def window_phrase_lazy(days: int | None):
    """Worded when the message renders, in its recipient's language."""
    return lazy(window_phrase, str)(days)
