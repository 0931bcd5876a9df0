"""The console's registrants table fits a 1280-pixel screen: long names, addresses,
organisations and sessions wrap inside their cells; nothing scrolls sideways."""

import os

import pytest
from django.contrib.auth import get_user_model

from aula.registrations.models import Registration
from tests.factories import make_event, make_registration
from tests.registrations.factories import make_slot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LONG = {
    "first_name": "Maria-Magdalena Alexandra",
    "family_name": "Vasilescu-Constantinescu-Dumitrescu",
    "organisation": "Asociația de Dezvoltare Intercomunitară pentru Managementul Integrat al "
                    "Deșeurilor din Județul Caraș-Severin",
    "email": "maria-magdalena.vasilescu-constantinescu@primaria-municipiului-timisoara.ro",
    "organisation_type": "RegionalPublicAuthority",
    "country": "RO",
}


def test_the_registrants_table_fits_1280_pixels(browser, live_server):
    event = make_event(capacity=None)
    sessions = make_slot(event, None, None)
    for block in sessions:
        block.title = {"en": "Session on the financing of cultural and creative industries in "
                             "small and medium-sized municipalities across the programme area"}
        block.save()
    for n in range(12):
        make_registration(
            event, sessions=sessions[:1],
            **{**LONG, "email": f"{n}.{LONG['email']}"},
            status=Registration.Status.CONFIRMED if n % 2 else Registration.Status.WAITING,
        )
    get_user_model().objects.create_superuser("lavinia", "lavinia@example.org", "a-long-secret-1")
    context = browser.new_context(locale="en-GB", viewport={"width": 1280, "height": 800})
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto(f"{live_server.url}/en/console/")
    page.get_by_label("Username").fill("lavinia")
    page.get_by_label("Password").fill("a-long-secret-1")
    page.get_by_role("button", name="Log in").click()
    page.goto(f"{live_server.url}/en/console/e/{event.pk}/registrants/")
    page.get_by_role("table").wait_for()
    assert page.get_by_text(LONG["family_name"]).count() == 12
    widths = page.evaluate(
        "() => [document.documentElement.scrollWidth, document.body.scrollWidth,"
        " window.innerWidth]"
    )
    shot = os.environ.get("AULA_SCREENSHOT")  # a look for a person, kept out of the repository
    if shot:
        page.screenshot(path=shot, full_page=True)
    context.close()
    assert widths[0] <= widths[2] and widths[1] <= widths[2], widths
