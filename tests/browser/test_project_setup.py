"""A superuser with no project yet sets one up in the console: creates the project, adds two
partners, drafts the privacy notice from the template for the lead partner, saves it, and finds
"New event" where they look for it."""

import pytest
from playwright.sync_api import expect

from aula.console.models import Membership, Role
from aula.projects.models import Project
from aula.registrations.models import PrivacyNotice
from tests.factories import PASSWORD, superuser

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def add_partner(page, organisation, role, city, country):
    page.get_by_role("link", name="Add a partner").click()
    page.locator('[name="organisation"]').fill(organisation)
    page.locator('[name="role"]').select_option(role)
    page.locator('[name="city"]').fill(city)
    page.locator('[name="country"]').select_option(country)
    page.get_by_role("button", name="Add the partner").click()
    expect(page.get_by_role("status")).to_contain_text(f"{organisation} is added.")


def test_a_superuser_sets_a_project_up(page, live_server):
    user = superuser("lavinia")
    page.goto(f"{live_server.url}/en/console/")
    page.get_by_label("Username").fill("lavinia")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your projects")

    page.get_by_role("link", name="New project").click()
    page.locator('[name="name"]').fill("ECoC-SME")
    page.locator('[name="code"]').fill("PGI06047")
    page.locator('[name="slug"]').fill("ecoc-sme")
    page.locator('[name="programme"]').fill("Interreg Europe")
    page.locator('[name="full_title_en"]').fill("Capitals of culture for small firms")
    page.locator('[name="description_en"]').fill("A *cooperation* project.")
    page.locator('[name="starts_on"]').fill("2024-03-01")
    page.locator('[name="ends_on"]').fill("2023-01-01")  # a slip: before the start
    page.get_by_role("button", name="Create the project").click()
    expect(page.get_by_role("alert")).to_contain_text("cannot end before it starts")
    assert not Project.objects.exists()
    page.locator('[name="ends_on"]').fill("2028-02-29")
    page.get_by_role("button", name="Create the project").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Partners")
    project = Project.objects.get(code="PGI06047")
    assert Membership.objects.get(project=project, user=user).role == Role.OWNER

    add_partner(page, "Municipality of Timișoara", "lead", "Timișoara", "RO")
    add_partner(page, "Kaunas District Municipality", "partner", "Kaunas", "LT")
    expect(page.locator("table tbody tr")).to_have_count(2)

    page.get_by_role("link", name="Privacy notice").click()
    page.get_by_role("link", name="Start from the template for Municipality of Timișoara").click()
    english = page.locator('[name="text_en"]')
    expect(english).to_contain_text("Municipality of Timișoara, Timișoara, Romania")
    expect(page.locator('[name="text_ro"]')).to_contain_text("Operator.")
    english.fill(english.input_value().replace(
        "[Name and contact details of the controller's data protection officer — to be "
        "completed by the organiser.]", "Ana Pop, dpo@primariatm.ro"))
    page.get_by_role("button", name="Save as a new version").click()
    expect(page.get_by_role("status")).to_contain_text("Version 1 of the project's privacy notice")
    notice = PrivacyNotice.objects.get(project=project)
    assert notice.controller.organisation == "Municipality of Timișoara"
    assert "Ana Pop, dpo@primariatm.ro" in notice.text["en"]
    assert len(notice.text) == 6

    page.get_by_role("link", name="Console").first.click()
    expect(page.get_by_role("link", name="New event in ECoC-SME")).to_be_visible()
    page.get_by_role("link", name="ECoC-SME").first.click()
    page.get_by_role("link", name="New event", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("New event")
