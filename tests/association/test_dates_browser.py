"""In a real browser, on a phone-width right-to-left page: every date in a narrow table column stays whole on
one line with its calendar mark («1448-07-» / «08 هـ» was the bug), reads year first left to right, and has
its mark on its reading end. Screenshot: ``test-artifacts/dates-narrow-column.png``."""

import os

import pytest

from association.kernel.roles import Role
from tests.browser import chromium_page, csp_guard, login
from tests.requests_app.factories import submitted_request

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]
PASSWORD = "dates-pass-123"

# For every date unit on the page: how many lines it occupies, whether the year is drawn left of the day, and
# whether the mark (هـ or م) sits beside the run on its left, on the same line.
MEASURE = """
() => Array.from(document.querySelectorAll('.ltr-unit')).map((unit) => {
  const run = unit.querySelector('.ltr-run');
  const text = run.textContent;
  const piece = (node, start, end) => {
    const range = document.createRange();
    range.setStart(node, start);
    range.setEnd(node, end);
    return range.getBoundingClientRect();
  };
  const digits = run.firstChild;
  const year = piece(digits, 0, 4), day = piece(digits, text.length - 2, text.length);
  const markNode = unit.lastChild;
  const mark = piece(markNode, 1, markNode.textContent.length);
  const runBox = run.getBoundingClientRect();
  const tops = new Set(Array.from(unit.getClientRects()).map((r) => Math.round(r.top)));
  return {
    text: unit.textContent,
    lines: tops.size,
    yearFirst: year.left < day.left,
    markBeside: mark.right <= runBox.left + 1 && Math.abs(mark.top - runBox.top) < 6,
  };
})
"""


def test_dates_in_a_narrow_column_stay_whole(live_server, make_user, artifacts_dir):
    officer = make_user(Role.RELATIONS_OFFICER, username="dates_officer")
    officer.set_password(PASSWORD)
    officer.save()
    requests = [submitted_request(officer) for _ in range(3)]

    measured = {}
    with chromium_page(viewport={"width": 360, "height": 900}) as page, csp_guard(page):
        login(page, live_server.url, "dates_officer", PASSWORD)
        page.goto(f"{live_server.url}/requests/")
        # The table scrolls sideways on a phone: bring the dates' column into view for the screenshot.
        page.locator(".table-responsive").evaluate("(box) => { box.scrollLeft = -box.scrollWidth; }")
        measured["list"] = page.evaluate(MEASURE)
        numbers = page.locator("tbody a.ltr").evaluate_all(
            "(links) => links.map((a) => new Set(Array.from(a.getClientRects()).map((r) => Math.round(r.top))).size)"
        )
        page.screenshot(path=os.path.join(artifacts_dir, "dates-narrow-column-list.png"))
        page.goto(f"{live_server.url}/requests/{requests[0].pk}/")
        measured["detail"] = page.evaluate(MEASURE)
        page.screenshot(path=os.path.join(artifacts_dir, "dates-narrow-column.png"), full_page=True)

    assert len(measured["list"]) >= 6, measured  # three requests, two calendars each
    assert len(measured["detail"]) >= 6, measured  # opened, submitted, decidable from, timeline…
    for where, units in measured.items():
        for unit in units:
            assert unit["lines"] == 1, f"{where}: {unit['text']!r} is broken across lines"
            assert unit["yearFirst"], f"{where}: {unit['text']!r} is not drawn year first"
            assert unit["markBeside"], f"{where}: {unit['text']!r}: its mark is not beside it on its reading end"
    assert numbers == [1, 1, 1], "a request number is broken across lines"
