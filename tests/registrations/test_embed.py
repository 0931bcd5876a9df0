"""The registration form embedded in a partner's page: framed only by the project's sites,
sent without any cookie (an embed token bound to the event instead of the CSRF cookie), the
same registration path as the public form."""

import re
import time

import pytest
from django.core import signing
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from aula.audit.models import AuditEntry
from aula.events.models import Event
from aula.projects import origins
from aula.projects import services as projects
from aula.registrations import services
from aula.registrations.forms import EMBED_MAX_AGE, EMBED_SALT
from aula.registrations.models import Registration
from tests.factories import give_logo_set, make_event, make_project, organiser
from tests.registrations.conftest import NO_OPT_IN
from tests.registrations.factories import make_slot, person
from tests.registrations.test_form import form_data

pytestmark = pytest.mark.django_db

EMBED_TOKEN = re.compile(r'name="embed_token" value="([^"]+)"')
STARTED = re.compile(r'name="started" value="([^"]+)"')
CHECKED = re.compile(r'name="checked" value="([^"]+)"')
PARTNER = "https://www.partner.example"


@pytest.fixture(autouse=True)
def _fresh(settings):
    settings.AULA_EMBED_ALLOW_HTTP = False  # as in production
    settings.AULA_REGISTRATION_MIN_FILL_SECONDS = 0
    settings.AULA_REGISTRATION_RATE_LIMIT = "50/10m"
    cache.clear()


def embed_url(event, language="en", name="embed"):
    from django.utils import translation

    with translation.override(language):
        return reverse(f"registrations:{name}",
                       kwargs={"project": event.project.slug, "event": event.slug})


def embedded_event(options=NO_OPT_IN, **fields):
    project = make_project(embed_origins=[PARTNER, "https://*.city.example"])
    return make_event(project=project, options=options, **fields)


def cookieless():
    """A browser in a cross-site frame: it sends no cookie, and Django checks CSRF for real."""
    return Client(enforce_csrf_checks=True)


def token_of(client, event) -> str:
    response = client.get(embed_url(event))
    assert response.status_code == 200
    return EMBED_TOKEN.search(response.content.decode())[1]


def send(client, event, n=1, **fields):
    data = form_data(event, n, **fields)
    data.setdefault("embed_token", token_of(cookieless(), event))
    return client.post(embed_url(event), data)


# --- The headers ------------------------------------------------------------------------------


def frame_ancestors(response) -> str:
    policy = response["Content-Security-Policy"]
    directives = [d.strip() for d in policy.split(";") if d.strip().startswith("frame-ancestors")]
    assert len(directives) == 1, policy
    assert "script-src 'self'" in policy  # the rest of the site's policy stays
    return directives[0]


def test_the_embed_page_may_be_framed_only_by_the_projects_sites(client):
    event = embedded_event()
    response = client.get(embed_url(event))
    assert response.status_code == 200
    assert frame_ancestors(response) == f"frame-ancestors 'self' {PARTNER} https://*.city.example"
    assert "X-Frame-Options" not in response
    assert "no-store" in response["Cache-Control"]
    # Nothing of the visitor's own: no CSRF cookie is set, no CSRF token is in the page.
    assert not response.cookies
    assert "csrfmiddlewaretoken" not in response.content.decode()


def test_a_project_with_no_sites_fails_closed(client):
    event = make_event(options=NO_OPT_IN)
    response = client.get(embed_url(event))
    assert response.status_code == 200
    assert frame_ancestors(response) == "frame-ancestors 'none'"
    assert "X-Frame-Options" not in response


def test_the_public_pages_stay_unframeable(client):
    event = embedded_event()
    for url in (reverse("registrations:register", kwargs={
        "project": event.project.slug, "event": event.slug}),
            reverse("events:event", kwargs={"project": event.project.slug, "event": event.slug})):
        response = client.get(url)
        assert response["X-Frame-Options"] == "DENY"
        assert frame_ancestors(response) == "frame-ancestors 'none'"


