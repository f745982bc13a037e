"""Reads that pages and exports share: the list and the desk search, a person's page and timeline, the
access log.

What other apps hold about a person (their requests, contacts, messages, surveys) comes from the
providers they register with the kernel registry (``beneficiary_panels``, ``beneficiary_actions``,
``desk_panels``, ``beneficiary_list_columns``, ``timeline``): the registry imports no app above it.
"""

import datetime as dt
from dataclasses import replace

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from association.kernel import registry
from association.kernel.pagination import keys_paginate
from association.kernel.registry import ListColumn, TimelineItem
from association.kernel.text import person_name

from .models import Beneficiary, ImportRun, SensitiveAccess
from .search import beneficiaries_with_national_id, search_beneficiaries
from .services import sensitive_access_allowed

__all__ = ["beneficiaries_with_national_id"]  # the one lookup by ID (beneficiaries.search), for other apps

# The page lists this many edits of the file; the history page has them all, a page at a time.
CHANGES_ON_PAGE = 10
# The desk shows the officer's latest registrations.
DESK_RECENT = 8
# What a page of search results shows of each person (beneficiaries/_table.html; the row's link is its public_id):
# the other columns, the encrypted notes and IBAN among them, are not read.
RESULT_FIELDS = (
    "public_id",
    "first_name",
    "father_name",
    "grandfather_name",
    "family_name",
    "national_id",
    "mobile",
    "city",
    "created_at",
)


# --- the list and the desk search ---------------------------------------------------------------


def beneficiary_list_columns(*, user) -> list[ListColumn]:
    """The columns other apps add to the list for ``user`` (e.g. open requests), in their registered order."""
    return registry.collect("beneficiary_list_columns", user=user)


def beneficiary_list(*, columns: list[ListColumn] = (), branch: str = "") -> QuerySet:
    """Every beneficiary (of the ``branch`` pk, when given), newest first, with the ``columns``' values
    computed by the database."""
    queryset = Beneficiary.objects.all()
    if branch.isdigit() and len(branch) < 10:
        queryset = queryset.filter(branch_id=int(branch))
    return queryset.annotate(**{column.key: column.annotation for column in columns}).order_by("-created_at", "-pk")


def beneficiary_search(*, query: str, columns: list[ListColumn] = ()) -> QuerySet:
    """The beneficiaries ``query`` finds (ID, mobile in any format, or name fragments), newest first."""
    return search_beneficiaries(beneficiary_list(columns=columns), query)


def beneficiary_search_page(*, query: str, page, columns: list[ListColumn] = ()):
    """One page of ``beneficiary_search`` (``page`` as sent; a bad number gives a valid page), counted up to
    10,000: one scan of the matches for the count and the page (``kernel.pagination.keys_paginate``)."""
    return keys_paginate(beneficiary_search(query=query, columns=columns).only(*RESULT_FIELDS), page)


def with_column_values(page, columns: list[ListColumn]):
    """Give each row of ``page`` its ``column_values`` (the ``columns``' values in order) for the template."""
    rows = list(page.object_list)
    for row in rows:
        row.column_values = [getattr(row, column.key) for column in columns]
    page.object_list = rows
    return page


def desk_recent_registrations(*, user) -> list[Beneficiary]:
    return list(Beneficiary.objects.filter(created_by=user).order_by("-created_at", "-pk")[:DESK_RECENT])


# --- one person ---------------------------------------------------------------------------------


def beneficiary_get(*, public_id) -> Beneficiary:
    """The person at ``public_id`` (``Beneficiary.DoesNotExist`` if none), with who registered them and where."""
    return Beneficiary.objects.select_related("created_by", "branch").get(public_id=public_id)


def beneficiary_detail(*, beneficiary: Beneficiary, user) -> dict:
    """What the beneficiary page shows: the registry's own records and the other apps' cards and buttons.

    A fixed number of queries whatever the number of household members, documents, consents or edits
    (one each), plus what each provider's card costs (bounded by its own limit)."""
    return {
        "household": list(beneficiary.household.order_by("pk")),
        "documents": list(beneficiary.documents.select_related("document_type", "supplied_by", "verified_by")),
        "consents": list(beneficiary.consents.all()),
        "changes": list(beneficiary.changes.select_related("actor")[: CHANGES_ON_PAGE + 1]),
        "changes_on_page": CHANGES_ON_PAGE,
        "today": timezone.localdate(),  # a document valid until before today is shown expired
        "panels": registry.collect("beneficiary_panels", beneficiary=beneficiary, user=user),
        "actions": registry.collect("beneficiary_actions", beneficiary=beneficiary, user=user),
    }


