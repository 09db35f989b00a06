"""Steps the browser tests share."""

from playwright.sync_api import Page, expect


def send_tuition_correction(page: Page, value: str, evidence: str = "") -> None:
    """Open the page's "Notice an update" form, propose `value` for the program's tuition and
    send it; the thank-you page follows."""
    page.get_by_text("Tell us what to fix on this page").click()
    page.get_by_label("What needs updating?").select_option(
        label="Tuition and fees (whole program)"
    )
    page.get_by_label("What it should say").fill(value)
    if evidence:
        page.get_by_label("How do you know?").fill(evidence)
    page.get_by_role("button", name="Send to our editors").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Thank you — we have your note")