def test_a_changed_list_of_sites_shows_at_once(client):
    event = embedded_event()
    client.get(embed_url(event))
    project = event.project
    project.embed_origins = ["https://other.example"]
    projects.change_project(project, actor=organiser("owner", project, "owner"))
    response = client.get(embed_url(event))
    assert frame_ancestors(response) == "frame-ancestors 'self' https://other.example"


def test_the_thanks_page_is_framed_by_the_same_sites_even_from_the_cache(client):
    event = embedded_event()
    url = embed_url(event, name="embed_thanks") + "?result=confirmed"
    for _ in range(2):  # rendered, then from the page cache
        response = client.get(url)
        assert response.status_code == 200
        assert frame_ancestors(response) == f"frame-ancestors 'self' {PARTNER} https://*.city.example"
        assert "X-Frame-Options" not in response
        html = response.content.decode()
        assert "Thank you for registering" in html
        assert re.search(r'<h1 tabindex="-1" data-autofocus>', html)


def test_a_draft_does_not_exist_and_cannot_be_framed(client):
    event = embedded_event(status=Event.Status.DRAFT)
    response = client.get(embed_url(event))
    assert response.status_code == 404
    assert "X-Frame-Options" in response
    assert frame_ancestors(response) == "frame-ancestors 'none'"


# --- The page ---------------------------------------------------------------------------------


def test_a_minimal_layout_with_the_logo_set_the_event_and_a_link_to_aula(client):
    event = embedded_event()
    give_logo_set(event.project)
    html = client.get(embed_url(event)).content.decode()
    assert 'class="site-header' not in html and 'class="site-footer' not in html
    assert 'class="logo-set"' in html
    assert "Culture &amp; SMEs seminar" in html
    assert "(Europe/Vilnius" in html  # the time in the event's zone
    event_page = reverse("events:event", kwargs={"project": event.project.slug,
                                                 "event": event.slug})
    assert re.search(rf'<a href="{event_page}" target="_blank" rel="noopener">Open on Aula', html)
    # Labelled fields and the scripts of the frame, from Aula's static files (no inline script).
    assert '<label for="id_first_name"' in html
    assert "registrations/embedded.js" in html and "<script>" not in html
    assert 'name="embed_token"' in html


def test_the_page_is_in_the_language_of_its_address(client):
    event = embedded_event()
    html = client.get(embed_url(event, "ro")).content.decode()
    assert '<html lang="ro">' in html and "Seminar cultură și IMM" in html


def test_other_states_show_the_public_pages_messages(client):
    cancelled = embedded_event(status=Event.Status.CANCELLED)
    assert "This event has been cancelled." in client.get(embed_url(cancelled)).content.decode()
    full = embedded_event(capacity=1)
    services.register(full, person(1))
    response = client.get(embed_url(full))
    assert "The event is full." in response.content.decode()
    assert frame_ancestors(response).startswith(f"frame-ancestors 'self' {PARTNER}")


# --- Sending it without cookies ---------------------------------------------------------------


def test_a_registration_without_any_cookie_is_stored_and_thanked(client):
    event = embedded_event()
    browser = cookieless()
    response = send(browser, event)
    assert response.status_code == 302
    assert response["Location"] == embed_url(event, name="embed_thanks") + "?result=confirmed"
    registration = Registration.objects.get(event=event)
    assert registration.status == Registration.Status.CONFIRMED
    assert not browser.cookies  # nothing was ever set


def test_the_embedded_form_respects_capacity_and_the_waiting_list():
    event = embedded_event(capacity=1, options={**NO_OPT_IN, "waiting_list": True})
    assert send(cookieless(), event, 1)["Location"].endswith("?result=confirmed")
    assert send(cookieless(), event, 2)["Location"].endswith("?result=waiting")
    statuses = sorted(Registration.objects.filter(event=event).values_list("status", flat=True))
    assert statuses == [Registration.Status.CONFIRMED, Registration.Status.WAITING]


