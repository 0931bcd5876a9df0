"""Public pages from the cache: per language, fresh after every change of their content, with
the registration box rendered per request."""

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from aula.core import pagecache
from aula.events.models import Event
from aula.events.views import render_registration_box
from aula.materials.models import Material
from aula.registrations import services
from tests.factories import add_role, make_block, make_event, make_item, make_person
from tests.registrations.factories import person

pytestmark = pytest.mark.django_db


def url(name, event, language="en"):
    kwargs = {"project": event.project.slug}
    if name != "project":
        kwargs["event"] = event.slug
    with translation.override(language):
        return reverse(f"events:{name}", kwargs=kwargs)


def home(language="en"):
    with translation.override(language):
        return reverse("events:home")


def pages(event, language="en"):
    return [home(language), *(url(n, event, language)
                              for n in ("project", "event", "agenda", "calendar"))]


def box_queries(event) -> list[str]:
    event = Event.objects.select_related("project").get(pk=event.pk)
    with translation.override("en"), CaptureQueriesContext(connection) as queries:
        render_registration_box(event)
    return [query["sql"] for query in queries.captured_queries]


@pytest.mark.parametrize("counted", [False, True])
def test_a_second_get_costs_only_the_registration_box_queries(
    client, django_assert_num_queries, counted
):
    event = make_event(capacity=5)
    if counted:
        services.register(event, person(1))  # the capacity counter row now exists
    first = client.get(url("event", event))
    box = box_queries(event)
    assert all("registrations_" in sql for sql in box)
    if counted:
        # The box: the privacy notice, the registration options, the places taken.
        assert len(box) <= 4
    with django_assert_num_queries(len(box)) as queries:
        second = client.get(url("event", event))
    assert [query["sql"] for query in queries.captured_queries] == box
    assert second.content == first.content
    for address in pages(event):
        if address != url("event", event):
            client.get(address)
            with django_assert_num_queries(0):
                again = client.get(address)
            assert again.status_code == 200


def test_head_is_answered_from_the_cache(client, django_assert_num_queries):
    event = make_event()
    client.get(url("agenda", event))
    with django_assert_num_queries(0):
        assert client.head(url("agenda", event)).status_code == 200


def test_a_change_of_the_title_shows_on_the_next_get(client):
    event = make_event()
    for address in pages(event):
        assert "SMEs seminar" in client.get(address).content.decode()
    event.title = {"en": "Renamed seminar"}
    event.save()
    for address in pages(event):
        page = client.get(address).content.decode()
        assert "Renamed seminar" in page, address


@pytest.mark.parametrize("change", ["agenda", "person", "material", "project", "partner"])
def test_every_part_of_the_page_invalidates_it(client, change):
    event = make_event()
    item = make_item(make_block(event), title={"en": "Opening words"})
    speaker = make_person(name="Ana Pop")
    add_role(item, speaker)
    client.get(url("event", event))
    if change == "agenda":
        item.title = {"en": "Closing words"}
        item.save()
        expected = "Closing words"
    elif change == "person":
        speaker.name = "Ana Popescu"
        speaker.save()
        expected = "Ana Popescu"
    elif change == "material":
        Material.objects.create(event=event, kind="link", title={"en": "The recording"},
                                url="https://v.example/1", published=True)
        expected = "The recording"
    elif change == "project":
        event.project.name = "Renamed project"
        event.project.save()
        expected = "Renamed project"
    else:
        from tests.factories import make_partner

        make_partner(event.project, organisation="Brand-new partner")
        expected = "Brand-new partner"
    assert expected in client.get(url("event", event)).content.decode()


def test_a_registration_changes_places_left_without_bumping_the_version(client):
    event = make_event(capacity=3)
    assert "3 places left." in client.get(url("event", event)).content.decode()
    before = pagecache.versions(event.project.slug, pagecache.SITE)
    services.register(event, person(1))
    page = client.get(url("event", event)).content.decode()
    assert "2 places left." in page and "3 places left." not in page
    assert pagecache.versions(event.project.slug, pagecache.SITE) == before
    services.register(event, person(2))
    services.register(event, person(3))
    page = client.get(url("event", event)).content.decode()
    assert "Join the waiting list" in page and "Register now" not in page


def test_each_language_is_cached_separately(client):
    event = make_event()
    english = client.get(url("event", event, "en")).content.decode()
    romanian = client.get(url("event", event, "ro")).content.decode()
    assert "Culture &amp; SMEs seminar" in english and 'lang="en"' in english
    assert "Seminar cultură și IMM" in romanian and 'lang="ro"' in romanian
    assert client.get(url("event", event, "en")).content.decode() == english
    again = client.get(url("event", event, "ro")).content.decode()
    assert "Seminar cultură și IMM" in again
    # The language switcher still leads to the same page in every language.
    assert f'href="{url("event", event, "ro")}"' in english