def beneficiary_timeline(*, beneficiary: Beneficiary, user, support_request=None) -> list[TimelineItem]:
    """Everything recorded about the person, newest first: the items every ``timeline`` provider yields for
    ``user`` (only about ``support_request`` when given). The body of an item marked sensitive is left out
    for a viewer who may not see this person's sensitive data."""
    items = [
        item
        for provider in registry.providers("timeline")
        for item in provider(beneficiary=beneficiary, user=user, support_request=support_request)
    ]
    hidden = any(item.sensitive and item.body for item in items) and not sensitive_access_allowed(
        actor=user, beneficiary=beneficiary
    )
    if hidden:
        items = [replace(item, body="") if item.sensitive else item for item in items]
    items.sort(key=lambda item: item.at, reverse=True)
    return items


def documents_timeline(*, beneficiary: Beneficiary, user, support_request=None) -> list[TimelineItem]:
    """The registry's own timeline items (slot ``timeline``): documents supplied and verified. The person's
    documents serve all their requests, so a request's timeline shows them all."""
    items = []
    documents = beneficiary.documents.select_related("document_type", "supplied_by", "verified_by").order_by(
        "-supplied_at", "-pk"
    )[: registry.TIMELINE_PER_SOURCE]
    for document in documents:
        items.append(
            TimelineItem(
                at=document.supplied_at,
                kind="document",
                kind_label=_("Document"),
                title=_("Document supplied: %(name)s") % {"name": document.document_type},
                actor=person_name(document.supplied_by, ""),
            )
        )
        if document.verified_at:
            items.append(
                TimelineItem(
                    at=document.verified_at,
                    kind="document",
                    kind_label=_("Document"),
                    title=_("Document verified: %(name)s") % {"name": document.document_type},
                    actor=person_name(document.verified_by, ""),
                )
            )
    return items


# --- the access log -----------------------------------------------------------------------------


def _start_of(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def sensitive_access_list(*, filters: dict) -> QuerySet:
    """The access log, newest first, narrowed by ``filters``: ``beneficiary`` (public id), ``user``,
    ``field``, ``start`` and ``end`` (days in Riyadh time, both included). Rows carry their user and
    beneficiary, so a page of them costs the same queries whatever its length."""
    rows = SensitiveAccess.objects.select_related("user", "beneficiary").order_by("-at", "-pk")
    if filters.get("beneficiary"):
        rows = rows.filter(beneficiary__public_id=filters["beneficiary"])
    if filters.get("user"):
        rows = rows.filter(user=filters["user"])
    if filters.get("field"):
        rows = rows.filter(field=filters["field"])
    if filters.get("start"):
        rows = rows.filter(at__gte=_start_of(filters["start"]))
    if filters.get("end"):
        rows = rows.filter(at__lt=_start_of(filters["end"] + dt.timedelta(days=1)))
    return rows


def export_list(*, filters: dict) -> QuerySet:
    """Every file that left the portal with people's data (bulk exports, one person's data, the access log's
    own exports) and every import, newest first, narrowed by ``user``, ``kind``, ``start`` and ``end``."""
    from .models import BulkTransfer

    rows = BulkTransfer.objects.select_related("user", "beneficiary").order_by("-at", "-pk")
    if filters.get("user"):
        rows = rows.filter(user=filters["user"])
    if filters.get("kind"):
        rows = rows.filter(kind=filters["kind"])
    if filters.get("start"):
        rows = rows.filter(at__gte=_start_of(filters["start"]))
    if filters.get("end"):
        rows = rows.filter(at__lt=_start_of(filters["end"] + dt.timedelta(days=1)))
    return rows


def import_run_get(*, user, pk: int) -> ImportRun:
    """One of ``user``'s own import runs (ImportRun.DoesNotExist for anyone else's), with its logged transfer."""
    return ImportRun.objects.select_related("transfer").get(pk=pk, user=user)
