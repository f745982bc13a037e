"""PDF documents: HTML templates under ``templates/<app>/pdf/`` rendered by WeasyPrint.

- Arabic text in Amiri, loaded from the installed ``fontpkg-amiri`` package through ``@font-face``
  (Amiri keeps the PDF text layer correct for extraction and search).
- Letterhead from the association profile (``templates/association/pdf/base.html``): name, logo,
  licence, the number / date / attachments box, and the contact and bank footer.
- A ``url_fetcher`` that serves only our own static files and the association's logo; any other
  URL (the network, ``file:`` paths) is refused, so a template can never make the renderer fetch.

Apps register printable kinds with ``@document("kind")`` in their ``documents.py``; the
``render_document KIND PK -o FILE`` command and the download views find them there.
"""

import base64
import mimetypes
from collections.abc import Callable
from pathlib import Path
from urllib.parse import unquote, urlparse

from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.module_loading import autodiscover_modules

from .dates import format_hijri_long
from .models import AssociationProfile
from .pdf_text import repair_text_layer
from .text import to_arabic_digits

STATIC_PREFIX = "portal-static:"
LOGO_URL = "portal-logo:"
_DATA_IMAGE_PREFIXES = ("data:image/png;base64,", "data:image/jpeg;base64,")

# kind -> function(pk) -> (pdf bytes, file name)
DOCUMENTS: dict[str, Callable[[int], tuple[bytes, str]]] = {}


def document(kind: str):
    def register(func):
        DOCUMENTS[kind] = func
        return func

    return register


def document_kinds() -> dict[str, Callable[[int], tuple[bytes, str]]]:
    autodiscover_modules("documents")
    return DOCUMENTS


class FetchRefused(ValueError):
    pass


def _fetch_local(url: str) -> tuple[bytes, str]:
    """``portal-static:<path>`` from our static files, ``portal-logo:`` from the profile; nothing else."""
    if url.startswith(_DATA_IMAGE_PREFIXES):
        # Inline images (a signature drawn on screen) carry their bytes: nothing is fetched.
        header, _, payload = url.partition(",")
        return base64.b64decode(payload, validate=True), header[5:].split(";")[0]
    if url.startswith(STATIC_PREFIX):
        relative = unquote(url[len(STATIC_PREFIX):]).lstrip("/")
        if ".." in Path(relative).parts:
            raise FetchRefused(url)
        found = finders.find(relative)
        if not found:
            raise FetchRefused(url)
        path = Path(found)
        return path.read_bytes(), mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    if url == LOGO_URL:
        profile = AssociationProfile.objects.filter(pk=1).first()
        if profile and profile.logo:
            with profile.logo.open("rb") as handle:
                return handle.read(), mimetypes.guess_type(profile.logo.name)[0] or "image/png"
    raise FetchRefused(f"refused to fetch {urlparse(url).scheme or 'relative'} URL in a PDF")


def _url_fetcher():
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class PortalURLFetcher(URLFetcher):
        def fetch(self, url, headers=None):
            data, mime_type = _fetch_local(url)
            return URLFetcherResponse(url, data, {"Content-Type": mime_type})

    return PortalURLFetcher()


def render_pdf(template_name: str, context: dict) -> bytes:
    from weasyprint import HTML

    profile = AssociationProfile.get_solo()
    now = timezone.localtime()
    arabic_digits = profile.document_digits == AssociationProfile.Digits.ARABIC_INDIC
    base = {
        "association": profile,
        "bank_accounts": list(profile.bank_accounts.filter(is_active=True)) if profile.pk and profile.name else [],
        "printed_at": now,
        "printed_hijri": format_hijri_long(now.date()),
        "arabic_digits": arabic_digits,
        "STATIC": STATIC_PREFIX,
        "LOGO": LOGO_URL if profile.logo else "",
    }
    html = render_to_string(template_name, {**base, **context})
    if arabic_digits:
        html = _arabic_digits_in_text(html)
    pdf = HTML(string=html, base_url=str(settings.BASE_DIR), url_fetcher=_url_fetcher()).write_pdf()
    # WeasyPrint maps some Amiri glyphs to the wrong text (خ, ح, ج vanish or swap); fix the map.
    return repair_text_layer(pdf)


def _arabic_digits_in_text(html: str) -> str:
    """Arabic-Indic digits in the text, not inside tags (CSS sizes, URLs and attributes keep ASCII)."""
    out, inside_tag, in_style = [], False, False
    i = 0
    while i < len(html):
        ch = html[i]
        if ch == "<":
            inside_tag = True
            lowered = html[i : i + 7].lower()
            if lowered.startswith("<style"):
                in_style = True
            elif lowered.startswith("</style"):
                in_style = False
        if inside_tag or in_style:
            out.append(ch)
        else:
            out.append(to_arabic_digits(ch))
        if ch == ">":
            inside_tag = False
        i += 1
    return "".join(out)


def image_data_url(data: bytes, content_type: str) -> str:
    """An inline ``data:`` URL for an image a PDF template shows (e.g. a signature)."""
    return f"data:{content_type};base64,{base64.b64encode(data).decode('ascii')}"
