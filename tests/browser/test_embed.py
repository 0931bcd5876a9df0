"""The registration form embedded in a partner's page served from another site: Aula's live
server is reached as http://localhost:<port>, the partner's page as http://127.0.0.1:<port>
(different hosts: a cross-site frame, where the browser sends no SameSite cookie). A person
fills the form in with the keyboard, registers, sees the thanks page in the frame, and the
frame fits its content. From a site the project does not list, the browser shows nothing."""

import functools
import http.server
import re
import threading
from urllib.parse import urlsplit

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from aula.registrations.models import Registration
from aula.registrations.queries import embed_snippet
from tests.browser.conftest import CHROMIUM_ARGS  # noqa: F401  (the same browser fixture)
from tests.factories import give_logo_set, make_event, make_project
from tests.registrations.conftest import NO_OPT_IN

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture
def partner_site(tmp_path):
    """Starts a partner's website (a plain HTTP server on 127.0.0.1) serving ``index.html``."""
    servers = []

    def start(html: str) -> str:
        folder = tmp_path / f"site{len(servers)}"
        folder.mkdir()
        (folder / "index.html").write_text(html, encoding="utf-8")
        handler = functools.partial(_Quiet, directory=str(folder))
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return f"http://127.0.0.1:{server.server_address[1]}"

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


def host_page(snippet: str) -> str:
    return ("<!doctype html><html lang='en'><head><meta charset='utf-8'>"
            "<title>Partner's events</title></head><body><h1>Our seminars</h1>"
            f"<p>Register below.</p>\n{snippet}\n<p>Footer of the partner's page.</p>"
            "</body></html>")


@pytest.fixture
def aula(live_server, settings, tmp_path):
    # The live server answers /media/ (the logo set) from the disk, as deployed.
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    }
    url = live_server.url
    assert urlsplit(url).hostname == "localhost", url  # another host than the partner's
    settings.AULA_BASE_URL = url
    assert settings.AULA_EMBED_ALLOW_HTTP  # tests/settings.py: the partner's page is http
    settings.AULA_REGISTRATION_MIN_FILL_SECONDS = 0
    return url


@pytest.fixture
def tab(browser):
    context = browser.new_context(locale="en-GB", timezone_id="Europe/Amsterdam")
    page = context.new_page()
    page.set_default_timeout(15_000)
    messages = []
    page.on("console", lambda message: messages.append(message.text))
    page.console_messages = messages
    yield page
    context.close()


