"""Interreg visibility: the project's logo set (with the EU emblem) is seen without scrolling on
the project's and the event's public pages, on a desktop and on a phone, and it loads."""

import pytest
from django.urls import reverse

from aula.demo.loader import DateMode, load_demo

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENS = {
    "desktop": {"viewport": {"width": 1280, "height": 800}},
    "phone": {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 3,
              "is_mobile": True, "has_touch": True},
}


@pytest.fixture(autouse=True)
def media_on_disk(settings, tmp_path):
    # The live server answers /media/ from the disk, as deployed.
    settings.MEDIA_ROOT = tmp_path
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    }


@pytest.mark.parametrize("screen", SCREENS)
def test_the_logo_set_is_in_the_first_screen_and_loaded(browser, live_server, screen):
    event = load_demo(DateMode.KEEP).event
    addresses = [
        reverse("events:event", kwargs={"project": event.project.slug, "event": event.slug}),
        reverse("events:project", kwargs={"project": event.project.slug}),
    ]
    size = SCREENS[screen]["viewport"]
    context = browser.new_context(locale="en-GB", **SCREENS[screen])
    try:
        page = context.new_page()
        for address in addresses:
            page.goto(f"{live_server.url}{address}")
            logo = page.locator(".logo-set img")
            logo.wait_for(state="visible")
            assert logo.evaluate("img => img.complete && img.naturalWidth > 0"), address
            box = logo.bounding_box()
            assert box["width"] > 100 and box["height"] > 20, (address, box)
            assert box["x"] >= 0 and box["x"] + box["width"] <= size["width"], (address, box)
            assert box["y"] >= 0 and box["y"] + box["height"] <= size["height"], (address, box)
            assert page.evaluate("window.scrollY") == 0
    finally:
        context.close()