def test_a_session_filled_meanwhile_is_reported_beside_it_as_on_the_public_form(client):
    project = make_project(embed_origins=[PARTNER])
    event = make_event(project=project, options={**NO_OPT_IN, "waiting_list": False})
    a, _b = make_slot(event, 1, 5)
    slot_key = next(key for key in client.get(embed_url(event)).context["form"].fields
                    if key.startswith("slot_"))
    services.register(event, person(9, sessions=[a.pk]))
    response = send(cookieless(), event, 2, **{slot_key: str(a.pk)})
    assert response.status_code == 400
    html = response.content.decode()
    assert "This session has just filled up" in html
    assert re.search(r'class="error-summary" role="alert" tabindex="-1" data-autofocus', html)
    assert re.search(rf'<a href="#id_{slot_key}_0">', html)  # linked to the field
    assert Registration.objects.filter(event=event).count() == 1


def test_a_quick_form_gets_the_check_page_with_a_fresh_token(settings):
    settings.AULA_REGISTRATION_MIN_FILL_SECONDS = 3
    event = embedded_event()
    browser = cookieless()
    page = browser.get(embed_url(event)).content.decode()
    data = form_data(event, 1, started=STARTED.search(page)[1],
                     embed_token=EMBED_TOKEN.search(page)[1])
    check = browser.post(embed_url(event), data)
    html = check.content.decode()
    assert check.status_code == 200 and "Check your details" in html
    assert not Registration.objects.exists()
    assert "X-Frame-Options" not in check
    assert frame_ancestors(check).startswith(f"frame-ancestors 'self' {PARTNER}")
    carried = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', html))
    assert "csrfmiddlewaretoken" not in carried and carried["embed_token"]
    carried["checked"] = signing.dumps(time.time() - 5, salt="aula.registrations.form-checked")
    carried["website"] = ""
    response = browser.post(embed_url(event), carried)
    assert response.status_code == 302
    assert Registration.objects.filter(event=event).count() == 1


@pytest.mark.parametrize("token", ["", "forged", "other-event", "expired"])
def test_a_forged_or_expired_token_is_refused_and_nothing_stored(token):
    event = embedded_event()
    value = {
        "": "",
        "forged": signing.dumps(event.pk, salt=EMBED_SALT, key="not-the-secret-key"),
        "other-event": signing.dumps(embedded_event().pk, salt=EMBED_SALT),
        "expired": signing.TimestampSigner(salt=EMBED_SALT).sign_object(event.pk),
    }[token]
    if token == "expired":
        import unittest.mock

        later = time.time() + EMBED_MAX_AGE + 60
        with unittest.mock.patch("time.time", return_value=later):
            response = send(cookieless(), event, embed_token=value)
    else:
        response = send(cookieless(), event, embed_token=value)
    assert response.status_code == 403
    html = response.content.decode()
    assert "nothing was stored and you are not registered" in html
    assert f'href="{embed_url(event)}"' in html  # open the form again
    assert "X-Frame-Options" not in response
    assert not Registration.objects.exists()


def test_the_public_form_keeps_the_csrf_check():
    event = embedded_event()
    public = reverse("registrations:register",
                     kwargs={"project": event.project.slug, "event": event.slug})
    data = form_data(event, 1, embed_token=token_of(cookieless(), event))
    assert cookieless().post(public, data).status_code == 403
    assert not Registration.objects.exists()


def test_the_embed_token_is_checked_before_the_rate_limit(settings):
    settings.AULA_REGISTRATION_RATE_LIMIT = "1/10m"
    event = embedded_event()
    for _ in range(3):
        assert send(cookieless(), event, embed_token="forged").status_code == 403
    assert send(cookieless(), event).status_code == 302


def test_the_embed_page_has_a_bound_on_queries(client, django_assert_max_num_queries):
    event = embedded_event()
    client.get(embed_url(event))
    with django_assert_max_num_queries(10):
        assert client.get(embed_url(event)).status_code == 200


def test_each_visitor_gets_a_fresh_token_from_the_cached_form():
    event = embedded_event()
    first, second = token_of(cookieless(), event), token_of(cookieless(), event)
    assert "aulaembedtokenmark" not in first
    assert signing.loads(first, salt=EMBED_SALT) == event.pk
    assert signing.loads(second, salt=EMBED_SALT) == event.pk


