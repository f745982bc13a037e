"""Arabic pages carry no English from our code: the beneficiary import page, the admin's import page and
its preview (worded, numbered and laid out like the portal's own preview), the admin index's app names
and every admin list's column titles."""

import re
from html.parser import HTMLParser

import pytest
from django.contrib import admin
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from beneficiaries.models import Beneficiary
from beneficiaries.resources import column_label
from tests.beneficiaries.import_files import ImportFile, valid_row
from tests.factories import BeneficiaryFactory

pytestmark = pytest.mark.django_db

# Words that stay Latin on an Arabic page: formats, standards and brand names.
ALLOWED = {"SA", "IBAN", "PDF", "CSV", "csv", "Excel", "xlsx", "XLSX", "QR", "SMS", "IP", "ID", "CSP", "English"}
LATIN_WORD = re.compile(r"[A-Za-z][A-Za-z_]+")


class VisibleText(HTMLParser):
    """The text a reader sees (and reads aloud: titles, labels, placeholders), without scripts,
    styles, form values or the language switch."""

    ATTRIBUTES = ("title", "aria-label", "placeholder", "alt")

    def __init__(self):
        super().__init__()
        self.parts: list[str] = []
        self.hidden = 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in ("script", "style", "template") or attrs.get("lang") == "en":
            self.hidden += 1
            return
        self.parts += [attrs[name] for name in self.ATTRIBUTES if attrs.get(name)]

    def handle_endtag(self, tag):
        if tag in ("script", "style", "template") and self.hidden:
            self.hidden -= 1

    def handle_data(self, data):
        if not self.hidden and data.strip():
            self.parts.append(data.strip())


def english_words(html: str, *, ignore=()) -> set[str]:
    parser = VisibleText()
    parser.feed(html)
    words = set()
    for part in parser.parts:
        if any(value and value in part for value in ignore):
            continue
        # «05XXXXXXXX» shows the shape of a mobile number.
        words |= {word for word in LATIN_WORD.findall(part) if word not in ALLOWED and set(word) != {"X"}}
    return words


def region(html: str, element_id: str) -> str:
    """The markup inside ``<... id="element_id">`` up to the end of the page: the admin's content
    or the portal's main, without the header the test does not judge."""
    start = html.index(f'id="{element_id}"')
    return html[html.index(">", start) + 1 :]


@pytest.fixture(autouse=True)
def arabic(settings, tmp_path):
    settings.LANGUAGE_CODE = "ar"
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def admin_client(client_for, superuser):
    client = client_for(superuser)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "ar"
    return client


def bad_file() -> ImportFile:
    rows = [valid_row(n) for n in range(700, 706)]
    rows[1]["mobile"] = "0412345678"
    rows[3]["birth_date"] = "1990-02-30"
    rows[4]["national_id"] = "1234567890"
    return ImportFile(rows=rows)


def test_the_import_page_is_arabic(admin_client):
    html = admin_client.get(reverse("beneficiaries:import")).content.decode()
    assert english_words(region(html, "main")) == set()


def test_the_admin_import_page_and_its_preview_are_arabic_and_numbered_like_the_portal(admin_client):
    data = bad_file()
    page = admin_client.get(reverse("admin:beneficiaries_beneficiary_import")).content.decode()
    assert english_words(region(page, "content")) == set()

    response = admin_client.post(
        reverse("admin:beneficiaries_beneficiary_import"),
        {"import_file": SimpleUploadedFile("people.csv", data.csv()), "format": "1"},
    )
    html = response.content.decode()
    assert english_words(region(html, "content"), ignore=["people.csv"]) == set()
    admin_lines = [int(n) for n in re.findall(r'<tr data-line="(\d+)"', html)]

    # The portal's own preview of the same file names the same lines.
    admin_client.post(reverse("beneficiaries:import"), {"file": SimpleUploadedFile("people.csv", data.csv())})
    portal = admin_client.get(reverse("beneficiaries:import_preview")).content.decode()
    portal_lines = [int(n) for n in re.findall(r'<tr data-line="(\d+)"', portal)]
    assert admin_lines == portal_lines == [data.line(1), data.line(3), data.line(4)]

    # Every reason is on the page under its Arabic column name, not behind a badge or a field code.
    problems = html[html.index('id="import-problems"') :]
    for field in ("mobile", "birth_date", "national_id"):
        assert f"<strong>{column_label(field)}:</strong>" in problems
        assert f">{field}<" not in html
    assert "validation-error-count" not in html
    # A wide table scrolls inside its own box rather than widening the page.
    assert re.search(r'<div class="portal-import-scroll">\s*<table[^>]*id="import-problems"', html)
    assert not Beneficiary.objects.exists()


def test_the_admin_preview_of_a_valid_file_is_arabic_and_fits_the_window(admin_client):
    data = ImportFile(rows=[valid_row(n) for n in range(710, 713)])
    response = admin_client.post(
        reverse("admin:beneficiaries_beneficiary_import"),
        {"import_file": SimpleUploadedFile("people.csv", data.csv()), "format": "1"},
    )
    html = response.content.decode()
    assert response.context["confirm_form"] is not None
    # Row values (names, «male», «single») are the file's own data, not our words.
    values = [str(v) for row in data.rows for v in row.values() if v]
    assert english_words(region(html, "content"), ignore=["people.csv", *values]) == set()
    assert re.search(r'<div class="portal-import-scroll">\s*<table[^>]*id="import-preview"', html)
    lines = re.findall(r"<tr class=\"new\">\s*<td>(\d+)</td>", html)
    assert [int(n) for n in lines] == [data.line(i) for i in range(3)]


def test_admin_app_names_and_list_columns_are_arabic(admin_client):
    BeneficiaryFactory()
    index = admin_client.get(reverse("admin:index")).content.decode()
    app_names = re.findall(r"<caption>\s*<a [^>]*>(.*?)</a>", index, re.S)
    assert app_names and not {name for name in app_names if LATIN_WORD.search(name)}, app_names
    bad = {}
    for model in admin.site._registry:
        opts = model._meta
        html = admin_client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")).content.decode()
        headers = [
            re.sub(r"<[^>]+>", "", h).strip() for h in re.findall(r'<th scope="col"[^>]*>(.*?)</th>', html, re.S)
        ]
        english = {word for header in headers for word in LATIN_WORD.findall(header) if word not in ALLOWED}
        if english:
            bad[opts.label] = english
    assert bad == {}


# The names `makemessages` extracts (Django's xgettext keywords): a string marked with any other alias
# never reaches the catalogue and shows in English on an Arabic page.
EXTRACTED_NAMES = {
    "_",
    "gettext",
    "gettext_lazy",
    "gettext_noop",
    "ngettext",
    "ngettext_lazy",
    "pgettext",
    "pgettext_lazy",
    "npgettext",
    "npgettext_lazy",
}


def test_translation_functions_are_imported_under_names_makemessages_extracts():
    import ast
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    wrong = []
    for path in root.rglob("*.py"):
        if {".venv", "tests", "var", "node_modules"} & set(path.relative_to(root).parts):
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module == "django.utils.translation":
                wrong += [
                    f"{path.relative_to(root)}: {alias.name} as {alias.asname}"
                    for alias in node.names
                    if alias.asname and alias.asname not in EXTRACTED_NAMES
                ]
    assert wrong == []
