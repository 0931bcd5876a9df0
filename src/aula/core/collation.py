"""Names sorted as people read them on SQLite too: the Unicode Collation Algorithm as a SQLite
collation.

PostgreSQL sorts names with ICU's root collation (``"und-x-icu"``). SQLite has no Unicode
collation of its own (``NOCASE`` folds ASCII only, so "Žagar" would come after every plain Z),
so every SQLite connection gets ``UNICODE_COLLATION``: a comparison by the UCA sort keys of
pyuca (the Default Unicode Collation Element Table, which ICU's root collation also builds on).
Both databases then agree: letters first (Č beside C, Ș beside S, Ž beside Z, Ö beside O),
accents only where the letters are equal (Emile < émile < Eva), case last (stan < Stan).
Strings whose keys are equal are ordered by their code points, as PostgreSQL breaks such ties.

``AppConfig.ready()`` of ``aula.core`` connects :func:`register` to ``connection_created``.
"""

import functools
import struct

UNICODE_COLLATION = "aula_unicode"


@functools.cache
def _collator():
    # The table (~5 MiB of Python objects) once per process: django-countries already built
    # one at import (the same default table) to sort country names; take that one.
    import django_countries

    collator = getattr(django_countries, "collator", None)
    if collator is None:
        import pyuca

        collator = pyuca.Collator()
    return collator


@functools.lru_cache(maxsize=131072)
def sort_key(text: str) -> bytes:
    """The UCA sort key of ``text`` packed as bytes (every weight of the table fits in 16
    bits; big-endian, so comparing the bytes compares the weights), cached because a sort
    compares each name many times: room for the names of a 100,000-registrant table (some
    15 MB at most); sorting such a table by name takes about a second on SQLite."""
    weights = _collator().sort_key(text)
    return struct.pack(f">{len(weights)}H", *weights)


def compare(a: str, b: str) -> int:
    """-1, 0 or 1 as ``a`` sorts before, with or after ``b`` (SQLite's collation protocol)."""
    if a == b:
        return 0
    first, second = sort_key(a), sort_key(b)
    if first == second:  # equal to the collation: code points decide, as PostgreSQL does
        first, second = a, b
    return -1 if first < second else 1


def register(sender, connection, **kwargs) -> None:
    """``connection_created`` receiver: give a new SQLite connection the Unicode collation."""
    if connection.vendor == "sqlite":
        connection.connection.create_collation(UNICODE_COLLATION, compare)
