"""Events and agendas: constraints, model validation, the agenda check, local times."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from aula.events.models import (
    AgendaBlock,
    AgendaItem,
    Event,
    check_agenda,
    time_zone_choices,
    validate_time_zone,
)
from aula.projects.models import Partner
from tests.factories import (
    make_block,
    make_event,
    make_item,
    make_model_seminar,
    make_partner,
    make_project,
    utc,
)

pytestmark = pytest.mark.django_db

PLENARY, PARALLEL, BREAK = (
    AgendaBlock.Kind.PLENARY, AgendaBlock.Kind.PARALLEL, AgendaBlock.Kind.BREAK
)


def seminar_event(**fields):
    """10:00–13:00 Europe/Vilnius on 10 June 2021 (07:00–10:00 UTC)."""
    return make_event(starts_at=utc(2021, 6, 10, 7), ends_at=utc(2021, 6, 10, 10), **fields)


def block(event, kind, start, end, title="Block"):
    """An unsaved block from UTC hours, e.g. block(event, PLENARY, (7, 0), (8, 15))."""
    return AgendaBlock(
        event=event, kind=kind, starts_at=utc(2021, 6, 10, *start),
        ends_at=utc(2021, 6, 10, *end), title={"en": title},
    )


def messages(error: ValidationError, field: str) -> list[str]:
    return error.message_dict.get(field, [])


# --- constraints -------------------------------------------------------------------------


@pytest.mark.parametrize("minutes", [0, -30])
def test_event_must_end_after_it_starts(minutes):
    start = utc(2021, 6, 10, 7)
    with pytest.raises(IntegrityError), transaction.atomic():
        make_event(starts_at=start, ends_at=start + timedelta(minutes=minutes))
    event = Event(project=make_project(), slug="x", title={"en": "X"}, starts_at=start,
                  ends_at=start + timedelta(minutes=minutes))
    with pytest.raises(ValidationError) as error:
        event.full_clean()
    assert "The event must end after it starts." in error.value.messages


def test_registration_must_close_after_it_opens():
    with pytest.raises(IntegrityError), transaction.atomic():
        seminar_event(registration_opens_at=utc(2021, 6, 1), registration_closes_at=utc(2021, 6, 1))
    event = seminar_event(registration_opens_at=utc(2021, 6, 1),
                          registration_closes_at=utc(2021, 6, 10, 7))
    event.full_clean()
    event.registration_closes_at = utc(2021, 5, 31)
    with pytest.raises(ValidationError) as error:
        event.full_clean()
    assert "Registration must close after it opens." in error.value.messages


def test_registration_dates_are_optional():
    seminar_event(registration_opens_at=None, registration_closes_at=utc(2021, 6, 10, 7))
    seminar_event(registration_opens_at=utc(2021, 6, 1), registration_closes_at=None)


def test_event_slug_unique_within_its_project():
    event = seminar_event(slug="kaunas")
    with pytest.raises(IntegrityError), transaction.atomic():
        seminar_event(project=event.project, slug="kaunas")
    seminar_event(slug="kaunas")  # another project


# --- model validation --------------------------------------------------------------------


def test_title_required_in_the_primary_language():
    event = seminar_event(primary_language="lt", title={"en": "Only English"})
    with pytest.raises(ValidationError) as error:
        event.full_clean()
    assert messages(error.value, "title") == [
        "Give the title in the primary language (Lithuanian)."
    ]
    event.title = {"lt": "Seminaras"}
    event.full_clean()


def test_title_may_not_be_empty():
    event = seminar_event()
    event.title = {}
    with pytest.raises(ValidationError) as error:
        event.full_clean()
    assert "title" in error.value.message_dict


@pytest.mark.parametrize("field", ["host_partner", "contact_organisation"])
def test_partner_of_another_project_rejected(field):
    event = seminar_event()
    setattr(event, field, make_partner(make_project()))
    with pytest.raises(ValidationError) as error:
        event.full_clean()
    assert messages(error.value, field) == ["Choose a partner of this event's project."]
    setattr(event, field, make_partner(event.project))
    event.full_clean()


def test_registration_closing_after_the_event_ends_rejected():
    event = seminar_event(registration_closes_at=utc(2021, 6, 10, 10, 1))
    with pytest.raises(ValidationError) as error:
        event.full_clean()
    assert messages(error.value, "registration_closes_at") == [
        "Registration cannot close after the event ends."
    ]
    event.registration_closes_at = event.ends_at
    event.full_clean()


@pytest.mark.parametrize("name", ["Mars/Olympus_Mons", "europe/vilnius", "", "UTC+3"])
def test_invalid_time_zone_rejected(name):
    with pytest.raises(ValidationError):
        validate_time_zone(name)
    event = seminar_event()
    event.time_zone = name
    with pytest.raises(ValidationError) as error:
        event.full_clean()
    assert "time_zone" in error.value.message_dict


def test_valid_time_zones():
    for name in ("Europe/Vilnius", "Europe/Bucharest", "Europe/Rome", "UTC"):
        validate_time_zone(name)
    names = [name for name, _label in time_zone_choices()]
    assert "Europe/Vilnius" in names and "UTC" in names
    assert names == sorted(names)


def test_capacity_only_for_parallel_blocks():
    event = seminar_event()
    with pytest.raises(IntegrityError), transaction.atomic():
        make_block(event, kind=PLENARY, capacity=50)
    parallel = make_block(event, kind=PARALLEL, capacity=50)
    assert parallel.capacity == 50
    plenary = block(event, PLENARY, (7, 0), (8, 0))
    plenary.capacity = 50
    with pytest.raises(ValidationError) as error:
        plenary.full_clean()
    assert "Only parallel sessions have a capacity of their own." in error.value.messages


def test_block_must_end_after_it_starts():
    event = seminar_event()
    with pytest.raises(IntegrityError), transaction.atomic():
        make_block(event, starts_at=utc(2021, 6, 10, 8), ends_at=utc(2021, 6, 10, 8))


def test_item_time_within_its_block():
    plenary = make_block(seminar_event(), starts_at=utc(2021, 6, 10, 7),
                         ends_at=utc(2021, 6, 10, 8))
    item = AgendaItem(block=plenary, title={"en": "Talk"}, starts_at=utc(2021, 6, 10, 7, 30))
    item.full_clean()
    item.starts_at = utc(2021, 6, 10, 8)  # the block's end is outside it
    with pytest.raises(ValidationError) as error:
        item.full_clean()
    assert messages(error.value, "starts_at") == ["The item's time lies outside its block."]


def test_item_clean_with_a_block_without_times_leaves_it_to_the_block():
    item = AgendaItem(block=AgendaBlock(kind=PLENARY), title={"en": "Talk"},
                      starts_at=utc(2021, 6, 10, 7, 30))
    item.clean()  # no TypeError: the block's own form reports its missing times


# --- the agenda as a whole ---------------------------------------------------------------


def test_fine_agenda_has_no_problems():
    event = seminar_event()
    agenda = [
        block(event, PLENARY, (7, 0), (8, 15)),
        block(event, BREAK, (8, 15), (8, 30)),
        block(event, PARALLEL, (8, 30), (9, 30), "Session 1"),
        block(event, PARALLEL, (8, 30), (9, 30), "Session 2"),
        block(event, PLENARY, (9, 30), (10, 0)),
    ]
    assert check_agenda(event, agenda) == []
    assert check_agenda(event, []) == []


def test_model_seminar_agenda_is_fine():
    event = make_model_seminar()
    assert check_agenda(event, list(event.blocks.all())) == []


@pytest.mark.parametrize(("start", "end"), [((6, 30), (7, 30)), ((9, 30), (10, 30)),
                                            ((6, 0), (11, 0))])
def test_block_outside_the_event(start, end):
    event = seminar_event()
    (problem,) = check_agenda(event, [block(event, PLENARY, start, end, "Early")])
    assert "“Early" in problem and "lies outside the event's start and end" in problem


def test_plenary_overlapping_plenary():
    event = seminar_event()
    (problem,) = check_agenda(event, [
        block(event, PLENARY, (7, 0), (8, 0), "Opening"),
        block(event, PLENARY, (7, 45), (8, 30), "Keynote"),
    ])
    assert "Opening" in problem and "Keynote" in problem and "overlap" in problem


def test_two_plenaries_at_the_same_time_overlap():
    event = seminar_event()
    assert len(check_agenda(event, [
        block(event, PLENARY, (7, 0), (8, 0)), block(event, PLENARY, (7, 0), (8, 0)),
    ])) == 1


def test_parallel_sessions_with_different_times_in_an_overlapping_slot():
    event = seminar_event()
    (problem,) = check_agenda(event, [
        block(event, PARALLEL, (8, 30), (9, 30), "Session 1"),
        block(event, PARALLEL, (8, 45), (9, 30), "Session 2"),
    ])
    assert "Only parallel sessions may share a time slot" in problem


def test_parallel_session_overlapping_a_plenary():
    event = seminar_event()
    assert check_agenda(event, [
        block(event, PARALLEL, (8, 30), (9, 30)), block(event, PARALLEL, (8, 30), (9, 30)),
        block(event, PLENARY, (9, 0), (10, 0)),
    ])


def test_two_parallel_sessions_in_the_same_slot_are_fine():
    event = seminar_event()
    assert check_agenda(event, [
        block(event, PARALLEL, (8, 30), (9, 30), "Session 1"),
        block(event, PARALLEL, (8, 30), (9, 30), "Session 2"),
        block(event, PARALLEL, (8, 30), (9, 30), "Session 3"),
    ]) == []


def test_adjacent_blocks_do_not_overlap():
    event = seminar_event()
    assert check_agenda(event, [
        block(event, PLENARY, (7, 0), (8, 0)), block(event, PLENARY, (8, 0), (10, 0)),
    ]) == []


def test_agenda_problems_quote_times_in_the_event_zone():
    event = seminar_event(time_zone="Europe/Vilnius")
    (problem,) = check_agenda(event, [block(event, PLENARY, (6, 0), (7, 30), "Early")])
    assert "Early (09:00–10:30 Europe/Vilnius)" in problem


# --- times and texts ---------------------------------------------------------------------


def test_local_times_in_the_event_zone():
    event = seminar_event(time_zone="Europe/Vilnius")
    assert event.local_start == datetime(2021, 6, 10, 10, 0, tzinfo=ZoneInfo("Europe/Vilnius"))
    assert (event.local_start.hour, event.local_end.hour) == (10, 13)
    assert event.local_start.utcoffset() == timedelta(hours=3)
    event.time_zone = "Europe/Rome"  # not cached on the instance
    assert event.local_start.hour == 9


def test_local_time_in_winter():
    event = make_event(time_zone="Europe/Bucharest", starts_at=utc(2022, 1, 20, 8))
    assert event.local_start.hour == 10


def test_is_past():
    event = seminar_event()
    assert event.is_past(utc(2021, 6, 10, 10))
    assert not event.is_past(utc(2021, 6, 10, 9, 59))
    assert event.is_past()


def test_event_text_falls_back_to_its_primary_language():
    event = seminar_event(primary_language="lt", title={"lt": "Seminaras", "en": "Seminar"},
                          summary={"lt": "Apie"})
    assert event.text("title", "en").text == "Seminar"
    summary = event.text("summary", "ro")
    assert (summary.text, summary.lang, summary.is_fallback) == ("Apie", "lt", True)
    assert event.text("description", "ro").text == ""
    assert str(event) == "Seminaras"


def test_event_str_without_title_in_its_language_is_its_slug():
    event = Event(slug="kaunas", primary_language="en", title={})
    assert str(event) == "kaunas"


def test_block_str_without_event_or_times():
    assert str(AgendaBlock(kind=BREAK)) == "Break"
    no_event = AgendaBlock(kind=PLENARY, title={"en": "Opening"},
                           starts_at=utc(2021, 6, 10, 7), ends_at=utc(2021, 6, 10, 8))
    assert str(no_event) == "Opening (07:00–08:00 UTC)"


def test_published_queryset():
    project = make_project()
    published = seminar_event(project=project, status=Event.Status.PUBLISHED)
    cancelled = seminar_event(project=project, status=Event.Status.CANCELLED)
    seminar_event(project=project, status=Event.Status.DRAFT)
    assert set(Event.objects.published()) == {published, cancelled}


def test_deleting_an_event_deletes_its_agenda():
    event = seminar_event()
    make_item(make_block(event))
    event.delete()
    assert not AgendaBlock.objects.exists() and not AgendaItem.objects.exists()


def test_deleting_the_host_partner_leaves_the_event_without_one():
    event = seminar_event()
    host = make_partner(event.project)
    event.host_partner = host
    event.save()
    host.delete()
    event.refresh_from_db()
    assert event.host_partner is None
    assert Partner.objects.filter(pk=host.pk).count() == 0


def test_uid_is_unique_per_event():
    assert seminar_event().uid != seminar_event().uid
