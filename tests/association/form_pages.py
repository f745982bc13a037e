"""Reading a form page as a browser would: the one-time token of a given form."""

import re

_FORM = re.compile(r"<form\b[^>]*>.*?</form>", re.S)
_TOKEN = re.compile(r'name="form_token" value="([^"]+)"')


def form_token(html: str | bytes, *, contains: str = "") -> str:
    """The token of the first form whose HTML contains ``contains`` (its action URL, an id…)."""
    if isinstance(html, bytes):
        html = html.decode()
    for form in _FORM.findall(html):
        if contains in form:
            found = _TOKEN.search(form)
            if found:
                return found.group(1)
    raise AssertionError(f"no form with a token containing {contains!r}")
