"""One person's data, composed from every app (registry slot ``subject_data``): the PDPL access request.

``subject_data(beneficiary) -> dict`` is the one entry point (the staff export, ``manage.py subject_export``
and the self-service "download a copy" call it). Each app registers in its ``AppConfig.ready``
``registry.register("subject_data", provider, order=N)`` with ``provider(*, beneficiary) -> SubjectSection |
None``: what it holds about the person, in words (labels in the current language, values as text). No
permission is checked here: the caller decides who may ask (the staff export logs itself).
"""

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from association.kernel import registry
from association.kernel.text import person_name

SLOT = "subject_data"


@dataclass(frozen=True)
class SubjectSection:
    """``columns``: ``[(key, label)]``; ``rows``: dicts from those keys to values (text, numbers, dates)."""

    key: str
    title: str
    columns: list[tuple[str, str]]
    rows: list[dict] = field(default_factory=list)


def plain(value):
    """A value as JSON holds it: dates ``YYYY-MM-DD`` and moments ``YYYY-MM-DD HH:MM`` in Riyadh time, amounts
    as text, labels translated."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return (timezone.localtime(value) if timezone.is_aware(value) else value).strftime("%Y-%m-%d %H:%M")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, bool | int | float | str):
        return value
    return str(value)


def section(key: str, title, columns: list[tuple[str, object]], rows) -> SubjectSection:
    """A section with its labels and values made plain."""
    keys = [name for name, _label in columns]
    return SubjectSection(
        key=key,
        title=str(title),
        columns=[(name, str(label)) for name, label in columns],
        rows=[{name: plain(row.get(name)) for name in keys} for row in rows],
    )


def subject_data(beneficiary) -> dict:
    """Everything the association holds about ``beneficiary``: ``{"generated_at", "subject", "sections"}``;
    each section ``{"key", "title", "columns": [{"key", "label"}], "rows": [{key: value}]}``."""
    sections = registry.collect(SLOT, beneficiary=beneficiary)
    return {
        "generated_at": plain(timezone.now()),
        "subject": {"public_id": str(beneficiary.public_id), "name": beneficiary.full_name},
        "sections": [
            {
                "key": found.key,
                "title": found.title,
                "columns": [{"key": key, "label": label} for key, label in found.columns],
                "rows": found.rows,
            }
            for found in sections
        ],
    }


# --- What the registry itself holds (registered by BeneficiariesConfig.ready) ---------------------------


def profile_section(*, beneficiary):
    b = beneficiary
    columns = [
        ("full_name", gettext_lazy("full name")),
        ("national_id", b._meta.get_field("national_id").verbose_name),
        ("id_type", b._meta.get_field("id_type").verbose_name),
        ("gender", b._meta.get_field("gender").verbose_name),
        ("birth_date", b._meta.get_field("birth_date").verbose_name),
        ("nationality", b._meta.get_field("nationality").verbose_name),
        ("marital_status", b._meta.get_field("marital_status").verbose_name),
        ("mobile", b._meta.get_field("mobile").verbose_name),
        ("city", b._meta.get_field("city").verbose_name),
        ("district", b._meta.get_field("district").verbose_name),
        ("iban", b._meta.get_field("iban").verbose_name),
        ("bank_name", b._meta.get_field("bank_name").verbose_name),
        ("health_notes", b._meta.get_field("health_notes").verbose_name),
        ("disability_notes", b._meta.get_field("disability_notes").verbose_name),
        ("created_at", b._meta.get_field("created_at").verbose_name),
    ]
    row = {
        "full_name": b.full_name,
        "national_id": b.national_id,
        "id_type": b.get_id_type_display(),
        "gender": b.get_gender_display(),
        "birth_date": b.birth_date,
        "nationality": b.nationality,
        "marital_status": b.get_marital_status_display(),
        "mobile": b.mobile_local,
        "city": b.city,
        "district": b.district,
        "iban": b.iban,
        "bank_name": b.bank_name,
        "health_notes": b.health_notes,
        "disability_notes": b.disability_notes,
        "created_at": b.created_at,
    }
    return section("profile", _("Profile"), columns, [row])


def household_section(*, beneficiary):
    columns = [
        ("name", _("full name")),
        ("relation", _("relation")),
        ("national_id", _("national ID / Iqama")),
        ("birth_date", _("birth date")),
        ("monthly_income", _("monthly income (SAR)")),
        ("health_notes", _("health notes")),
    ]
    rows = [
        {
            "name": m.name,
            "relation": m.get_relation_display(),
            "national_id": m.national_id,
            "birth_date": m.birth_date,
            "monthly_income": m.monthly_income,
            "health_notes": m.health_notes,
        }
        for m in beneficiary.household.all()
    ]
    return section("household", _("Household"), columns, rows)


def documents_section(*, beneficiary):
    columns = [
        ("document_type", _("document type")),
        ("original_name", _("original file name")),
        ("supplied_at", _("supplied at")),
        ("verified_at", _("verified at")),
        ("note", _("note")),
    ]
    rows = [
        {
            "document_type": d.document_type.name,
            "original_name": d.original_name,
            "supplied_at": d.supplied_at,
            "verified_at": d.verified_at,
            "note": d.note,
        }
        for d in beneficiary.documents.select_related("document_type")
    ]
    return section("documents", _("Documents"), columns, rows)


def consents_section(*, beneficiary):
    columns = [("purpose", _("purpose")), ("given_at", _("given at")), ("withdrawn_at", _("withdrawn at"))]
    rows = [
        {"purpose": c.get_purpose_display(), "given_at": c.given_at, "withdrawn_at": c.withdrawn_at}
        for c in beneficiary.consents.all()
    ]
    return section("consents", _("Consents"), columns, rows)


def access_section(*, beneficiary):
    columns = [("at", _("At")), ("user", _("Staff member")), ("field", _("What was seen"))]
    rows = [
        {"at": a.at, "user": person_name(a.user), "field": a.get_field_display()}
        for a in beneficiary.sensitive_accesses.select_related("user").order_by("-at", "-pk")
    ]
    return section("sensitive_access", _("Who saw the sensitive data"), columns, rows)


def subject_requests_section(*, beneficiary):
    columns = [
        ("kind", _("kind")),
        ("received_on", _("received on")),
        ("due_on", _("due on")),
        ("status", _("status")),
        ("answer", _("answer or reason")),
    ]
    rows = [
        {
            "kind": r.get_kind_display(),
            "received_on": r.received_on,
            "due_on": r.due_on,
            "status": r.get_status_display(),
            "answer": r.answer,
        }
        for r in beneficiary.subject_requests.all()
    ]
    return section("subject_requests", _("Requests about their data"), columns, rows)


def register() -> None:
    registry.register(SLOT, profile_section, order=0)
    registry.register(SLOT, household_section, order=1)
    registry.register(SLOT, documents_section, order=2)
    registry.register(SLOT, consents_section, order=3)
    registry.register(SLOT, subject_requests_section, order=90)
    registry.register(SLOT, access_section, order=95)
