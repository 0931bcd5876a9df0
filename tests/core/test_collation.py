"""The Unicode collation's two tables: Latin names get from the small one exactly the key the
whole table gives them; the whole table is built only for a name with another letter."""

import struct

import pytest
import pyuca
from django.utils import translation
from django_countries import countries

from aula.core import collation

FULL = pyuca.Collator()

TRICKY = ["Ærø", "Łódź", "Straße", "Đorđević", "Ørsted", "Ǆemal", "Ĳssel", "Ångström", "Œuvre",
          "İstanbul", "ısı", "Nguyễn", "Ḥasan", "ʻOkina", "a\u0301b", "“quoted”", "O’Brien",
          "–dash—", "Žagar", "Zagar", "zagar", "Émile", "emile", "Eva", "  spaced  ", "D'Arcy"]
OTHER_SCRIPTS = ["Σωκράτης", "Алексей", "北京", "ﬁne", "Ⅻ", "Zoë 東", "€uro"]


def full_key(text: str) -> bytes:
    weights = FULL.sort_key(text)
    return struct.pack(f">{len(weights)}H", *weights)


@pytest.fixture
def fresh_tables():
    collation.sort_key.cache_clear()
    collation._collator.cache_clear()
    yield
    collation.sort_key.cache_clear()


def country_names() -> list[str]:
    names = []
    for language in ("en", "ro", "lt", "nl", "it", "hr", "de", "fr", "pl", "cs", "hu", "tr"):
        with translation.override(language):
            names += [str(name) for _code, name in countries]
    return names


def test_latin_names_get_the_whole_tables_key_without_building_it(fresh_tables):
    names = TRICKY + country_names()
    assert [collation.sort_key(name) for name in names] == [full_key(name) for name in names]
    assert collation._collator.cache_info().currsize == 0  # the 11 MiB table never built


def test_other_scripts_use_the_whole_table(fresh_tables):
    assert [collation.sort_key(name) for name in OTHER_SCRIPTS] == [
        full_key(name) for name in OTHER_SCRIPTS
    ]
    assert collation._collator.cache_info().currsize == 1


def test_sorting_mixed_names_is_the_whole_tables_order(fresh_tables):
    names = TRICKY + OTHER_SCRIPTS
    assert sorted(names, key=collation.sort_key) == sorted(names, key=FULL.sort_key)
