"""Take a screenshot of a review page (`cleaner review ... -o review.html`) in headless Chromium,
as the pictures in docs/review.md were taken.

    python tools/review_screenshot.py review.html docs/review-rule.png --view '#rule=related-block'
    python tools/review_screenshot.py review.html docs/review-document.png --view '#doc=10' --scroll '#browser'

Needs Debian's chromium and chromium-driver packages and the `selenium` package (the dev extra).
"""
from __future__ import annotations

import argparse
import shutil
import tempfile
from pathlib import Path

FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync", "--hide-scrollbars")


def screenshot(page: Path, picture: Path, view: str = "", scroll: str = "", width: int = 1280,
               height: int = 860) -> list[str]:
    """Open `page` at `view` (a #rule=... or #doc=... fragment), scroll the element `scroll` (a CSS
    selector) to the top or else the page to its top, and save the window to `picture`. Returns the
    browser console's errors."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.support.ui import WebDriverWait

    profile = tempfile.mkdtemp(prefix="review-shot-")
    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for flag in FLAGS + (f"--window-size={width},{height}", f"--user-data-dir={profile}"):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
    try:
        driver.get(page.resolve().as_uri() + view)
        WebDriverWait(driver, 60).until(lambda d: d.execute_script("return document.body.dataset.ready === 'true'"))
        if scroll:
            driver.execute_script("document.querySelector(arguments[0]).scrollIntoView({block: 'start'})", scroll)
        else:
            driver.execute_script("window.scrollTo(0, 0)")
        driver.save_screenshot(str(picture))
        return [entry["message"] for entry in driver.get_log("browser") if entry["level"] == "SEVERE"]
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("page", type=Path, help="The review page (an HTML file).")
    parser.add_argument("picture", type=Path, help="The PNG file to write.")
    parser.add_argument("--view", default="", help="What to show: '#rule=ID' or '#doc=N' (N: input position).")
    parser.add_argument("--scroll", default="", help="A CSS selector to scroll to the top of the window.")
    parser.add_argument("--width", type=int, default=1280, help="Window width in pixels.")
    parser.add_argument("--height", type=int, default=860, help="Window height in pixels.")
    args = parser.parse_args()
    errors = screenshot(args.page, args.picture, args.view, args.scroll, args.width, args.height)
    for error in errors:
        print(f"console error: {error}")
    raise SystemExit(1 if errors else 0)


if __name__ == "__main__":
    main()
