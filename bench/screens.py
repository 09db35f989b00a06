"""Screenshots of the home page, a guide, the finder, compare (three programs) and a program page
at 390 and 1366 px, in English or Spanish, against a running server, to look at what a visitor
sees first.

    .venv/bin/python manage.py runserver 8014 &
    .venv/bin/python bench/screens.py http://127.0.0.1:8014 docs/screens/

Writes <page>-<width>.png (the first screen; --full-page for the whole page; --language es: the
Spanish pages, as <page>-es-<width>.png). The finder is
searched around --zip (default 30303), the compare page shows the finder's first three programs
and the program page is the first of them. Uses Debian's Chromium, as the browser tests do.
"""

import argparse
import re
from pathlib import Path

from playwright.sync_api import sync_playwright

WIDTHS = {390: 844, 1366: 900}  # width -> height of the first screen


def program_ids(page, base, zip_code):
    page.goto(f"{base}/programs/?zip={zip_code}&radius=100")
    ids = [
        int(re.search(r"\d+", card.get_attribute("id")).group())
        for card in page.locator(".program-card").all()[:3]
    ]
    if len(ids) < 3:
        raise SystemExit(f"Fewer than three programs near {zip_code}: try another --zip.")
    return ids


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("url", help="the running site, e.g. http://127.0.0.1:8014")
    parser.add_argument("out", type=Path, help="the folder for the PNGs, e.g. docs/screens/")
    parser.add_argument("--zip", default="30303", help="the ZIP code the finder searches around")
    parser.add_argument("--full-page", action="store_true", help="the whole page, not one screen")
    parser.add_argument("--language", choices=["en", "es"], default="en")
    args = parser.parse_args()
    base = args.url.rstrip("/")
    args.out.mkdir(parents=True, exist_ok=True)

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium", args=["--no-sandbox", "--disable-gpu"]
        )
        first = browser.new_page()
        ids = program_ids(first, base, args.zip)
        first.close()
        pages = {
            "home": "/",
            "guide": "/careers/medical-assistant/",
            "finder": f"/programs/?zip={args.zip}&federal_aid=1",
            "compare": f"/compare/?programs={','.join(map(str, ids))}&zip={args.zip}",
            "program": f"/programs/{ids[0]}/",
        }
        for width, height in WIDTHS.items():
            context = browser.new_context(viewport={"width": width, "height": height})
            page = context.new_page()
            for name, path in pages.items():
                spanish = args.language == "es"
                page.goto(base + ("/es" if spanish else "") + path)
                target = args.out / f"{name}{'-es' if spanish else ''}-{width}.png"
                page.screenshot(path=target, full_page=args.full_page)
                scroll_width = page.evaluate("document.documentElement.scrollWidth")
                wider = f"  (page is {scroll_width} px wide!)" if scroll_width > width else ""
                print(f"{target}  {target.stat().st_size // 1024} KB{wider}")
            context.close()
        browser.close()


if __name__ == "__main__":
    main()
