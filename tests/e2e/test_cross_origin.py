"""Forms in a real browser (docs/security.md): a page of this site sends its forms, which carry no
token, and a page of another site that makes the browser post to us is refused; Chromium itself
sets the Sec-Fetch-Site and Origin headers the check reads."""

import http.server
import threading

import pytest
from playwright.sync_api import Page, expect

from corrections.models import Correction
from tests.e2e.corrections import send_tuition_correction
from tests.factories import ProgramFactory, SchoolFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def program():
    return ProgramFactory(school=SchoolFactory(name="Origin Health College"))


@pytest.fixture
def other_site(live_server):
    """A page on another origin (127.0.0.1 against the live server's localhost) with a form that
    sends a note to this site as soon as it loads."""
    forged = f"""<!doctype html><html lang="en"><title>Another site</title><body>
        <form id="forged" method="post" action="{live_server.url}/corrections/">
        <input name="page_url" value="/"><input name="field" value="Phone">
        <input name="proposed_value" value="Call 555-0100"></form>
        <script>document.getElementById("forged").submit()</script></body></html>"""

    class Page(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.end_headers()
            self.wfile.write(forged.encode())

        def log_message(self, *args):
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Page)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()


def test_a_page_of_another_site_cannot_send_a_note_in_the_visitors_name(
    page: Page, live_server, other_site
):
    assert "localhost" in live_server.url  # another site than 127.0.0.1 to the browser
    with page.expect_navigation(url=f"{live_server.url}/corrections/"):
        page.goto(other_site)
    expect(page.get_by_role("heading", level=1)).to_have_text("Please send the form from this site")
    assert not Correction.objects.exists()


def test_this_sites_forms_work_without_a_token(page: Page, live_server, program):
    page.goto(f"{live_server.url}{program.get_absolute_url()}")
    page.goto(f"{live_server.url}{program.get_absolute_url()}")  # from the page cache now
    page.get_by_role("button", name="Save to shortlist").click()
    expect(page.get_by_text("Added Origin Health College to your shortlist (1).")).to_be_visible()
    expect(page.get_by_role("link", name="Shortlist (1)")).to_be_visible()

    send_tuition_correction(page, "Tuition is now $15,900")
    assert Correction.objects.get().proposed_value == "Tuition is now $15,900"
