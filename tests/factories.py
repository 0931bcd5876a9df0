"""Builders of test data shared by every test module: plain functions with sensible defaults.

The one home of each factory (``make_event``, ``make_project``, ``make_registration``,
``organiser``, …): no test module keeps a second one with other defaults
(``tests/test_factories.py`` checks). Each saves and returns one object; keyword arguments
override any field. Unique fields get a fresh value on every call. ``make_model_seminar()``
builds the model case: the ECoC-SME online seminar of 10 June 2021, organised from Kaunas (a
plenary, two parallel sessions, a closing).
"""

from datetime import UTC, datetime, timedelta
from itertools import count

from django.contrib.auth import get_user_model
from django.utils import timezone

from aula.console.models import Membership, Role
from aula.events.models import AgendaBlock, AgendaItem, Event, ItemRole, Person
from aula.projects.models import Partner, Project
from aula.registrations.models import (
    PrivacyNotice,
    Registration,
    RegistrationOptions,
    SessionChoice,
)

_serial = count(1)
MEETING_URL = "https://meet.example.org/secret-room-4711"
PASSWORD = "pw-long-enough-1"


def _next() -> int:
    return next(_serial)


def utc(year, month, day, hour=0, minute=0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


def make_project(**fields) -> Project:
    n = _next()
    values = {
        "name": f"Project {n}",
        "full_title": {"en": f"Full title of project {n}"},
        "code": f"PGI{n:05d}",
        "slug": f"project-{n}",
        "programme": "Interreg Europe",
        "website": "https://www.interregeurope.eu/",
        "description": {"en": "A cooperation project."},
        "primary_language": "en",
    }
    values.update(fields)
    return Project.objects.create(**values)


def make_partner(project: Project, **fields) -> Partner:
    n = _next()
    values = {
        "project": project,
        "organisation": f"Organisation {n}",
        "city": "Kaunas",
        "country": "LT",
        "role": Partner.Role.PARTNER,
        "order": n,
    }
    values.update(fields)
    return Partner.objects.create(**values)


def make_event(
    project: Project | None = None,
    *,
    days_ahead: int = 10,
    notice: bool = True,
    options: dict | None = None,
    **fields,
) -> Event:
    """The one event factory: a published online seminar open for registration.

    Defaults: status published; ``days_ahead`` (10) days from now, on the hour, for three
    hours (``starts_at`` overrides the start, ``ends_at`` defaults to three hours after it);
    time zone Europe/Vilnius; format online, location "Online"; capacity 50; the secret
    meeting link ``MEETING_URL``; a contact (name and e-mail); a bilingual title with an
    ampersand ("Culture & SMEs seminar" / "Seminar cultură și IMM") and a unique slug; the
    project's primary language; a new project (``make_project``) unless one is given.

    ``days_ahead=-1`` makes an event that started yesterday, so the after-seminar actions
    (attendance, certificates, the survey) are open.

    ``notice=True`` (the default) gives the project a privacy notice (version 1, English and
    Romanian) when it has none, so registration is open; ``notice=False`` leaves it without
    one. ``options`` creates the event's ``RegistrationOptions`` with those fields. Any other
    keyword argument sets that field of the event (``capacity=None``: no limit).
    """
    n = _next()
    project = project or make_project()
    starts_at = fields.pop("starts_at", None) or (
        datetime.now(UTC).replace(minute=0, second=0, microsecond=0) + timedelta(days=days_ahead)
    )
    values = {
        "project": project,
        "slug": f"seminar-{n}",
        "primary_language": project.primary_language,
        "title": {"en": "Culture & SMEs seminar", "ro": "Seminar cultură și IMM"},
        "summary": {"en": "How capitals of culture work with small businesses."},
        "format": Event.Format.ONLINE,
        "location": {"en": "Online"},
        "time_zone": "Europe/Vilnius",
        "starts_at": starts_at,
        "ends_at": starts_at + timedelta(hours=3),
        "status": Event.Status.PUBLISHED,
        "capacity": 50,
        "meeting_url": MEETING_URL,
        "contact_name": "Rūta K.",
        "contact_email": "contact@example.org",
    }
    values.update(fields)
    event = Event.objects.create(**values)
    if notice and not PrivacyNotice.objects.filter(project=project, event=None).exists():
        PrivacyNotice.objects.create(
            project=project, version=1,
            text={"en": "The municipality processes your data as a public task.",
                  "ro": "Municipiul prelucrează datele dumneavoastră."},
        )
    if options:
        RegistrationOptions.objects.create(event=event, **options)
    return event


def make_block(event: Event, **fields) -> AgendaBlock:
    """A plenary block of an hour from the event's start unless told otherwise."""
    starts_at = fields.pop("starts_at", None) or event.starts_at
    values = {
        "event": event,
        "kind": AgendaBlock.Kind.PLENARY,
        "starts_at": starts_at,
        "ends_at": starts_at + timedelta(hours=1),
        "title": {"en": "Plenary"},
    }
    values.update(fields)
    return AgendaBlock.objects.create(**values)


def make_item(block: AgendaBlock, **fields) -> AgendaItem:
    n = _next()
    values = {"block": block, "title": {"en": f"Item {n}"}, "order": n}
    values.update(fields)
    return AgendaItem.objects.create(**values)


def make_person(**fields) -> Person:
    n = _next()
    values = {
        "name": f"Person {n}",
        "job_title": {"en": "Expert"},
        "organisation": f"Organisation of person {n}",
    }
    values.update(fields)
    return Person.objects.create(**values)


def add_role(item: AgendaItem, person: Person, role: str = ItemRole.Role.SPEAKER, **fields):
    """``person`` on ``item``; a person made without a project joins the item's project (people
    belong to a project)."""
    if person.project_id is None:
        person.project_id = item.block.event.project_id
        person.save(update_fields=["project"])
    return ItemRole.objects.create(item=item, person=person, role=role, **fields)


def make_model_seminar(**event_fields) -> Event:
    """The ECoC-SME seminar of 10 June 2021 (online from Kaunas, 10:00–13:00 Europe/Vilnius),
    with its project, six partners, a plenary, two parallel sessions, a closing and a contact."""
    project = make_project(
        name="ECoC-SME",
        code="PGI06047",
        slug="ecoc-sme",
        programme="Interreg Europe",
        website="https://www.interregeurope.eu/ecoc-sme/",
        full_title={
            "en": "Actions for inducing SME growth and innovation via the ECoC event and legacy",
            "ro": "Acțiuni de stimulare a creșterii și inovării IMM-urilor prin evenimentul "
            "Capitală Europeană a Culturii și moștenirea acestuia",
        },
        description={
            "en": "ECoC-SME sees the European Capital of Culture as an under-used opportunity "
            "for local SMEs, and works on the programme's potential to trigger, strengthen and "
            "diversify local entrepreneurship."
        },
        starts_on=datetime(2019, 8, 1).date(),
        ends_on=datetime(2022, 7, 31).date(),
    )
    make_partner(project, organisation="University of Eastern Finland", city="Kuopio",
                 country="FI", role=Partner.Role.LEAD_PARTNER, order=1)
    make_partner(project, organisation="Municipality of Leeuwarden", city="Leeuwarden",
                 country="NL", ecoc_year=2018, order=2)
    make_partner(project, organisation="Inqubator Foundation", city="Leeuwarden",
                 country="NL", ecoc_year=2018, order=3)
    make_partner(project, organisation="Materahub", city="Matera", country="IT",
                 ecoc_year=2019, order=4)
    make_partner(project, organisation="City of Rijeka", city="Rijeka", country="HR",
                 ecoc_year=2020, order=5)
    timisoara = make_partner(
        project, organisation="Municipality of Timișoara", city="Timișoara", country="RO",
        ecoc_year=2023, ecoc_note={"en": "originally 2021", "ro": "inițial 2021"}, order=6,
    )
    kaunas = make_partner(
        project, organisation="Vytautas Magnus University, Centre for Enterprise Practices",
        city="Kaunas", country="LT", ecoc_year=2022, order=7,
    )
    values = {
        "slug": "resilience-2021-06-10",
        "host_partner": kaunas,
        "title": {
            "en": "Resilience of regions and European Capitals of Culture through community "
            "and business engagement",
            "ro": "Reziliența regiunilor și a Capitalelor Europene ale Culturii prin implicarea "
            "comunității și a mediului de afaceri",
        },
        "summary": {
            "en": "Organised online from Kaunas, ECoC 2022, the seminar looks back at two years "
            "of the ECoC-SME project.",
            "ro": "Organizat online din Kaunas, CEaC2022, seminarul va analiza ultimii doi ani "
            "ai proiectului nostru.",
        },
        "location": {"en": "Online, from Kaunas", "ro": "Online, din Kaunas"},
        "time_zone": "Europe/Vilnius",
        "starts_at": utc(2021, 6, 10, 7),
        "ends_at": utc(2021, 6, 10, 10),
        "meeting_url": "https://zoom.example/j/secret-meeting-123",
        "contact_name": "Lavinia Simion",
        "contact_role": {"en": "project manager", "ro": "manager de proiect"},
        "contact_organisation": timisoara,
        "contact_phone": "0256 – 408.371",
        "contact_email": "lavinia.simion@primariatm.ro",
    }
    values.update(event_fields)
    event = make_event(project, **values)

    plenary = make_block(
        event, starts_at=utc(2021, 6, 10, 7), ends_at=utc(2021, 6, 10, 8, 15),
        title={"en": "The relevance and results of interregional cooperation"},
    )
    make_item(plenary, order=1, title={
        "en": "The European Capital of Culture as a potential laboratory for the New European "
        "Bauhaus initiative"})
    make_item(plenary, order=2, title={
        "en": "The value of interregional learning – the legacy of ECoC-SME"})
    make_item(plenary, order=3, presenters={"en": "The five project partners"}, title={
        "en": "The local and regional action plans of the ECoC-SME partners"})
    make_block(event, kind=AgendaBlock.Kind.BREAK, starts_at=utc(2021, 6, 10, 8, 15),
               ends_at=utc(2021, 6, 10, 8, 30), title={"en": "Break"})
    session1 = make_block(
        event, kind=AgendaBlock.Kind.PARALLEL, order=1,
        starts_at=utc(2021, 6, 10, 8, 30), ends_at=utc(2021, 6, 10, 9, 30),
        title={"en": "Session 1: Good practices from Kaunas"},
        description={"en": "Tradition for community building and creative economic growth."},
    )
    make_item(session1, title={"en": "Community building in Kaunas 2022"})
    session2 = make_block(
        event, kind=AgendaBlock.Kind.PARALLEL, order=2,
        starts_at=utc(2021, 6, 10, 8, 30), ends_at=utc(2021, 6, 10, 9, 30),
        title={"en": "Session 2: Good practices from the EU"},
        description={"en": "Cross-sectoral cooperation for business and culture, and "
                           "resilience in and after the pandemic."},
    )
    make_item(session2, title={"en": "Ten European Capitals of Culture"})
    closing = make_block(
        event, starts_at=utc(2021, 6, 10, 9, 30), ends_at=utc(2021, 6, 10, 10),
        title={"en": "Closing"},
    )
    remarks = make_item(closing, title={"en": "The OECD's perspective"},
                        starts_at=utc(2021, 6, 10, 9, 40))
    add_role(remarks, make_person(
        name="Ekaterina Travkina",
        job_title={"en": "Coordinator, Culture, Creative Industries and Local Development"},
        organisation="OECD Centre for Entrepreneurship, SMEs, Regions and Cities",
    ), ItemRole.Role.CLOSING_REMARKS)
    return event


def make_registration(event: Event, *, sessions=(), **fields) -> Registration:
    """The one registration factory: a confirmed registrant of ``event``.

    Defaults: e-mail ``person<n>@example.org``, Ana Popescu<n> of the Municipality of Timișoara
    (a local public authority, Romania), English; status confirmed, confirmed when made
    (``created_at``, now unless given); a held registration's hold ends 48 hours after it was
    made. ``sessions``: agenda blocks chosen. Any other keyword argument sets that field.
    """
    n = _next()
    values = {
        "event": event,
        "email": f"person{n}@example.org",
        "first_name": "Ana",
        "family_name": f"Popescu{n}",
        "organisation": "Municipality of Timișoara",
        "organisation_type": "LocalPublicAuthority",
        "country": "RO",
        "language": "en",
        "status": Registration.Status.CONFIRMED,
    }
    values.update(fields)
    values.setdefault("created_at", timezone.now())
    if values["status"] == Registration.Status.HELD:
        values.setdefault("hold_expires_at", values["created_at"] + timedelta(hours=48))
    if values["status"] == Registration.Status.CONFIRMED:
        values.setdefault("confirmed_at", values["created_at"])
    registration = Registration.objects.create(**values)
    for block in sessions:
        SessionChoice.objects.create(
            registration=registration, block=block, slot_starts_at=block.starts_at
        )
    return registration


def organiser(name: str | None = None, project: Project | None = None, role: str | None = None,
              *, email: str | None = None):
    """The one organiser factory: an account named ``name`` (``organiser<n>`` unless given),
    password ``PASSWORD``, e-mail ``<name>@example.org`` unless given; with a project, a
    membership of it in ``role`` (editor unless given)."""
    name = name or f"organiser{_next()}"
    email = f"{name}@example.org" if email is None else email
    user = get_user_model().objects.create_user(name, email, PASSWORD)
    if project is not None:
        Membership.objects.create(user=user, project=project, role=role or Role.EDITOR)
    return user


def superuser(name: str | None = None):
    """An organiser account that is a superuser (every project's owner, may create projects)."""
    user = organiser(name)
    user.is_superuser = user.is_staff = True
    user.save(update_fields=["is_superuser", "is_staff"])
    return user


def clear_audit_log() -> None:
    """Forget the entries a fixture's set-up wrote (through the log's one way out), so a test
    sees only its own."""
    from datetime import timedelta

    from django.utils import timezone

    from aula.audit.models import AuditEntry

    AuditEntry.objects.expire_before(timezone.now() + timedelta(days=1))


def make_image_upload(kind: str = "PNG", *, name: str | None = None, size=(40, 20)):
    """An uploaded picture of ``kind`` (a Pillow format: PNG, JPEG, WEBP, GIF…) as a browser
    sends it; ``name`` is the uploader's file name (any: Aula goes by the bytes)."""
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", size, "#003399").save(out, format=kind)
    extension = {"JPEG": "jpg"}.get(kind, kind.lower())
    return SimpleUploadedFile(name or f"logo.{extension}", out.getvalue(), "image/png")


def give_logo_set(project: Project, kind: str = "PNG") -> Project:
    """The project with a logo set picture (stored as an upload would be) and its alt text."""
    from django.core.files.base import ContentFile

    upload = make_image_upload(kind)
    project.logo_set.save(f"upload.{upload.name.rsplit('.', 1)[-1]}",
                          ContentFile(upload.read()), save=False)
    project.logo_set_alt = {"en": "Interreg logo set, co-funded by the European Union"}
    project.save(update_fields=["logo_set", "logo_set_alt"])
    return project
