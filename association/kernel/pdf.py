"""PDF documents: HTML templates under ``templates/<app>/pdf/`` rendered by WeasyPrint.

- Arabic text in Amiri, loaded from the installed ``fontpkg-amiri`` package through ``@font-face``
  (Amiri keeps the PDF text layer correct for extraction and search).
- Letterhead from the provider the association layer registers (slot ``pdf_letterhead`` of
  ``association.kernel.registry``: a ``Letterhead``), drawn by ``templates/association/pdf/base.html``: name,
  logo, licence, the number / date / attachments box, and the contact and bank footer.
- A ``url_fetcher`` that serves only our own static files and the association's logo; any other
  URL (the network, ``file:`` paths) is refused, so a template can never make the renderer fetch.
- Numbers, references, dates, amounts and IBANs through the template filters of ``association.kernel.bidi``
  (``|ltr``, ``|dual_date``, ``|amount``, ``|iban``…): isolated left-to-right runs that are drawn in order
  and never broken across lines. With Arabic-Indic digits (``AssociationProfile.document_digits``) the
  template renders inside ``association.kernel.numbers.digits`` (amounts get «٬» and «٫»), then every other digit
  of the text is converted, except inside runs marked ``data-digits="latin"`` (IBANs, addresses).
- The page counter reads «صفحة 1 من 4» (``page_counter_css``).
- Warm renders skip the stylesheet work: the document's ``<style>`` (the same text for every letter of a kind)
  is parsed once per process and kept with its fonts (``_stylesheet``: one ``FontConfiguration`` per thread, the
  Amiri ``@font-face`` files loaded once); the Amiri text-layer repair is cached per font (``pdf_text``).

Apps register printable kinds with ``@document("kind")`` in their ``documents.py``; the
``render_document KIND PK -o FILE`` command and the download views find them there.
"""

import atexit
import base64
import mimetypes
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from urllib.parse import unquote, urlparse

from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.module_loading import autodiscover_modules
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import pgettext

from . import registry
from .numbers import ARABIC_INDIC_DIGITS, WESTERN, digits
from .pdf_text import repair_text_layer
from .text import to_arabic_digits

STATIC_PREFIX = "portal-static:"
LOGO_URL = "portal-logo:"
_DATA_IMAGE_PREFIXES = ("data:image/png;base64,", "data:image/jpeg;base64,")


@dataclass(frozen=True)
class Letterhead:
    """What every PDF is printed on; the association layer provides it (``registry`` slot ``pdf_letterhead``).

    ``context`` is merged into every PDF template's context (the association, its bank accounts); ``digits``
    is ``numbers.WESTERN`` or ``numbers.ARABIC_INDIC_DIGITS``; ``logo`` reads the logo's bytes and content type
    (``None`` when there is no logo)."""

    context: dict = field(default_factory=dict)
    digits: str = WESTERN
    logo: Callable[[], tuple[bytes, str] | None] | None = None


def letterhead() -> Letterhead:
    provider = registry.single("pdf_letterhead")
    return provider() if provider is not None else Letterhead()


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
        relative = unquote(url[len(STATIC_PREFIX) :]).lstrip("/")
        if ".." in Path(relative).parts:
            raise FetchRefused(url)
        found = finders.find(relative)
        if not found:
            raise FetchRefused(url)
        path = Path(found)
        return path.read_bytes(), mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    if url == LOGO_URL:
        read_logo = letterhead().logo
        logo = read_logo() if read_logo is not None else None
        if logo is not None:
            return logo
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

    head = letterhead()
    now = timezone.localtime()
    arabic_digits = head.digits == ARABIC_INDIC_DIGITS
    base = {
        **head.context,
        "printed_at": now,
        "arabic_digits": arabic_digits,
        "page_counter": page_counter_css(arabic_digits=arabic_digits),
        "STATIC": STATIC_PREFIX,
        "LOGO": LOGO_URL if head.logo is not None else "",
    }
    # The number filters (amounts, dates, references) follow the association's digits while rendering.
    with digits(head.digits):
        html = render_to_string(template_name, {**base, **context})
    if arabic_digits:
        html = _arabic_digits_in_text(html)
    html, stylesheets, font_config = _cached_styles(html)
    pdf = HTML(string=html, base_url=str(settings.BASE_DIR), url_fetcher=_url_fetcher()).write_pdf(
        stylesheets=stylesheets, font_config=font_config
    )
    # WeasyPrint maps some Amiri glyphs to the wrong text (خ, ح, ج vanish or swap); fix the map.
    return repair_text_layer(pdf)