def test_a_person_registers_in_the_frame_on_a_partners_site(aula, partner_site, tab):
    project = make_project()
    event = make_event(project=project, options=NO_OPT_IN)
    give_logo_set(project)
    snippet = embed_snippet(event, "en", aula)
    site = partner_site(host_page(snippet))
    project.embed_origins = [site]
    project.save()

    # The visitor has been on Aula before: their browser holds Aula's CSRF cookie (SameSite=Lax),
    # which it will not send from inside the partner's page.
    tab.goto(aula + reverse("registrations:register",
                            kwargs={"project": project.slug, "event": event.slug}))
    assert any(cookie["name"] == "csrftoken" for cookie in tab.context.cookies())
    posts = []
    tab.on("request", lambda request: posts.append(request) if request.method == "POST" else None)

    tab.goto(site + "/index.html")
    frame_element = tab.locator("iframe[title^='Registration']")
    expect(frame_element).to_have_attribute("title", "Registration: Culture & SMEs seminar")
    frame = tab.frame_locator("iframe[title^='Registration']")
    expect(frame.get_by_role("heading", level=1)).to_have_text("Register")
    logo = frame.locator(".logo-set img")  # the EU visibility rules hold in the frame too
    expect(logo).to_be_visible()
    assert logo.evaluate("img => img.complete && img.naturalWidth > 0")
    expect(frame.get_by_role("link", name=re.compile("Open on Aula"))).to_have_attribute(
        "target", "_blank")
    # embed.js sized the frame to the form (taller than the snippet's 600 pixels).
    expect(frame_element).to_have_attribute("data-aula-height", re.compile(r"\d+"))
    form_height = int(frame_element.get_attribute("data-aula-height"))
    assert form_height > 1000
    assert abs(frame_element.bounding_box()["height"] - form_height) <= 2

    # The keyboard only: Tab from field to field, type, Space to tick, Enter to send.
    frame.get_by_label("First name").focus()
    keyboard = tab.keyboard
    keyboard.type("Ioana")
    keyboard.press("Tab")
    keyboard.type("Popescu")
    keyboard.press("Tab")
    keyboard.type("ioana@example.org")
    keyboard.press("Tab")
    keyboard.type("Asociația Creativ")
    keyboard.press("Tab")
    keyboard.type("Interest")  # type-ahead in the list
    keyboard.press("Tab")
    keyboard.type("Romania")
    expect(frame.get_by_label("Type of organisation")).to_have_value("InterestGroups")
    expect(frame.get_by_label("Country")).to_have_value("RO")
    privacy = frame.get_by_label("I have read the privacy notice above.")
    for _ in range(8):  # job title, language, the notice's region, then the box
        keyboard.press("Tab")
        if privacy.evaluate("box => box === document.activeElement"):
            break
    keyboard.press("Space")
    expect(privacy).to_be_checked()
    frame.get_by_role("button", name="Register").focus()
    keyboard.press("Enter")

    heading = frame.get_by_role("heading", level=1)
    expect(heading).to_have_text("Thank you for registering")
    expect(heading).to_be_focused()  # screen readers announce the result
    assert len(posts) == 1 and posts[0].url.endswith("/embed/")
    assert "cookie" not in posts[0].all_headers()  # registered without any cookie
    registration = Registration.objects.get(event=event)
    assert (registration.email, registration.status) == (
        "ioana@example.org", Registration.Status.CONFIRMED)
    assert registration.organisation == "Asociația Creativ"
    assert registration.country == "RO"
    # The frame followed its shorter content.
    expect(frame_element).not_to_have_attribute("data-aula-height", str(form_height))
    thanks_height = int(frame_element.get_attribute("data-aula-height"))
    assert thanks_height < form_height
    assert abs(frame_element.bounding_box()["height"] - thanks_height) <= 2
    # A message from anyone else — the partner's page itself, another frame — changes nothing.
    tab.evaluate("""() => {
        window.postMessage({type: "aula:height", height: 7}, "*");
        const other = document.createElement("iframe");
        other.srcdoc = "<script>parent.postMessage({type: 'aula:height', height: 9}, '*')</script>";
        document.body.appendChild(other);
    }""")
    tab.wait_for_timeout(500)
    assert frame_element.get_attribute("data-aula-height") == str(thanks_height)
    assert abs(frame_element.bounding_box()["height"] - thanks_height) <= 2
    # Aula's own scripts ran under its policy: nothing refused.
    assert not [m for m in tab.console_messages if "Content Security Policy" in m]


def test_a_site_the_project_does_not_list_shows_nothing(aula, partner_site, tab):
    project = make_project()
    event = make_event(project=project, options=NO_OPT_IN)
    listed = partner_site(host_page("<p>The partner allowed.</p>"))
    project.embed_origins = [listed]
    project.save()
    other = partner_site(host_page(embed_snippet(event, "en", aula)))

    with tab.expect_console_message(lambda m: "frame-ancestors" in m.text):
        tab.goto(other + "/index.html")
    frame = tab.frame_locator("iframe")
    tab.wait_for_timeout(500)
    assert frame.locator("form").count() == 0
    assert frame.locator("#id_first_name").count() == 0
    embedded = [f for f in tab.frames if f != tab.main_frame]
    assert len(embedded) == 1
    assert embedded[0].url.startswith("chrome-error:")
