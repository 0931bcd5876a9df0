"""Playwright (Python) driving Debian's chromium against pytest-django's live server.

`make test` installs chromium (scripts/ensure-chromium); these tests never skip: a missing
browser is a failure, so CI cannot pass without them.
"""

import os

import pytest
from playwright.sync_api import sync_playwright

CHROMIUM = os.environ.get("AULA_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="session")
def browser():
    # Playwright's sync API runs an event loop in this thread; Django's ORM calls made by the
    # test itself (fixtures, assertions) are still synchronous and safe here.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server, settings):
    # The site's own address, as in production: e-mails shown in the mail viewer link to it
    # (their logo set is an image under /media/, allowed by the CSP only from the same origin).
    settings.AULA_BASE_URL = live_server.url
    context = browser.new_context(locale="en-GB", timezone_id="Europe/Amsterdam")
    page = context.new_page()
    page.set_default_timeout(15_000)
    # Whatever the Content-Security-Policy blocked (an inline script, a handler attribute)
    # fails the test: chromium reports each refusal on the console.
    refused = []
    page.on("console", lambda message: refused.append(message.text)
            if "Content Security Policy" in message.text else None)
    yield page
    context.close()
    assert refused == []
