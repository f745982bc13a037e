"""Named provider lists: how a page, a PDF or a command shows what other apps hold without importing them.

An app registers its providers in its ``AppConfig.ready`` (``register("home_panels", requests_home)``); the
page asks for the slot (``collect("home_panels", user=user)``) and renders what comes back. The page knows
the slot's contract, never the providing app, so the dependency points from the provider down to the page,
as the layers require (PDF kinds registering with ``@document`` work the same way).

Slots in use (each says what its providers take and return):

- ``home_panels`` — ``provider(*, user) -> Panel | None``: a part of the role home (``association.views.home``).
- ``demo`` — ``loader(*, users, stdout, state) -> None``: demo data (``manage.py seed_demo``), run in
  ``order``; ``state`` is one dict shared by the loaders of one run.
- ``pdf_letterhead`` — ``provider() -> kernel.pdf.Letterhead``: the letterhead of every PDF (one provider).
- ``beneficiary_panels`` — ``provider(*, beneficiary, user) -> Panel | None``: a card on the beneficiary page
  (``beneficiaries.views.beneficiary_detail``), drawn in ``order``; ``None`` when the viewer may not see it.
  The provider queries what its card needs (a bounded number of queries, not one per row) and filters what
  ``user`` may see. The card's template gets ``beneficiary`` and the panel's context (and the request's
  context processors: ``perms``, ``user``); it draws its own column (``<div class="col-lg-6">``).
- ``beneficiary_actions`` — ``provider(*, beneficiary, user) -> kernel.actions.Action | None``: a link at the
  top of the beneficiary page (record a contact, start a request...; ``style`` is the Bootstrap button
  suffix: ``"primary"``, ``"outline-primary"``...); with ``beneficiary=None``, a link of the intake desk
  (a contact from someone with no file yet).
- ``desk_panels`` — ``provider(*, user) -> Panel | None``: a card on the intake desk (``beneficiaries:desk``).
- ``beneficiary_list_columns`` — ``provider(*, user) -> ListColumn | None``: a column of the beneficiary list
  and of the desk's search results, computed by the database for the page's rows (an annotation: no query
  per row), e.g. the open requests; ``None`` when ``user`` may not see it.
- ``beneficiary_open_work`` — ``provider(*, beneficiary) -> str | None``: why the association still needs
  this person's data, as a sentence ("A support request of this person is still open."); while any provider
  gives one, consent to processing their data cannot be withdrawn (``beneficiaries.services.consent_set``).
- ``timeline`` — ``provider(*, beneficiary, user, support_request=None) -> Iterable[TimelineItem]``: what
  the providing app recorded about ``beneficiary`` (only about ``support_request`` when given), newest
  first, at most ``TIMELINE_PER_SOURCE`` items of each kind, only what ``user`` may see. ONE timeline read
  model: ``beneficiaries.selectors.beneficiary_timeline`` merges the providers' items and pages them
  (the beneficiary timeline page; the request page passes its request).
- ``sensitive_access`` — ``provider(*, actor, beneficiary) -> bool``: ``actor`` works on ``beneficiary``'s
  case (e.g. the researcher of one of their open requests), so a holder of
  ``beneficiaries.view_assigned_sensitive`` may see that person's sensitive data in full
  (``beneficiaries.services.sensitive_access_allowed``: any provider saying ``True`` is enough).
- Data protection (PDPL, ``beneficiaries.privacy``): ``subject_data`` — ``provider(*, beneficiary) ->
  SubjectSection | None``: what the app holds about the person, for their export; ``subject_erasure`` —
  ``provider(*, beneficiary) -> {kind: count}``: remove the person's identity from the app's records (free
  text, addresses, files), keep what statistics read, return how many records changed; ``beneficiary_last_activity``
  — ``provider(*, beneficiary) -> datetime | None``: the app's latest record about the person (retention runs
  from the latest of all); ``retention_kinds`` — ``provider() -> RetentionKind``: a record kind a retention
  period can be set for in admin, with its idempotent ``sweep(cutoff=, held=, now=)``.
"""

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any


