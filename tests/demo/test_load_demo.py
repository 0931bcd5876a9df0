"""manage.py load_demo: the ECoC-SME seminar of 10 June 2021, faithfully and idempotently."""

import copy
import io
import zoneinfo
from datetime import date, datetime, time, timedelta

import pytest
import time_machine
from django.apps import apps
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.utils import timezone

from aula.demo import seminar
from aula.events.models import AgendaBlock, AgendaItem, Event, ItemRole, Person, check_agenda
from aula.projects.models import Partner, Project
from aula.registrations.models import PrivacyNotice, RegistrationOptions

pytestmark = pytest.mark.django_db

VILNIUS = zoneinfo.ZoneInfo("Europe/Vilnius")
LANGUAGES = {"en", "ro", "lt", "nl", "it", "hr"}  # every partner's language


def load(*args):
    out = io.StringIO()
    call_command("load_demo", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def snapshot():
    """Every row of every table the models have, updated_at and sequence included."""
    tables = set(connection.introspection.table_names())
    rows = {}
    for model in apps.get_models():
        if model._meta.db_table in tables:
            rows[model._meta.label] = list(model.objects.order_by("pk").values())
    return rows


def the_event():
    return Event.objects.get(project__code="PGI06047", slug="resilience-seminar")


# --- content --------------------------------------------------------------------------------


def test_project():
    load()
    project = Project.objects.get()
    assert (project.name, project.code, project.slug) == ("ECoC-SME", "PGI06047", "ecoc-sme")
    assert project.programme == "Interreg Europe"
    assert project.website == "http://www.interregeurope.eu/ecoc-sme/"
    assert set(project.full_title) == set(project.description) == LANGUAGES
    assert {lang: project.full_title[lang] for lang in ("en", "ro")} == {
        "en": "Actions for inducing SME growth and innovation via the ECoC event and legacy",
        "ro": "Acțiuni de stimulare a creșterii și inovării IMM-urilor prin evenimentul "
        "Capitală Europeană a Culturii și moștenirea acestuia",
    }
    assert project.description["ro"].startswith(
        "Proiectul ECoC-SME recunoaște programul Capitală Europeană a Culturii (CEaC)"
    )
    assert project.description["en"].startswith("The ECoC-SME project recognises")
    assert (project.starts_on, project.ends_on) == (date(2019, 8, 1), date(2022, 7, 31))
    assert project.primary_language == "en"


def test_partners_keep_organisation_and_city_apart():
    load()
    rows = [
        (p.organisation, p.city, p.country.code, p.role, p.ecoc_year)
        for p in Partner.objects.filter(project__code="PGI06047").order_by("order")
    ]
    assert rows == [
        ("University of Eastern Finland", "Joensuu", "FI", "lead", None),
        ("Municipality of Leeuwarden", "Leeuwarden", "NL", "partner", 2018),
        ("Inqubator Foundation", "Leeuwarden", "NL", "partner", 2018),
        ("Materahub", "Matera", "IT", "partner", 2019),
        ("City of Rijeka", "Rijeka", "HR", "partner", 2020),
        ("Vytautas Magnus University, Centre for Enterprise Practices", "Kaunas", "LT",
         "partner", 2022),
        ("Municipality of Timișoara", "Timișoara", "RO", "partner", 2023),
    ]
    timisoara = Partner.objects.get(organisation="Municipality of Timișoara")
    assert timisoara.ecoc_note == {
        "en": "originally 2021", "ro": "inițial 2021", "lt": "iš pradžių 2021",
        "nl": "oorspronkelijk 2021", "it": "inizialmente 2021", "hr": "prvotno 2021",
    }
    assert all(not p.ecoc_note for p in Partner.objects.exclude(pk=timisoara.pk))


def test_event():
    load()
    event = the_event()
    assert set(event.title) == LANGUAGES
    assert {lang: event.title[lang] for lang in ("en", "ro")} == {
        "en": "Resilience of regions and European Capitals of Culture through community and "
        "business engagement",
        "ro": "Reziliența regiunilor și a Capitalelor Europene ale Culturii prin implicarea "
        "comunității și a mediului de afaceri",
    }
    assert event.primary_language == "en"
    assert set(event.summary) == set(event.description) == LANGUAGES
    assert event.format == Event.Format.ONLINE
    assert event.location["en"] == "online, from Kaunas"
    assert event.location["ro"] == "online, din Kaunas"
    assert event.location["nl"] == "online, vanuit Kaunas"
    assert set(event.location) == LANGUAGES
    assert event.time_zone == "Europe/Vilnius"
    assert event.status == Event.Status.PUBLISHED
    assert event.capacity == 300
    assert event.meeting_url.startswith("https://meet.example.org/")
    assert event.host_partner.organisation.startswith("Vytautas Magnus University")
    assert event.host_partner.city == "Kaunas"
    event.full_clean()
    # Registrants confirm their address, as in every new event.
    assert RegistrationOptions.for_event(event).double_opt_in is True


def test_a_demo_from_before_double_opt_in_by_default_gets_it():
    load()
    RegistrationOptions.objects.filter(event=the_event()).update(double_opt_in=False)
    load()
    assert RegistrationOptions.objects.get(event=the_event()).double_opt_in is True


def test_contact_person():
    load()
    event = the_event()
    assert event.contact_name == "Lavinia Simion"
    assert event.contact_role == {
        "en": "project manager", "ro": "manager de proiect", "lt": "projekto vadovė",
        "nl": "projectmanager", "it": "responsabile di progetto", "hr": "voditeljica projekta",
    }
    assert event.contact_organisation.organisation == "Municipality of Timișoara"
    assert event.contact_phone == "0256 408 371"
    assert event.contact_email == "lavinia.simion@primariatm.ro"


def test_description_says_times_are_indicative():
    load()
    description = the_event().description
    assert "The press release gives no times; those shown here are indicative." in (
        description["en"]
    )
    assert "nu precizează orele; cele afișate aici sunt orientative" in description["ro"]
    assert "laikas yra orientacinis" in description["lt"]
    assert "de tijden die hier staan, zijn indicatief" in description["nl"]
    assert "quelli riportati qui sono indicativi" in description["it"]
    assert "ovdje navedena vremena okvirna su" in description["hr"]
    for lang in LANGUAGES:
        assert "10" in description[lang] and "2021" in description[lang]  # the original date


def test_agenda():
    load()
    event = the_event()
    blocks = list(event.blocks.all())
    assert [b.kind for b in blocks] == ["plenary", "break", "parallel", "parallel", "plenary"]
    assert check_agenda(event, blocks) == []

    first = blocks[0]
    assert [i.title["en"] for i in first.items.all()] == [
        "The European Capital of Culture as a potential laboratory for the New European Bauhaus "
        "Initiative",
        "The value of interregional learning – the legacy of the ECoC-SME project",
        "Presentation of the local and regional action plans of the five ECoC-SME partners",
    ]
    bauhaus, _learning, plans = first.items.all()
    assert "Joint Research Centre" in bauhaus.presenters["en"]
    assert "cinci regiuni partenere" in plans.presenters["ro"]

    parallel = [b for b in blocks if b.kind == AgendaBlock.Kind.PARALLEL]
    assert len(parallel) == 2
    assert len({(b.starts_at, b.ends_at) for b in parallel}) == 1
    assert [b.title["ro"].split(" Exemple")[0] for b in parallel] == ["Sesiunea 1", "Sesiunea 2"]
    assert parallel[0].title["en"].startswith("Session 1 Good practice examples from Kaunas – ")
    assert parallel[1].title["ro"] == (
        "Sesiunea 2 Exemple de bune practici din UE – Cooperare transectorială în promovarea "
        "mediului de afaceri și a mediului cultural și îmbunătățirea rezilienței în/după pandemie"
    )

    for block in blocks:
        block.full_clean()
        for item in block.items.all():
            item.full_clean()  # item times lie in their block
    for block in blocks:
        assert event.starts_at <= block.starts_at < block.ends_at <= event.ends_at
    assert blocks[0].starts_at == event.starts_at and blocks[-1].ends_at == event.ends_at


def test_only_ekaterina_travkina_is_named():
    load()
    person = Person.objects.get()  # no other Person rows
    assert person.name == "Ekaterina Travkina"
    assert person.organisation == "OECD"
    assert person.job_title["en"] == (
        "Coordinator, Culture, Creative Industries and Local Development, OECD Centre for "
        "Entrepreneurship, SMEs, Regions and Cities"
    )
    assert person.job_title["ro"] == (
        "coordonatorul departamentului de Cultură, industriei creative și dezvoltare locală din "
        "cadrul Centrului OCDE pentru antreprenoriat, IMM-uri, regiuni și orașe"
    )
    role = ItemRole.objects.get()
    assert role.person == person and role.role == ItemRole.Role.CLOSING_REMARKS
    assert role.item.block == the_event().blocks.last()  # in the closing block


# --- dates ------------------------------------------------------------------------------------


def test_default_date_is_ahead_so_one_can_register():
    load()
    event = the_event()
    now = timezone.now()
    assert event.starts_at >= now + timedelta(days=14)
    assert event.local_start.weekday() == 3  # a Thursday, like 10 June 2021
    assert (event.local_start.time(), event.local_end.time()) == (time(10, 0), time(13, 30))
    assert event.registration_opens_at <= now < event.registration_closes_at
    assert event.registration_closes_at == event.starts_at


@time_machine.travel(datetime(2030, 1, 15, 9, 0, tzinfo=VILNIUS), tick=False)
def test_default_date_is_the_first_thursday_three_weeks_ahead():
    load()
    event = the_event()
    assert event.local_start == datetime(2030, 2, 7, 10, 0, tzinfo=VILNIUS)
    assert event.registration_opens_at == datetime(2030, 1, 15, 0, 0, tzinfo=VILNIUS)


def test_original_date():
    load("--original-date")
    event = the_event()
    assert event.local_start.tzinfo.key == "Europe/Vilnius"
    assert event.local_start == datetime(2021, 6, 10, 10, 0, tzinfo=VILNIUS)
    assert event.starts_at == datetime(2021, 6, 10, 7, 0, tzinfo=zoneinfo.ZoneInfo("UTC"))
    assert event.registration_opens_at == datetime(2021, 6, 3, 10, 0, tzinfo=VILNIUS)
    assert event.registration_closes_at == event.starts_at
    assert check_agenda(event, list(event.blocks.all())) == []
    assert {event.local(b.starts_at).date() for b in event.blocks.all()} == {date(2021, 6, 10)}


def test_existing_event_keeps_its_date_until_asked():
    load("--original-date")
    sequence = the_event().sequence
    load()
    assert the_event().local_start.date() == date(2021, 6, 10)
    assert the_event().sequence == sequence

    load("--redate")
    event = the_event()
    assert event.starts_at >= timezone.now() + timedelta(days=14)
    assert event.sequence == sequence + 1  # calendars see the move
    assert event.registration_opens_at <= timezone.now() < event.registration_closes_at
    assert event.registration_closes_at == event.starts_at
    assert check_agenda(event, list(event.blocks.all())) == []
    assert all(event.local(b.starts_at).date() == event.local_start.date()
               for b in event.blocks.all())
    assert all(event.local(i.starts_at).date() == event.local_start.date()
               for i in AgendaItem.objects.exclude(starts_at=None))

    load("--original-date")
    assert the_event().local_start.date() == date(2021, 6, 10)
    assert the_event().sequence == sequence + 2


def test_date_options_exclude_each_other():
    with pytest.raises(CommandError):
        load("--original-date", "--redate")


# --- idempotence --------------------------------------------------------------------------------


@pytest.mark.parametrize("args", [(), ("--original-date",)])
def test_running_twice_changes_nothing(args):
    load(*args)
    before = snapshot()
    assert before["events.Event"] and before["projects.Partner"]
    # An hour later, so any save would show in updated_at.
    with time_machine.travel(timezone.now() + timedelta(hours=1)):
        output = load(*args)
    assert snapshot() == before
    assert "0 created, 0 updated, 0 deleted" in output
    assert output.count("\n") == 1  # a one-line summary


def test_rerun_restores_what_differs_and_nothing_else():
    load()
    event = the_event()
    uid, created_at = event.uid, event.created_at
    Event.objects.filter(pk=event.pk).update(title={"en": "Changed"}, capacity=10)
    Partner.objects.filter(organisation="Materahub").update(city="Potenza")
    closing = event.blocks.last()
    AgendaBlock.objects.create(
        event=event, kind="plenary", title={"en": "Extra"},
        starts_at=closing.starts_at, ends_at=closing.ends_at,
    )
    AgendaItem.objects.filter(block=event.blocks.first()).last().delete()
    untouched = Project.objects.values().get()

    output = load()

    event = the_event()
    assert event.title["ro"].startswith("Reziliența") and event.capacity == 300
    assert (event.uid, event.created_at) == (uid, created_at)
    assert Partner.objects.get(organisation="Materahub").city == "Matera"
    assert event.blocks.count() == 5 and event.blocks.first().items.count() == 3
    assert check_agenda(event, list(event.blocks.all())) == []
    assert Project.objects.values().get() == untouched
    assert "0 created" not in output


def test_a_broken_agenda_fails_loudly_and_writes_nothing(monkeypatch):
    agenda = copy.deepcopy(seminar.AGENDA)
    agenda[1]["starts"] = time(11, 0)  # the break now overlaps the first plenary block
    monkeypatch.setattr(seminar, "AGENDA", agenda)
    with pytest.raises(CommandError, match="overlap"):
        load()
    assert not Project.objects.exists() and not Person.objects.exists()


# --- every partner's language ---------------------------------------------------------------


def translated_values(data, where="seminar"):
    """Every translated text of the demo data: a dict whose keys are language codes."""
    if isinstance(data, dict):
        if data and set(data) <= LANGUAGES:
            yield where, data
            return
        for key, value in data.items():
            yield from translated_values(value, f"{where}.{key}")
    elif isinstance(data, list | tuple):
        for index, value in enumerate(data):
            yield from translated_values(value, f"{where}[{index}]")


def test_every_text_of_the_demo_is_written_in_all_six_languages():
    found = list(translated_values({
        "PROJECT": seminar.PROJECT, "PARTNERS": seminar.PARTNERS, "EVENT": seminar.EVENT,
        "PEOPLE": seminar.PEOPLE, "AGENDA": seminar.AGENDA,
        "PRIVACY_NOTICE": seminar.PRIVACY_NOTICE,
    }))
    assert len(found) > 20
    for where, value in found:
        if where.endswith(".local_names"):
            continue  # an organisation's own name, only in its own language
        assert set(value) == LANGUAGES, where
        assert all(text.strip() for text in value.values()), where
        # No language copies another's text (the names of the project aside).
        if len(value["en"]) > 20:
            assert len(set(value.values())) == len(LANGUAGES), where


def test_the_partners_languages_are_stored_and_read_back():
    load()
    event = the_event()
    assert event.title["lt"] == (
        "Regionų ir Europos kultūros sostinių atsparumas įtraukiant bendruomenę ir verslą"
    )
    assert event.title["nl"].startswith("Veerkracht van regio's en Culturele Hoofdsteden")
    assert event.title["it"].startswith("Resilienza delle regioni e delle Capitali europee")
    assert event.title["hr"].startswith("Otpornost regija i Europskih prijestolnica kulture")
    assert "2021 m. birželio 10 d." in event.description["lt"]
    assert "10 juni 2021" in event.description["nl"]
    assert "10 giugno 2021" in event.description["it"]
    assert "10. lipnja 2021." in event.description["hr"]
    blocks = list(event.blocks.all())
    assert [b.title["nl"] for b in blocks][1] == "Pauze"
    assert blocks[2].title["it"].startswith("Sessione 1 Esempi di buone pratiche da Kaunas")
    assert blocks[3].title["hr"].startswith("Sesija 2. Primjeri dobre prakse iz EU-a")
    person = Person.objects.get()
    assert "OESO-centrum" in person.job_title["nl"] and "EBPO" in person.job_title["lt"]
    notice = PrivacyNotice.objects.get(project=event.project)
    assert set(notice.text) == LANGUAGES
    assert "AVG" in notice.text["nl"] and "BDAR" in notice.text["lt"]


def test_the_demo_project_gets_a_placeholder_logo_set_once():
    from PIL import Image

    from aula.projects.models import Project

    load()
    project = Project.objects.get(code=seminar.PROJECT["code"])
    name = project.logo_set.name
    assert name.startswith("logos/") and name.endswith(".png")
    assert "placeholder" in project.logo_set_alt["en"]
    with project.logo_set.open("rb") as file, Image.open(file) as image:
        assert image.format == "PNG" and image.width > image.height
    load()
    assert Project.objects.get(pk=project.pk).logo_set.name == name  # kept, not redrawn
