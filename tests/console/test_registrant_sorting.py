"""The registrant table sorts names by their letters on both databases: ICU's root collation on
PostgreSQL, the Unicode Collation Algorithm registered on every SQLite connection
(aula.core.collation). The same expectations hold on both."""

import functools

import pytest
from django.db import connection

from aula.console import registrant_queries
from aula.console.registrant_queries import Filters
from aula.core import collation
from aula.registrations.models import Registration
from tests.factories import make_event, make_registration

pytestmark = pytest.mark.django_db

# In the order ICU's root collation ("und-x-icu") gives: letters first (Č beside C, Ș beside S,
# Ö beside O), then accents (Emile < émile), then case (stan < Stan).
ORDERED = [
    "Čapek", "Cole", "Emile", "émile", "Eva", "Ölander", "Oprea", "Șerban", "stan", "Stan",
    "Ștefan", "Žagar", "zeta", "Zola", "Zoltan",
]


def shuffled(names):
    return names[7:] + names[:7][::-1]


def register_all(event, family_names):
    for n, family in enumerate(family_names, start=1):
        make_registration(
            event=event, email=f"n{n}@example.org", first_name="A", family_name=family,
            organisation="O", organisation_type="Sme", country="RO",
            status=Registration.Status.CONFIRMED,
        )


def family_names(event, **filters):
    page = registrant_queries.registrant_page(event, Filters(**filters))
    return [row["family_name"] for row in page.rows]


def test_names_sort_by_their_letters_then_accents_then_case():
    event = make_event()
    register_all(event, shuffled(ORDERED))
    assert family_names(event, sort="name") == ORDERED
    assert family_names(event, sort="name", descending=True) == ORDERED[::-1]


def test_organisations_sort_the_same_way():
    event = make_event()
    for n, organisation in enumerate(shuffled(ORDERED), start=1):
        make_registration(
            event=event, email=f"o{n}@example.org", first_name="A", family_name=f"F{n}",
            organisation=organisation, organisation_type="Sme", country="RO",
            status=Registration.Status.CONFIRMED,
        )
    page = registrant_queries.registrant_page(event, Filters(sort="organisation"))
    assert [row["organisation"] for row in page.rows] == ORDERED


def test_first_names_break_ties_between_family_names():
    event = make_event()
    for n, first in enumerate(["Ștefan", "Stan", "Ana", "Ärne"], start=1):
        make_registration(
            event=event, email=f"t{n}@example.org", first_name=first, family_name="Popescu",
            organisation="O", organisation_type="Sme", country="RO",
            status=Registration.Status.CONFIRMED,
        )
    page = registrant_queries.registrant_page(event, Filters(sort="name"))
    assert [row["first_name"] for row in page.rows] == ["Ana", "Ärne", "Stan", "Ștefan"]


def test_the_database_uses_a_unicode_collation():
    expected = {"postgresql": "und-x-icu", "sqlite": collation.UNICODE_COLLATION}
    assert registrant_queries.TEXT_COLLATIONS[connection.vendor] == expected[connection.vendor]


def test_the_sqlite_collation_agrees_with_icu_root():
    """The comparison itself (runs on either database): the order above, equal strings equal,
    and strings equal to the collation ordered by code point rather than called equal."""
    assert sorted(shuffled(ORDERED), key=functools.cmp_to_key(collation.compare)) == ORDERED
    assert collation.compare("Ș", "Ș") == 0
    assert collation.compare("Zola", "Žagar") == 1 and collation.compare("Žagar", "Zola") == -1
    # U+0218 (Ș, comma below) and U+015E (Ş, cedilla) differ only in a secondary weight.
    assert collation.compare("Şerban", "Șerban") != 0


def test_every_new_sqlite_connection_has_the_collation():
    if connection.vendor != "sqlite":
        pytest.skip("SQLite only: PostgreSQL has ICU")
    connection.ensure_connection()
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT x FROM (SELECT 'Zola' AS x UNION ALL SELECT 'Žagar' UNION ALL "
            f"SELECT 'Cole' UNION ALL SELECT 'Čapek') ORDER BY x COLLATE "
            f"{collation.UNICODE_COLLATION}"
        )
        assert [row[0] for row in cursor.fetchall()] == ["Čapek", "Cole", "Žagar", "Zola"]
