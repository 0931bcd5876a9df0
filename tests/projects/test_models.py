"""Projects and partners: the rules the database and model validation keep."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from aula.projects.models import Partner, Project
from tests.factories import make_partner, make_project

pytestmark = pytest.mark.django_db


def test_str_and_content_language():
    project = make_project(name="ECoC-SME", code="PGI06047", primary_language="ro")
    assert str(project) == "ECoC-SME (PGI06047)"
    assert project.content_language() == "ro"
    partner = make_partner(project, organisation="Materahub", city="Matera")
    assert str(partner) == "Materahub, Matera"


def test_project_text_falls_back_to_its_primary_language():
    project = make_project(primary_language="ro", full_title={"ro": "Titlu", "en": "Title"})
    assert project.text("full_title", "lt").text == "Titlu"
    assert project.text("full_title", "en").text == "Title"


def test_one_lead_partner_per_project_in_the_database():
    project = make_project()
    make_partner(project, role=Partner.Role.LEAD_PARTNER)
    with pytest.raises(IntegrityError), transaction.atomic():
        make_partner(project, role=Partner.Role.LEAD_PARTNER)
    make_partner(project, role=Partner.Role.PARTNER)
    make_partner(project, role=Partner.Role.ADVISORY)
    # Another project has its own lead partner.
    make_partner(make_project(), role=Partner.Role.LEAD_PARTNER)
    assert Partner.objects.filter(role=Partner.Role.LEAD_PARTNER).count() == 2


def test_second_lead_partner_reported_by_validation():
    project = make_project()
    make_partner(project, role=Partner.Role.LEAD_PARTNER)
    second = Partner(project=project, organisation="Other", city="Rijeka", country="HR",
                     role=Partner.Role.LEAD_PARTNER)
    with pytest.raises(ValidationError) as error:
        second.full_clean()
    assert "A project has one lead partner." in error.value.messages


def test_organisation_unique_within_a_project():
    project = make_project()
    make_partner(project, organisation="Materahub")
    with pytest.raises(IntegrityError), transaction.atomic():
        make_partner(project, organisation="Materahub")
    make_partner(make_project(), organisation="Materahub")  # fine in another project
    duplicate = Partner(project=project, organisation="Materahub", city="Matera", country="IT")
    with pytest.raises(ValidationError) as error:
        duplicate.full_clean()
    assert "This organisation is already a partner." in error.value.messages


@pytest.mark.parametrize(("year", "valid"), [
    (1984, False), (1985, True), (2022, True), (2100, True), (2101, False), (None, True),
])
def test_ecoc_year_bounds(year, valid):
    partner = Partner(project=make_project(), organisation="Kaunas 2022", city="Kaunas",
                      country="LT", ecoc_year=year)
    if valid:
        partner.full_clean()
    else:
        with pytest.raises(ValidationError) as error:
            partner.full_clean()
        assert set(error.value.message_dict) == {"ecoc_year"}


def test_project_cannot_end_before_it_starts():
    with pytest.raises(IntegrityError), transaction.atomic():
        make_project(starts_on=date(2022, 1, 1), ends_on=date(2021, 12, 31))
    project = Project(name="P", code="P1", slug="p", programme="Interreg Europe",
                      starts_on=date(2022, 1, 1), ends_on=date(2021, 12, 31))
    with pytest.raises(ValidationError) as error:
        project.full_clean()
    assert "The project cannot end before it starts." in error.value.messages


@pytest.mark.parametrize(("starts_on", "ends_on"), [
    (date(2019, 8, 1), date(2022, 7, 31)),
    (date(2019, 8, 1), date(2019, 8, 1)),
    (None, date(2022, 7, 31)),
    (date(2019, 8, 1), None),
])
def test_project_dates_that_are_fine(starts_on, ends_on):
    make_project(starts_on=starts_on, ends_on=ends_on).full_clean()


def test_project_code_and_slug_unique():
    make_project(code="PGI06047", slug="ecoc-sme")
    with pytest.raises(IntegrityError), transaction.atomic():
        make_project(code="PGI06047")
    with pytest.raises(IntegrityError), transaction.atomic():
        make_project(slug="ecoc-sme")


def test_single_line_fields_reject_line_breaks():
    project = Project(name="Two\nlines", code="P1", slug="p", programme="Interreg Europe")
    with pytest.raises(ValidationError) as error:
        project.full_clean()
    assert set(error.value.message_dict) == {"name"}


def test_translated_fields_validated_on_full_clean():
    project = make_project()
    project.full_title = {"de": "Titel"}
    with pytest.raises(ValidationError) as error:
        project.full_clean()
    assert set(error.value.message_dict) == {"full_title"}


def test_partner_name_in_a_language_falls_back_to_its_own_name_only():
    from tests.factories import make_partner, make_project

    partner = make_partner(
        make_project(), organisation="Municipality of Timișoara",
        local_names={"ro": "Municipiul Timișoara"},
    )
    assert partner.name_in("ro") == "Municipiul Timișoara"
    assert partner.name_in("lt") == "Municipality of Timișoara"