# --- The snippet script -----------------------------------------------------------------------


def test_the_snippet_script_has_a_stable_address(client):
    response = client.get("/embed.js")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    body = response.content.decode()
    assert "aula:height" in body and "event.origin !== aula" in body
    assert "contentWindow === source" in body


# --- The project's sites ----------------------------------------------------------------------


@pytest.mark.parametrize(("typed", "stored"), [
    ("https://www.example.org", "https://www.example.org"),
    ("HTTPS://WWW.Example.ORG/", "https://www.example.org"),
    ("https://example.org:443", "https://example.org"),
    ("https://example.org:8443", "https://example.org:8443"),
    ("https://*.example.org", "https://*.example.org"),
    ("https://bücher.example", "https://xn--bcher-kva.example"),
])
def test_origins_are_normalised(typed, stored):
    assert origins.normalise(typed) == stored


@pytest.mark.parametrize(("typed", "says"), [
    ("www.example.org", "not a web address"),
    ("ftp://example.org", "not a web address"),
    ("http://example.org", "only https://"),
    ("https://example.org/events/", "without a path"),
    ("https://example.org?x=1", "without a path"),
    ("*", "write the scheme"),
    ("https://*", "wildcard"),
    ("https://*.org", "wildcard"),
    ("https://www.*.example.org", "wildcard"),
    ("https://example.org:99999", "port"),
    ("https://user@example.org", "user name"),
    ("https://exa_mple.org", "valid host"),
    ("https://example.org;script-src", "valid host"),
    ("https://example.org script-src", "valid host"),
])
def test_what_is_not_an_origin_is_refused_in_words(typed, says):
    with pytest.raises(ValidationError) as refusal:
        origins.normalise(typed)
    assert says in " ".join(refusal.value.messages)


def test_http_origins_only_where_allowed(settings):
    settings.AULA_EMBED_ALLOW_HTTP = True
    assert origins.normalise("http://127.0.0.1:8123") == "http://127.0.0.1:8123"
    assert origins.header_sources(["http://127.0.0.1:8123"]) == ["http://127.0.0.1:8123"]
    settings.AULA_EMBED_ALLOW_HTTP = False
    assert origins.header_sources(["http://127.0.0.1:8123", PARTNER]) == [PARTNER]


def test_the_model_refuses_a_list_that_is_not_normalised():
    project = make_project()
    for value in (["https://Example.org/"], "https://example.org", ["https://a.example; x"]):
        project.embed_origins = value
        with pytest.raises(ValidationError):
            project.full_clean()


def test_owners_edit_the_sites_on_the_project_page_on_the_record(client):
    project = make_project()
    owner = organiser("owner", project, "owner")
    client.force_login(owner)
    url = reverse("console:project_edit", kwargs={"project": project.slug})
    form = client.get(url).content.decode()
    assert 'name="embed_origins"' in form
    data = {
        "name": project.name, "code": project.code, "slug": project.slug,
        "programme": project.programme, "full_title_en": "Full title",
        "website": project.website, "description_en": "A cooperation project.",
        "primary_language": "en", "starts_on": "", "ends_on": "",
    }
    refused = client.post(url, {**data, "embed_origins": "https://ok.example\nhttp://x.example/p"})
    assert refused.status_code == 200
    text = refused.content.decode()
    assert "only https://" in text
    project.refresh_from_db()
    assert project.embed_origins == []
    response = client.post(url, {**data, "embed_origins":
                                 "https://Ok.example/\nhttps://*.city.example, https://ok.example"})
    assert response.status_code == 302, response.content.decode()[:3000]
    project.refresh_from_db()
    assert project.embed_origins == ["https://ok.example", "https://*.city.example"]
    entry = AuditEntry.objects.filter(project_id=project.pk).latest("pk")
    assert entry.action == "project.changed"
    assert entry.changes["embed_origins"] == [[], ["https://ok.example", "https://*.city.example"]]
