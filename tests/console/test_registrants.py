"""Console: the registrant table, one registrant's page, adding, cancelling, promoting, resending,
the hub's counts and who may do what."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from aula.attendance.models import AttendanceRecord, ImportBatch, Source
from aula.attendance.queries import attendees
from aula.console import registrant_queries
from aula.console.models import Role
from aula.console.registrant_queries import Filters
from aula.messaging.models import OutboxMessage
from aula.registrations import services
from aula.registrations.models import (
    PrivacyNotice,
    Question,
    Registration,
    RegistrationOptions,
    SessionChoice,
)
from tests.factories import make_event, make_registration, organiser
from tests.registrations.factories import make_question, make_slot, person

Status = Registration.Status
pytestmark = pytest.mark.django_db



def bulk(event, count, start=0, **fields):
    """``count`` registrations written directly (fast), with varied names."""
    now = timezone.now()
    rows = []
    for n in range(start, start + count):
        values = {
            "event": event, "email": f"bulk{n}@example.org", "first_name": f"First{n:05d}",
            "family_name": f"Family{n:05d}", "organisation": f"Org {n % 7}",
            "organisation_type": "Sme", "country": "RO", "status": Status.CONFIRMED,
            "created_at": now + timedelta(seconds=n), "confirmed_at": now,
        }
        values.update(fields)
        rows.append(Registration(**values))
    return Registration.objects.bulk_create(rows)


def attend(event, registration, seconds):
    """An imported report's record of the registrant's presence."""
    batch = ImportBatch.objects.create(event=event, source=Source.ZOOM, filename="zoom.csv",
                                       sha256="0" * 64)
    return AttendanceRecord.objects.create(
        event=event, registration=registration, batch=batch, source=Source.ZOOM,
        seconds=seconds,
    )


def url(name, event, registration=None, **kwargs):
    kwargs["event_id"] = event.pk
    if registration is not None:
        kwargs["registration_id"] = registration.pk
    return reverse(f"console:{name}", kwargs=kwargs)


@pytest.fixture
def event(db):
    # These tests are about places: registrants need not confirm their address (on by default).
    return make_event(options={"double_opt_in": False})


@pytest.fixture
def editor(event):
    return organiser("editor", event.project, Role.EDITOR)


@pytest.fixture
def viewer(event):
    return organiser("viewer", event.project, Role.VIEWER)


# --- The table --------------------------------------------------------------------------------


def names(page):
    return [row["family_name"] for row in page.rows]


def test_search_matches_name_email_and_organisation(event):
    bulk(event, 3)
    make_registration(
        event=event, email="ruta@kaunas.lt", first_name="Rūta", family_name="Kalnienė",
        organisation="Kaunas 2022", organisation_type="Sme", country="LT",
        status=Status.CONFIRMED,
    )
    def search(q):
        return names(registrant_queries.registrant_page(event, Filters(q=q)))

    assert search("kalnien") == ["Kalnienė"]
    assert search("RUTA@") == ["Kalnienė"]
    assert search("kaunas 2022") == ["Kalnienė"]  # every word must match somewhere
    assert search("rūta kaunas") == ["Kalnienė"]
    assert search("Family00001") == ["Family00001"]
    assert len(search("")) == 4
    assert search("nobody") == []


def test_filters_by_status_session_type_country_and_attended(event):
    workshop_a, workshop_b = make_slot(event, None, None)
    first = bulk(event, 6)
    Registration.objects.filter(pk=first[0].pk).update(status=Status.WAITING)
    Registration.objects.filter(pk=first[1].pk).update(organisation_type="GeneralPublic",
                                                       country="LT")
    for registration in first:
        block = workshop_a if registration.pk % 2 else workshop_b
        SessionChoice.objects.create(registration=registration, block=block,
                                     slot_starts_at=block.starts_at)
    # Present: one by an imported report, one by the join link.
    attend(event, first[2], seconds=3600)
    Registration.objects.filter(pk=first[3].pk).update(first_joined_at=timezone.now())

    def ids(**filters):
        page = registrant_queries.registrant_page(event, Filters(**filters))
        return {row["id"] for row in page.rows}

    assert ids(status="waiting") == {first[0].pk}
    assert ids(organisation_type="GeneralPublic") == {first[1].pk}
    assert ids(country="LT") == {first[1].pk}
    assert ids(session=workshop_a.pk) == {r.pk for r in first if r.pk % 2}
    assert ids(attended="yes") == {first[2].pk, first[3].pk} == set(attendees(event))
    assert ids(attended="no") == {r.pk for r in first} - {first[2].pk, first[3].pk}
    assert ids(status="confirmed", country="RO", session=workshop_b.pk) == {
        r.pk for r in first[2:] if not r.pk % 2
    }


def test_filters_from_the_query_ignore_what_is_not_offered():
    filters = Filters.from_query({
        "status": "deleted", "country": "XX", "organisation_type": "Evil", "session": "abc",
        "sort": "password", "attended": "maybe", "q": "  ana ",
    })
    assert filters == Filters(q="ana")
    assert Filters.from_query({"sort": "-name"}).descending


def test_sorting_by_column_both_ways_and_paging(event):
    bulk(event, 7)
    Registration.objects.filter(family_name="Family00003").update(organisation="AAA first")
    page = registrant_queries.registrant_page(event, Filters(sort="name"), size=3)
    assert names(page) == ["Family00000", "Family00001", "Family00002"]
    assert (page.count, page.pages, page.has_previous, page.has_next) == (7, 3, False, True)
    page3 = registrant_queries.registrant_page(event, Filters(sort="name"), 3, size=3)
    assert names(page3) == ["Family00006"] and (page3.first_index, page3.last_index) == (7, 7)
    # Out of range pages show the last one.
    assert names(registrant_queries.registrant_page(event, Filters(sort="name"), 99, size=3)) \
        == ["Family00006"]
    desc = registrant_queries.registrant_page(
        event, Filters(sort="name", descending=True), size=3
    )
    assert names(desc) == ["Family00006", "Family00005", "Family00004"]
    by_org = registrant_queries.registrant_page(event, Filters(sort="organisation"), size=1)
    assert names(by_org) == ["Family00003"]
    # Every row appears exactly once across the pages, even with equal sort values.
    seen = []
    for number in (1, 2, 3):
        seen += names(registrant_queries.registrant_page(
            event, Filters(sort="organisation"), number, size=3
        ))
    assert sorted(seen) == [f"Family{n:05d}" for n in range(7)]


def test_table_page_renders_filters_sorting_and_escapes(client, event, viewer):
    bulk(event, 2)
    Registration.objects.filter(family_name="Family00000").update(
        organisation='Org "quoted" & <b>bold</b>'
    )
    client.force_login(viewer)
    response = client.get(url("registrants", event), {"sort": "-name", "q": "Family"})
    html = response.content.decode()
    assert response.status_code == 200
    assert html.index("Family00001") < html.index("Family00000")
    assert "&lt;b&gt;bold&lt;/b&gt;" in html and "<b>bold</b>" not in html
    assert "sort=name" in html  # the current column links to the other direction
    assert url("registrant_add", event) not in html  # a viewer is offered no changes


def test_table_queries_do_not_grow_with_the_number_of_registrants(
    client, event, viewer, django_assert_max_num_queries
):
    workshop, _other = make_slot(event, None, None)
    client.force_login(viewer)

    def load(**params):
        response = client.get(url("registrants", event), params)
        assert response.status_code == 200
        return response

    for registration in bulk(event, 5):
        SessionChoice.objects.create(registration=registration, block=workshop,
                                     slot_starts_at=workshop.starts_at)
    # 13: the page's own 11, plus the two-factor gate's project policy and the personal-data
    # permission (both once per request, whatever the number of registrants).
    with django_assert_max_num_queries(13) as few:
        load()
    for registration in bulk(event, 120, start=5):
        SessionChoice.objects.create(registration=registration, block=workshop,
                                     slot_starts_at=workshop.starts_at)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = load()
    assert response.content.decode().count('href="/en/console/e/') >= 50
    with django_assert_max_num_queries(13):
        load(q="First", session=workshop.pk, attended="no", sort="-organisation", page=2)


# --- One registrant -----------------------------------------------------------------------------


def test_history_shows_registration_emails_joins_cancellation_answers_and_consents(
    client, event, viewer
):
    choice = make_question(
        event, Question.Kind.SINGLE_CHOICE, label={"en": "Your role"},
        choices=[{"key": "mayor", "label": {"en": "Mayor"}}, {"key": "other",
                                                               "label": {"en": "Other"}}],
    )
    text = make_question(event, label={"en": "Dietary needs"})
    outcome = services.register(event, person(
        1, consent_recording=True, answers={str(choice.pk): "mayor", str(text.pk): "<none>"},
    ))
    registration = outcome.registration
    OutboxMessage.objects.filter(registration_id=registration.pk).update(
        status=OutboxMessage.Status.SENT, sent_at=timezone.now()
    )
    services.record_join(registration)
    attend(event, registration, seconds=45 * 60)
    services.cancel(registration)

    client.force_login(viewer)
    html = client.get(url("registrant", event, registration)).content.decode()
    for words in (
        "Registered", "Place confirmed", "E-mail queued", "E-mail sent", "Cancelled",
        "Joined the event for the first time", "Attended 45 minutes.",
        "Your role", "Mayor", "Dietary needs", "&lt;none&gt;", "version 1",
        "Photos and recordings",
    ):
        assert words in html, words
    subjects = list(OutboxMessage.objects.filter(registration_id=registration.pk)
                    .values_list("subject", flat=True))
    assert len(subjects) == 2  # the confirmation and the cancellation
    for subject in subjects:
        assert escape(subject) in html
    assert "Sent" in html and "Queued" in html


def test_a_registrant_of_another_event_is_not_found(client, event, viewer):
    other = make_event(project=event.project, notice=False)
    registration = bulk(other, 1)[0]
    client.force_login(viewer)
    assert client.get(url("registrant", event, registration)).status_code == 404


# --- Changes ----------------------------------------------------------------------------------


def add_form(n=1, **fields):
    data = person(n, privacy="on", privacy_notice=PrivacyNotice.objects.get().pk)
    data.pop("privacy_accepted")
    data.pop("time_zone")
    data.update(fields)
    return data


def test_editor_adds_a_registrant_who_gets_a_place_and_the_email(client, event, editor):
    client.force_login(editor)
    response = client.post(url("registrant_add", event), add_form(1))
    registration = Registration.objects.get(event=event)
    assert response.status_code == 302
    assert response["Location"] == url("registrant", event, registration)
    assert registration.status == Status.CONFIRMED and registration.email == "person1@example.org"
    assert OutboxMessage.objects.filter(
        registration_id=registration.pk, kind="registration_confirmation"
    ).exists()


def test_adding_keeps_the_capacity_and_the_waiting_list(client, event, editor):
    event.capacity = 1
    event.save()
    client.force_login(editor)
    client.post(url("registrant_add", event), add_form(1))
    client.post(url("registrant_add", event), add_form(2))
    assert dict(Registration.objects.values_list("email", "status")) == {
        "person1@example.org": Status.CONFIRMED, "person2@example.org": Status.WAITING,
    }


def test_adding_refuses_a_registered_address_and_needs_the_privacy_confirmation(
    client, event, editor
):
    services.register(event, person(1))
    client.force_login(editor)
    response = client.post(url("registrant_add", event), add_form(1))
    assert response.status_code == 200
    assert "already registered" in response.content.decode()
    response = client.post(url("registrant_add", event), add_form(2, privacy=""))
    assert response.status_code == 200
    assert Registration.objects.count() == 1


def test_cancel_promote_and_resend(client, event, editor):
    event.capacity = 1
    event.save()
    RegistrationOptions.objects.filter(event=event).update(
        promotion=RegistrationOptions.Promotion.MANUAL
    )
    first = services.register(event, person(1)).registration
    second = services.register(event, person(2)).registration
    assert second.status == Status.WAITING
    client.force_login(editor)

    response = client.post(url("registrant_promote", event, second), follow=True)
    assert "The event is full" in response.content.decode()

    response = client.post(url("registrant_cancel", event, first))
    assert response.status_code == 302
    first.refresh_from_db()
    assert first.status == Status.CANCELLED

    client.post(url("registrant_promote", event, second))
    second.refresh_from_db()
    assert second.status == Status.CONFIRMED

    before = OutboxMessage.objects.filter(
        registration_id=second.pk, kind="registration_confirmation"
    ).count()
    response = client.post(url("registrant_resend", event, second), follow=True)
    assert "queued again" in response.content.decode()
    assert OutboxMessage.objects.filter(
        registration_id=second.pk, kind="registration_confirmation"
    ).count() == before + 1
    response = client.post(url("registrant_resend", event, first), follow=True)
    assert "cancelled or erased" in response.content.decode()


def test_resend_for_the_waiting_list_sends_the_waiting_email(client, event, editor):
    event.capacity = 0
    event.save()
    registration = services.register(event, person(1)).registration
    client.force_login(editor)
    client.post(url("registrant_resend", event, registration))
    assert OutboxMessage.objects.filter(
        registration_id=registration.pk, kind="registration_waiting"
    ).count() == 2


# --- The hub ------------------------------------------------------------------------------------


def test_hub_shows_counts_by_status_and_links(client, event, viewer):
    bulk(event, 3)
    bulk(event, 2, start=3, status=Status.WAITING)
    client.force_login(viewer)
    html = client.get(reverse("console:event", kwargs={"event_id": event.pk})).content.decode()
    assert "Registrants" in html
    assert "Confirmed</a>: <strong>3</strong>" in html
    assert "On the waiting list</a>: <strong>2</strong>" in html
    assert url("registrants", event) in html
    assert url("registrants_import", event) not in html  # viewers change nothing


# --- Who may do what ----------------------------------------------------------------------------


def all_urls(event, registration):
    reads = [
        url("registrants", event), url("registrant", event, registration),
        url("registrants_export", event, fmt="csv"), url("registrants_export", event, fmt="xlsx"),
    ]
    writes = [
        url("registrant_add", event), url("registrants_import", event),
        url("registrants_import_map", event), url("registrants_import_confirm", event),
        url("registrant_cancel", event, registration),
        url("registrant_promote", event, registration),
        url("registrant_resend", event, registration),
        url("registrant_confirm", event, registration),
        url("registrant_erase", event, registration),
        url("registrant_sessions", event, registration),
        url("registrant_edit", event, registration),
        url("registrants_bulk", event),
    ]
    return reads, writes


def test_every_url_needs_a_login(client, event):
    reads, writes = all_urls(event, bulk(event, 1)[0])
    for address in reads + writes:
        response = client.post(address) if address in writes else client.get(address)
        assert response.status_code == 302, address
        assert reverse("console:login") in response["Location"], address


def test_another_projects_member_finds_nothing(client, event):
    reads, writes = all_urls(event, bulk(event, 1)[0])
    stranger = organiser("stranger", make_event().project, Role.OWNER)
    client.force_login(stranger)
    for address in reads:
        assert client.get(address).status_code == 404, address
    for address in writes:
        assert client.post(address).status_code == 404, address


def test_a_viewer_reads_but_changes_nothing(client, event, viewer):
    registration = bulk(event, 1, status=Status.WAITING)[0]
    reads, writes = all_urls(event, registration)
    client.force_login(viewer)
    for address in reads:
        # The exports hold personal data: viewers download them only when given the permission.
        expected = 403 if "/export." in address else 200
        assert client.get(address).status_code == expected, address
    for address in writes:
        assert client.post(address).status_code == 403, address
    for address in (url("registrant_add", event), url("registrants_import", event),
                    url("registrant_edit", event, registration),
                    url("registrant_data", event, registration)):
        assert client.get(address).status_code == 403, address
    registration.refresh_from_db()
    assert registration.status == Status.WAITING


def test_an_editor_opens_the_forms(client, event, editor):
    client.force_login(editor)
    assert client.get(url("registrant_add", event)).status_code == 200
    assert client.get(url("registrants_import", event)).status_code == 200
    assert client.get(url("registrants_export", event, fmt="pdf")).status_code == 404
