"""Build beneficiary import files (xlsx and csv) with known bad rows, for the import tests."""

import contextlib
import csv
import io
from dataclasses import dataclass, field

import openpyxl
from django.test import TestCase
from django.urls import reverse
from stdnum import luhn

from association.celery import app as celery_app
from beneficiaries.resources import COLUMNS, column_label
from tests.factories import valid_national_id

ARABIC_DIGITS = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")


def saudi_iban(bank: str, account: int) -> str:
    """A valid Saudi IBAN (ISO 13616 mod-97) for a SAMA bank code and an account number."""
    bban = f"{bank}{account:018d}"
    numeric = "".join(str(int(c, 36)) for c in bban + "SA00")
    return f"SA{98 - int(numeric) % 97:02d}{bban}"


def bad_luhn(national_id: str) -> str:
    wrong = (int(national_id[-1]) + 1) % 10
    assert not luhn.is_valid(national_id[:-1] + str(wrong))
    return national_id[:-1] + str(wrong)


def valid_row(n: int) -> dict:
    """A valid row; formats vary the way real files do (Hijri dates, Arabic digits, Arabic labels)."""
    national_id = valid_national_id(60000000 + n, resident=n % 7 == 0)
    mobile = f"055{n:07d}"
    variants = n % 5
    return {
        "national_id": national_id.translate(ARABIC_DIGITS) if variants == 1 else national_id,
        "first_name": "فاطمة" if n % 2 else "أحمد",
        "father_name": "عبدالله",
        "grandfather_name": "سعد",
        "family_name": f"العتيبي{n}",
        "gender": ["أنثى", "female"][variants % 2] if n % 2 else ["ذكر", "male"][variants % 2],
        "birth_date": ["1990-05-21", "1410-10-26 هـ", "21/05/1985", "1400-01-01", "1975-12-31 م"][variants],
        "nationality": "" if variants == 2 else "سعودي",
        "marital_status": ["متزوج", "أرملة", "single", "مطلقة", "أعزب"][variants],
        "mobile": [mobile, "+966" + mobile[1:], mobile.translate(ARABIC_DIGITS), mobile[1:], "00966" + mobile[1:]][
            variants
        ],
        "city": "الرياض",
        "district": "النسيم" if variants == 3 else "",
        "iban": saudi_iban("80", 1000 + n) if variants in (0, 4) else "",
        "health_notes": "",
        "disability_notes": "",
    }


@dataclass
class ImportFile:
    rows: list[dict]
    # data-row line in the file (header = line 1) → {field name: expected message fragment or None}
    bad: dict[int, dict[str, str | None]] = field(default_factory=dict)
    registered_ids: list[str] = field(default_factory=list)

    @property
    def valid_count(self) -> int:
        return len(self.rows) - len(self.bad)

    def line(self, index: int) -> int:
        return index + 2

    def as_table(self) -> list[list[str]]:
        return [[column_label(c) for c in COLUMNS]] + [[row[c] for c in COLUMNS] for row in self.rows]

    def xlsx(self) -> bytes:
        book = openpyxl.Workbook()
        sheet = book.active
        for values in self.as_table():
            sheet.append(values)
        out = io.BytesIO()
        book.save(out)
        return out.getvalue()

    def csv(self) -> bytes:
        out = io.StringIO()
        csv.writer(out).writerows(self.as_table())
        return out.getvalue().encode("utf-8-sig")

    def content(self, file_format: str) -> bytes:
        return self.xlsx() if file_format == "xlsx" else self.csv()


def thousand_rows_with_fifty_bad() -> ImportFile:
    """1,000 rows, exactly 50 bad: 9 bad ID checksums, 9 bad IBANs, 8 bad mobiles, 8 IDs already
    registered (``registered_ids``: the caller registers them), 4 IDs twice in the file (8 rows) and
    8 impossible dates. Bad rows are spread through the file."""
    rows = [valid_row(n) for n in range(1000)]
    spec = (
        [("checksum", i) for i in range(3, 1000, 111)]  # 9
        + [("iban", i) for i in range(10, 1000, 111)]  # 9
        + [("mobile", i) for i in range(20, 1000, 125)]  # 8
        + [("registered", i) for i in range(35, 1000, 125)]  # 8
        + [("twice", i) for i in range(40, 1000, 250)]  # 4 pairs
        + [("date", i) for i in range(50, 1000, 125)]  # 8
    )
    data = ImportFile(rows=rows)
    for kind, i in spec:
        row = rows[i]
        line = data.line(i)
        assert line not in data.bad, f"row {i} used twice"
        if kind == "checksum":
            row["national_id"] = bad_luhn(valid_national_id(60000000 + i))
            data.bad[line] = {"national_id": None}
        elif kind == "iban":
            good = saudi_iban("80", 1000 + i)
            row["iban"] = good[:2] + f"{(int(good[2:4]) + 1) % 100:02d}" + good[4:]
            data.bad[line] = {"iban": None}
        elif kind == "mobile":
            row["mobile"] = "0412345678"
            data.bad[line] = {"mobile": None}
        elif kind == "registered":
            data.registered_ids.append(valid_national_id(60000000 + i, resident=i % 7 == 0))
            data.bad[line] = {"national_id": "registered"}
        elif kind == "twice":
            j = i + 1
            rows[j]["national_id"] = row["national_id"]
            data.bad[line] = {"national_id": f"{line}، {data.line(j)}"}
            data.bad[data.line(j)] = {"national_id": f"{line}، {data.line(j)}"}
        elif kind == "date":
            row["birth_date"] = "1990-02-30" if i % 2 else "1445-13-01 هـ"
            data.bad[line] = {"birth_date": None}
    assert len(data.bad) == 50
    return data


@contextlib.contextmanager
def worker_runs_tasks():
    """Celery runs what the block queues in this process, once the block's writes would commit: what a
    worker does with the task a confirmation sends (the same pattern as tests/guards/world.py)."""
    eager = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    try:
        with TestCase.captureOnCommitCallbacks(execute=True):
            yield
    finally:
        celery_app.conf.task_always_eager = eager


def confirm(client, expected_rows: int, *, follow: bool = True):
    """Confirm the previewed file; the worker runs the import; the response is the run's page."""
    with worker_runs_tasks():
        response = client.post(reverse("beneficiaries:import_confirm"), {"expected_rows": expected_rows})
    assert response.status_code == 302, response.status_code
    return client.get(response["Location"]) if follow else response
