"""POST data for the registration page, as the browser sends it."""

from tests.factories import valid_national_id


def household_management(total: int, initial: int = 0) -> dict:
    return {
        "household-TOTAL_FORMS": str(total),
        "household-INITIAL_FORMS": str(initial),
        "household-MIN_NUM_FORMS": "0",
        "household-MAX_NUM_FORMS": "1000",
    }


EMPTY_ROW = {
    "member": "",
    "relation": "",
    "name": "",
    "national_id": "",
    "birth_date": "",
    "monthly_income": "0",
    "health_notes": "",
}


def household_rows(rows: list[dict], extra: int = 2, initial: int = 0) -> dict:
    """The household formset as rendered and sent back: ``rows`` then ``extra`` untouched blank rows
    (the browser sends the blank rows' initial income, 0)."""
    data = household_management(len(rows) + extra, initial)
    for i, row in enumerate([*rows, *[EMPTY_ROW] * extra]):
        for key, value in {**EMPTY_ROW, **row}.items():
            data[f"household-{i}-{key}"] = value
    return data


def registration_post(n: int = 1, household: list[dict] = (), **overrides) -> dict:
    """A complete, valid registration form for a new person ``n`` (unique ID and mobile)."""
    data = {
        "national_id": valid_national_id(70000000 + n),
        "first_name": "أحمد",
        "father_name": "عبدالله",
        "grandfather_name": "سعد",
        "family_name": f"التجربة{n}",
        "gender": "male",
        "birth_date": "1985-03-04",
        "nationality": "سعودي",
        "marital_status": "married",
        "mobile": f"05{(50000000 + n):08d}"[:10],
        "city": "الرياض",
        "district": "النسيم",
        "iban": "",
        "health_notes": "",
        "disability_notes": "",
        "consents": ["data_processing", "contact"],
    }
    data.update(household_rows(household, extra=2))
    data.update(overrides)
    return data


def edit_post(beneficiary, household: list[dict] | None = None, extra: int = 2, **overrides) -> dict:
    """The edit form as the browser sends it back untouched: the version it was opened at, every plain
    field as shown, and the masked ID, IBAN and notes empty (kept). ``household`` rows default to the
    recorded members, each with its ``member`` id and masked fields empty."""
    data = {
        "version": str(beneficiary.version),
        "national_id": "",
        "first_name": beneficiary.first_name,
        "father_name": beneficiary.father_name,
        "grandfather_name": beneficiary.grandfather_name,
        "family_name": beneficiary.family_name,
        "gender": beneficiary.gender,
        "birth_date": beneficiary.birth_date.isoformat(),
        "nationality": beneficiary.nationality,
        "marital_status": beneficiary.marital_status,
        "mobile": beneficiary.mobile_local,
        "city": beneficiary.city,
        "district": beneficiary.district,
        "iban": "",
        "health_notes": "",
        "disability_notes": "",
    }
    if household is None:
        household = [
            {
                "member": str(m.pk),
                "relation": m.relation,
                "name": m.name,
                "birth_date": m.birth_date.isoformat() if m.birth_date else "",
                "monthly_income": str(m.monthly_income),
            }
            for m in beneficiary.household.order_by("pk")
        ]
    initial = sum(1 for row in household if row.get("member"))
    data.update(household_rows([{"member": "", **row} for row in household], extra=extra, initial=initial))
    data.update(overrides)
    return data
