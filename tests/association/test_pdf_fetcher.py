"""PDF rendering fetches only our own static files, the logo and inline images — never the network or disk."""

import pytest

from association.kernel.pdf import FetchRefused, _fetch_local, image_data_url


def test_static_font_is_served():
    data, mime_type = _fetch_local("portal-static:fonts/amiri/Amiri-Regular.ttf")
    assert data[:4] in (b"\x00\x01\x00\x00", b"true") and mime_type.startswith("font/")


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:8000/static/css/portal.css",
        "file:///etc/passwd",
        "portal-static:../../association/settings.py",
        "portal-static:does/not/exist.css",
        "data:text/html;base64,PHNjcmlwdD4=",
    ],
)
def test_other_urls_are_refused(url):
    with pytest.raises(FetchRefused):
        _fetch_local(url)


def test_inline_png_round_trips():
    png = b"\x89PNG\r\n\x1a\n" + b"0" * 10
    data, mime_type = _fetch_local(image_data_url(png, "image/png"))
    assert (data, mime_type) == (png, "image/png")
