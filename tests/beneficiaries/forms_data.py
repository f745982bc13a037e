"""POST data for the registration page, as the browser sends it."""

from tests.factories import valid_national_id


def household_management(total: int, initial: int = 0) -> dict:
    return {
        "household-TOTAL_FORMS": str(total), "household-INITIAL_FORMS": str(initial),
        "household-MIN_NUM_FORMS": "0", "household-MAX_NUM_FORMS": "1000",
    }


EMPTY_ROW = {"relation": "", "name": "", "national_id": "", "birth_date": "", "monthly_income": "0", "health_notes": ""}


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
        "first_name": "أحمد", "father_name": "عبدالله", "grandfather_name": "سعد", "family_name": f"التجربة{n}",
        "gender": "male", "birth_date": "1985-03-04", "nationality": "سعودي", "marital_status": "married",
        "mobile": f"05{(50000000 + n):08d}"[:10], "city": "الرياض", "district": "النسيم", "iban": "",
        "health_notes": "", "disability_notes": "", "consents": ["data_processing", "contact"],
    }
    data.update(household_rows(household, extra=2))
    data.update(overrides)
    return data
