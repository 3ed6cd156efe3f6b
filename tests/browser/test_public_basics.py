"""Every public page loads in Chromium without console errors or uncaught exceptions (a
blocked inline script or style under the CSP, a missing static file and a JavaScript error all
show up there), and its rendered DOM passes the same basics as the HTML test."""

import pytest

from tests.core.public_site import build_public_site
from tests.core.test_public_pages_basics import check, public_urls

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize("width", [1280, 390])
def test_public_pages_have_no_console_errors(live_server, browser, width):
    site = build_public_site()
    context = browser.new_context(locale="en-GB", viewport={"width": width, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text)
            if message.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("requestfailed", lambda request: errors.append(f"failed: {request.url}"))
    report = {}
    try:
        for name, url in public_urls(site).items():
            errors.clear()
            response = page.goto(live_server.url + url, wait_until="load")
            problems = [] if response.ok else [f"HTTP {response.status}"]
            problems += list(errors) + check(page.content())
            if problems:
                report[name] = [url, *problems]
        page.goto(live_server.url + "/")
        page.screenshot(path=f"test-artifacts/browser-home-{width}.png", full_page=True)
    finally:
        context.close()
    assert report == {}
