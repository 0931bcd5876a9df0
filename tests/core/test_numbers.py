"""Counts and percentages are written as each language writes them where people read them
(``{{ n|count }}``, ``|number``, ``|percent``), while numbers in attributes, URLs and data
files stay raw (USE_THOUSAND_SEPARATOR stays off)."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.template import engines
from django.urls import reverse
from django.utils import timezone, translation

from aula.console.models import Membership, Role
from aula.core import numbers
from aula.registrations.models import Registration
from tests.factories import make_event

NBSP = "\u00a0"

GROUPED = {
    "en": "12,345", "ro": "12.345", "lt": f"12{NBSP}345", "nl": "12.345", "it": "12.345",
    "hr": "12.345",
}
PERCENT = {
    "en": "12.5%", "ro": f"12,5{NBSP}%", "lt": f"12,5{NBSP}%", "nl": "12,5%", "it": "12,5%",
    "hr": f"12,5{NBSP}%",
}


def render(source: str, language: str, **context) -> str:
    template = engines["django"].from_string("{% load i18n aula %}" + source)
    with translation.override(language):
        return template.render(context)


def test_every_language_is_covered():
    assert set(GROUPED) == {code for code, _name in settings.LANGUAGES}
    assert settings.USE_THOUSAND_SEPARATOR is False


@pytest.mark.parametrize("language", sorted(GROUPED))
def test_count_groups_thousands_in_each_language(language):
    assert render("{{ n|count }}", language, n=12345) == GROUPED[language]
    separator = GROUPED[language][2]
    assert render("{{ n|count }}", language, n=1234567) == f"1{separator}234{separator}567"
    assert render("{{ n|count }}", language, n=999) == "999"
    assert render("{{ n|count }}", language, n=0) == "0"


@pytest.mark.parametrize("language", sorted(PERCENT))
def test_percent_and_decimals_use_the_decimal_separator(language):
    assert render("{{ p|percent }}", language, p=12.5) == PERCENT[language]
    decimal_separator = "." if language == "en" else ","
    assert render("{{ x|number:2 }}", language, x=3.456) == f"3{decimal_separator}46"
    assert render("{{ x|number:1 }}", language, x=12345.75) == (
        GROUPED[language] + decimal_separator + "8"
    )


def test_values_that_are_not_numbers_pass_through():
    assert render("{{ n|count }}", "ro", n=None) == "None"
    assert render("[{{ n|count }}]", "ro", n="") == "[]"
    assert render("{{ n|count }}", "ro", n="12345") == "12345"
    assert render("{{ n|count }}", "ro", n=True) == "True"
    assert render("[{{ p|percent }}]", "ro", p=None) == "[None]"
    assert render("{{ p|percent }}", "ro", p="n/a") == "n/a"


def test_without_the_filter_numbers_stay_raw():
    assert render('<a href="?n={{ n }}" data-n="{{ n }}">{{ n }}</a>', "ro", n=12345) == (
        '<a href="?n=12345" data-n="12345">12345</a>'
    )


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en", "1 registrant|2 registrants|12,345 registrants"),
        ("ro", "1 participant înregistrat|2 participanți înregistrați|"
               "12.345 de participanți înregistrați"),
        ("hr", "1 prijavljeni sudionik|2 prijavljena sudionika|12.345 prijavljenih sudionika"),
    ],
)
def test_a_counted_plural_keeps_its_form_and_groups_its_number(language, expected):
    source = (
        "{% blocktranslate count counter=n|count %}{{ counter }} registrant{% plural %}"
        "{{ counter }} registrants{% endblocktranslate %}"
    )
    got = "|".join(render(source, language, n=n) for n in (1, 2, 12345))
    assert got == expected


def test_a_count_is_still_a_number():
    value = numbers.count(12345)
    assert value == 12345 and value + 1 == 12346 and isinstance(value, int)
    with translation.override("ro"):
        assert str(value) == "12.345" and f"{value}" == "12.345"
    with translation.override("en"):
        assert str(value) == "12,345"


# --- pages --------------------------------------------------------------------------------


@pytest.fixture
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.mark.django_db
def test_the_console_registrant_list_groups_the_total_but_not_links(client, _fresh_cache):
    event = make_event(capacity=5000)
    now = timezone.now()
    Registration.objects.bulk_create(
        Registration(
            event=event, email=f"p{n}@example.org", first_name=f"First{n}",
            family_name=f"Family{n}", organisation="Org", organisation_type="Sme",
            country="RO", status=Registration.Status.CONFIRMED,
            created_at=now + timedelta(seconds=n), confirmed_at=now,
        )
        for n in range(1234)
    )
    newest = Registration.objects.filter(event=event).latest("created_at")
    assert newest.pk >= 1000  # so that a grouped id would show
    viewer = get_user_model().objects.create_user("viewer", password="pw-long-enough-1")
    Membership.objects.create(user=viewer, project=event.project, role=Role.VIEWER)
    client.force_login(viewer)
    with translation.override("ro"):
        url = reverse("console:registrants", kwargs={"event_id": event.pk})
        detail = reverse(
            "console:registrant", kwargs={"event_id": event.pk, "registration_id": newest.pk}
        )
    assert url.startswith("/ro/")
    html = client.get(url, {"sort": "-registered"}).content.decode()
    assert "1.234 de participanți înregistrați" in html
    assert "1–50" in html
    assert f'href="{detail}"' in html  # the id in the link stays raw…
    grouped_id = f"{newest.pk // 1000}.{newest.pk % 1000:03d}"
    assert f"/{grouped_id}/" not in html  # …and is never grouped
    assert "Pagina 1 din 25" in html

    with translation.override("en"):
        url = reverse("console:registrants", kwargs={"event_id": event.pk})
    assert "1,234 registrants" in client.get(url).content.decode()


@pytest.mark.django_db
def test_the_public_registration_box_groups_places_left(client, _fresh_cache):
    event = make_event(capacity=12345)
    page = reverse("events:event", kwargs={"project": event.project.slug, "event": event.slug})
    html = client.get(page.replace("/en/", "/ro/", 1)).content.decode()
    assert "Au mai rămas 12.345 de locuri." in html
    html = client.get(page).content.decode()
    assert "12,345 places left." in html
