"""Writes to the association profile and its bank accounts that come from elsewhere than the admin: the
letterhead details a policy import found, accepted by the manager in one click (never written silently)."""

from __future__ import annotations

from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from .kernel.identifiers import normalize_iban
from .kernel.permissions import authorize
from .models import AssociationProfile, BankAccount

CHANGE_PROFILE = "association.change_associationprofile"
ADD_BANK_ACCOUNT = "association.add_bankaccount"
LETTERHEAD_FIELDS = ("license_number", "city", "phone", "email")


def _labels() -> dict:
    return {name: str(AssociationProfile._meta.get_field(name).verbose_name) for name in LETTERHEAD_FIELDS}


def letterhead_proposal(letterhead: dict) -> dict:
    """What the letterhead would change: {"fields": [(name, label, current, proposed)], "ibans": [(iban, bank)]};
    only values that differ from the profile, and only IBANs it does not hold yet."""
    from .kernel.identifiers import bank_name_for_iban

    profile = AssociationProfile.get_solo()
    labels = _labels()
    fields = [
        (name, labels[name], getattr(profile, name) or "", letterhead.get(name) or "")
        for name in LETTERHEAD_FIELDS
        if letterhead.get(name) and (letterhead.get(name) or "") != (getattr(profile, name) or "")
    ]
    known = set(BankAccount.objects.values_list("iban", flat=True))
    ibans = [(iban, bank_name_for_iban(iban)) for iban in letterhead.get("ibans") or [] if iban not in known]
    return {"fields": fields, "ibans": ibans}


@transaction.atomic
def profile_accept_letterhead(*, actor, data) -> list[str]:
    """Write the accepted letterhead details (``data``: the proposal's fields, and ``ibans`` as a list) to the
    profile and add the bank accounts it does not hold. Returns the labels of what changed."""
    authorize(actor, CHANGE_PROFILE)
    ibans = data.getlist("ibans") if hasattr(data, "getlist") else list(data.get("ibans") or [])
    if ibans:
        authorize(actor, ADD_BANK_ACCOUNT)
    profile = AssociationProfile.objects.select_for_update().filter(pk=1).first() or AssociationProfile.get_solo()
    labels = _labels()
    changed = []
    for name in LETTERHEAD_FIELDS:
        value = (data.get(name) or "").strip()
        if value and value != getattr(profile, name):
            setattr(profile, name, value)
            changed.append(labels[name])
    if changed:
        profile.full_clean()
        profile.save()
    added = _add_accounts(profile, ibans)
    if added:
        changed.append(_("%(count)s bank accounts") % {"count": len(added)})
    if changed:
        LogEntry.objects.create(
            user_id=actor.pk,
            content_type=ContentType.objects.get_for_model(AssociationProfile),
            object_id=str(profile.pk),
            object_repr=str(profile)[:200],
            action_flag=CHANGE,
            change_message=_("From the letterhead of an imported policy: %(what)s") % {"what": "، ".join(changed)},
        )
    return changed


def _add_accounts(profile: AssociationProfile, ibans: list[str]) -> list[BankAccount]:
    added = []
    order = profile.bank_accounts.count() if profile.pk else 0
    for raw in ibans:
        try:
            iban = normalize_iban(raw)
        except ValidationError as exc:
            raise ValidationError({"ibans": exc.messages}) from None
        if BankAccount.objects.filter(iban=iban).exists():
            continue
        account = BankAccount(profile=profile, iban=iban, order=order + len(added))
        account.full_clean()
        account.save()
        added.append(account)
    return added