_STYLE = re.compile(r"<style>(.*?)</style>", re.S)
_fonts = threading.local()


def _font_config():
    """This thread's font configuration: the fonts an ``@font-face`` loaded stay loaded for the next PDF."""
    from weasyprint.text.fonts import FontConfiguration

    if getattr(_fonts, "config", None) is None:
        _fonts.config = FontConfiguration()
    return _fonts.config


@lru_cache(maxsize=64)
def _stylesheet(text: str, thread_id: int):
    """The parsed ``<style>`` text (fetched through the portal's fetcher only), once per text and thread."""
    from weasyprint import CSS

    return CSS(string=text, base_url=str(settings.BASE_DIR), url_fetcher=_url_fetcher(), font_config=_font_config())


@atexit.register
def _release_fonts() -> None:
    """Let the cached fonts go while the interpreter still runs (WeasyPrint's cleanup needs its modules)."""
    _stylesheet.cache_clear()
    _fonts.__dict__.clear()


def _cached_styles(html: str):
    """The HTML without its ``<style>`` blocks, and those blocks as parsed stylesheets from the cache (in the
    same order: an author stylesheet given to WeasyPrint counts as the document's own)."""
    texts = _STYLE.findall(html)
    if not texts:
        return html, None, None
    thread_id = threading.get_ident()
    return _STYLE.sub("", html), [_stylesheet(text, thread_id) for text in texts], _font_config()


def page_counter_css(*, arabic_digits: bool) -> SafeString:
    """The CSS ``content`` of the page counter: «صفحة 1 من 4». Words around the counters, not «1 / 4»,
    which a right-to-left page margin draws as «4 / 1»."""
    style = ", arabic-indic" if arabic_digits else ""
    page, of = _css_string(pgettext("page counter", "Page")), _css_string(pgettext("page counter", "of"))
    return mark_safe(f'{page} " " counter(page{style}) " " {of} " " counter(pages{style})')


def _css_string(text: str) -> str:
    """A CSS string literal; quotes, backslashes and angle brackets escaped (it sits inside <style>)."""
    return '"' + "".join(c if c.isalnum() or c in " .-" else f"\\{ord(c):x} " for c in str(text)) + '"'


_TAG_NAME = re.compile(r"<\s*(/?)\s*([a-zA-Z][a-zA-Z0-9]*)")


def _arabic_digits_in_text(html: str) -> str:
    """Arabic-Indic digits in the text, not inside tags (CSS sizes, URLs and attributes keep ASCII), not in
    ``<style>``, and not inside an element marked ``data-digits="latin"`` (IBANs, e-mail and web addresses)."""
    out = []
    in_style = False
    latin_depth = 0  # open elements inside (and including) a latin-marked one
    pos = 0
    for match in re.finditer(r"<[^>]*>", html):
        text = html[pos : match.start()]
        out.append(text if in_style or latin_depth else to_arabic_digits(text))
        tag = match.group()
        out.append(tag)
        pos = match.end()
        name = _TAG_NAME.match(tag)
        if not name:
            continue
        closing, tag_name = name.group(1) == "/", name.group(2).lower()
        if tag_name == "style":
            in_style = not closing
        elif tag_name in _VOID_ELEMENTS or tag.endswith("/>"):
            continue
        elif latin_depth:
            latin_depth += -1 if closing else 1
        elif not closing and 'data-digits="latin"' in tag:
            latin_depth = 1
    tail = html[pos:]
    out.append(tail if in_style or latin_depth else to_arabic_digits(tail))
    return "".join(out)


_VOID_ELEMENTS = frozenset(
    {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}
)


def image_data_url(data: bytes, content_type: str) -> str:
    """An inline ``data:`` URL for an image a PDF template shows (e.g. a signature)."""
    return f"data:{content_type};base64,{base64.b64encode(data).decode('ascii')}"