def test_drafts_are_never_cached_as_public(client):
    event = make_event(status=Event.Status.DRAFT)
    for address in pages(event)[1:]:
        response = client.get(address)
        if address != url("project", event):
            assert response.status_code == 404
    assert "Culture &amp; SMEs" not in client.get(home()).content.decode()
    event.status = Event.Status.PUBLISHED
    event.save()
    assert client.get(url("event", event)).status_code == 200
    assert "Culture &amp; SMEs" in client.get(home()).content.decode()
    event.status = Event.Status.DRAFT
    event.save()
    assert client.get(url("event", event)).status_code == 404
    assert "Culture &amp; SMEs" not in client.get(url("project", event)).content.decode()


def test_anonymous_pages_are_public_for_a_minute_without_cookies(client):
    event = make_event()
    for address in pages(event):
        for _ in range(2):  # rendered, then from the cache
            response = client.get(address)
            assert response["Cache-Control"] == "public, max-age=60"
            assert "Cookie" in response["Vary"]
            assert not response.cookies
    assert "csrfmiddlewaretoken" not in client.get(url("event", event)).content.decode()


def test_organisers_see_fresh_pages_nobody_keeps(client, django_user_model,
                                                 django_assert_max_num_queries):
    event = make_event()
    client.get(url("event", event))  # cached for the anonymous
    Event.objects.filter(pk=event.pk).update(title={"en": "Changed behind the cache"})
    assert "Changed behind" not in client.get(url("event", event)).content.decode()
    client.force_login(django_user_model.objects.create_user("organiser", password="x"))
    response = client.get(url("event", event))
    assert "Changed behind the cache" in response.content.decode()
    assert "private" in response["Cache-Control"] and "no-store" in response["Cache-Control"]


def test_a_session_cookie_alone_skips_the_cache(client):
    event = make_event()
    client.get(url("event", event))
    Event.objects.filter(pk=event.pk).update(title={"en": "Changed behind the cache"})
    client.cookies[settings.SESSION_COOKIE_NAME] = "whatever"
    assert "Changed behind the cache" in client.get(url("event", event)).content.decode()


def test_a_cached_page_expires_when_the_event_is_over(client, time_machine):
    event = make_event()
    assert "Register now" in client.get(url("event", event)).content.decode()
    time_machine.move_to(event.ends_at + (event.ends_at - event.starts_at), tick=False)
    page = client.get(url("event", event)).content.decode()
    assert "This seminar has taken place" in page and "Register now" not in page


def test_a_new_version_after_the_cache_lost_its_versions(client):
    event = make_event()
    client.get(url("event", event))
    Event.objects.filter(pk=event.pk).update(title={"en": "Changed behind the cache"})
    cache.delete_many([pagecache._version_key(event.project.slug)])
    assert "Changed behind the cache" in client.get(url("event", event)).content.decode()


def test_a_new_project_address_retires_the_old_cached_pages(client):
    event = make_event()
    old = pages(event)[1:]
    for address in old:
        assert client.get(address).status_code == 200
    event.project.slug = "renamed-project"
    event.project.save()
    for address in old:
        assert client.get(address).status_code == 404, address
    event.refresh_from_db()
    assert client.get(url("event", event)).status_code == 200


def test_a_deleted_material_leaves_the_page(client):
    event = make_event()
    material = Material.objects.create(event=event, kind="link", title={"en": "The recording"},
                                       url="https://v.example/1", published=True)
    assert "The recording" in client.get(url("event", event)).content.decode()
    material.delete()
    assert "The recording" not in client.get(url("event", event)).content.decode()


def test_an_event_moved_to_another_project_leaves_the_old_project_page(client):
    event = make_event()
    old_project_page = url("project", event)
    assert "SMEs seminar" in client.get(old_project_page).content.decode()
    event.project = make_event().project
    event.save()
    assert "Culture &amp; SMEs seminar" not in client.get(old_project_page).content.decode()


def test_without_redis_every_process_shares_the_versions_through_files(settings, tmp_path):
    """The production default without Redis is a file cache under var/: a change saved by one
    web process retires the pages that every other process cached."""
    from django.core.cache.backends.filebased import FileBasedCache

    from aula import settings as production

    assert production.CACHES["default"]["BACKEND"].endswith("FileBasedCache") or (
        production.REDIS_URL
    )
    settings.CACHES = {"default": {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": str(tmp_path),
    }}
    event = make_event()
    other_process = FileBasedCache(str(tmp_path), {})
    key = pagecache._version_key(event.project.slug)
    before = pagecache.versions(event.project.slug)[0]
    assert other_process.get(key) == before
    event.title = {"en": "Changed"}
    event.save()
    assert other_process.get(key) not in (None, before)