@dataclass(frozen=True)
class Panel:
    """A part of a composed page: the template that draws it and that template's context."""

    template: str
    context: dict


# Each timeline provider yields at most this many items of one kind: a long-standing file shows the
# latest of each.
TIMELINE_PER_SOURCE = 300


@dataclass(frozen=True)
class TimelineItem:
    """One line of a person's timeline (slot ``timeline``), already in words: the page compares no kinds.

    ``at`` aware datetime; ``kind`` a short code for styling and tests (``"contact"``, ``"status"``,
    ``"message"``, ``"survey"``...), ``kind_label`` the same in words; ``actor`` the name of who did it
    (empty for the portal itself); ``url`` where the item opens (empty when the viewer may not open it);
    ``badge`` a short state beside the title (a case's status, "Low score"); ``icon`` a Bootstrap Icons name
    (``"clipboard-check"``) for a page that draws icons, drawn as ``data-icon``. ``sensitive`` marks an item
    whose ``body`` holds the person's sensitive data: the page shows its body only to a viewer allowed
    to see that data (``beneficiaries.services.sensitive_access_allowed``)."""

    at: datetime
    kind: str
    title: str
    kind_label: str = ""
    body: str = ""
    actor: str = ""
    url: str = ""
    badge: str = ""
    icon: str = ""
    sensitive: bool = False


@dataclass(frozen=True)
class ListColumn:
    """A column an app adds to a list of another app's rows (slot ``beneficiary_list_columns``): ``key`` names
    the annotation (unique, a Python identifier), ``annotation`` is the database expression computing it for
    each row (``Count(...)``), ``label`` the column's heading."""

    key: str
    label: str
    annotation: Any


@dataclass(frozen=True)
class SessionAudience:
    """The attendees of one session (slot ``session_attendees``): ``subject_key`` files the answers
    (``program:5``), ``beneficiary_ids`` the attendees who have a file (only they can be invited and followed
    up)."""

    subject_key: str
    beneficiary_ids: tuple[int, ...]


@dataclass(frozen=True)
class _Entry:
    order: int
    key: str
    provider: Callable[..., Any]


_SLOTS: dict[str, list[_Entry]] = defaultdict(list)


def _key(provider: Callable) -> str:
    return f"{getattr(provider, '__module__', '')}.{getattr(provider, '__qualname__', repr(provider))}"


def register(slot: str, provider: Callable[..., Any], *, order: int = 100) -> Callable[..., Any]:
    """Add ``provider`` to ``slot`` (lower ``order`` first; equal orders keep registration order).

    Registering the same function again replaces it (``ready`` may run twice in tests), so a provider
    never runs twice. Returns the provider, so it can be used as a decorator's body."""
    key = _key(provider)
    entries = [entry for entry in _SLOTS[slot] if entry.key != key]
    entries.append(_Entry(order=order, key=key, provider=provider))
    entries.sort(key=lambda entry: entry.order)  # stable: ties stay in registration order
    _SLOTS[slot] = entries
    return provider


def unregister(slot: str, provider: Callable[..., Any]) -> None:
    key = _key(provider)
    _SLOTS[slot] = [entry for entry in _SLOTS[slot] if entry.key != key]


def providers(slot: str) -> list[Callable[..., Any]]:
    """The slot's providers, in order."""
    return [entry.provider for entry in _SLOTS.get(slot, [])]


def collect(slot: str, **kwargs) -> list[Any]:
    """Call every provider of ``slot`` with ``kwargs``, in order; the results that are not ``None``."""
    results = []
    for provider in providers(slot):
        result = provider(**kwargs)
        if result is not None:
            results.append(result)
    return results


def single(slot: str) -> Callable[..., Any] | None:
    """The one provider of a slot that takes one (the last registered wins), or ``None``."""
    found = providers(slot)
    return found[-1] if found else None
