"""Names sorted as people read them on SQLite too: the Unicode Collation Algorithm as a SQLite
collation.

PostgreSQL sorts names with ICU's root collation (``"und-x-icu"``). SQLite has no Unicode
collation of its own (``NOCASE`` folds ASCII only, so "Žagar" would come after every plain Z),
so every SQLite connection gets ``UNICODE_COLLATION``: a comparison by the UCA sort keys of
pyuca (the Default Unicode Collation Element Table, which ICU's root collation also builds on).
Both databases then agree: letters first (Č beside C, Ș beside S, Ž beside Z, Ö beside O),
accents only where the letters are equal (Emile < émile < Eva), case last (stan < Stan).
Strings whose keys are equal are ordered by their code points, as PostgreSQL breaks such ties.

The table is built on the first sort, and for a Latin name only its Latin entries (~0.5 MiB
instead of ~11 MiB per process, the same keys); django-countries, which would build the whole
table when imported to sort country names, sorts with this module's key instead
(``import_django_countries``; docs/architecture.md, "Memory").

``AppConfig.ready()`` of ``aula.core`` connects :func:`register` to ``connection_created``.
"""

import functools
import struct
import sys
import tempfile
import unicodedata
from pathlib import Path

UNICODE_COLLATION = "aula_unicode"


# Latin script (with IPA and the modifier letters such as ʻ and ʼ), its combining accents,
# Latin Extended Additional and general punctuation: the letters of nearly every name Aula
# sorts (the partners' languages, their country names). Sorted with only these entries of the
# table, such a name gets exactly the key the whole table gives it (a key is built only from
# the entries of the string's own code points), for ~1/20 of its memory.
def is_latin(code_point: int) -> bool:
    return code_point < 0x0370 or 0x1E00 <= code_point < 0x1F00 or 0x2000 <= code_point < 0x2070


@functools.cache
def _collator():
    # The whole table (~11 MiB per process), for a name with a letter that is not ``is_latin``.
    import pyuca

    return pyuca.Collator()


@functools.cache
def _latin_collator():
    # The table's entries made only of ``is_latin`` code points (and its @ lines): ~0.5 MiB.
    import pyuca

    source = Path(pyuca.__file__).parent / f"allkeys-{pyuca.Collator.UCA_VERSION}.txt"
    with source.open(encoding="utf-8") as lines, tempfile.NamedTemporaryFile(
        "w", encoding="utf-8", suffix=".txt"
    ) as table:
        table.writelines(line for line in lines if _latin_entry(line))
        table.flush()
        return pyuca.Collator(table.name)


def _latin_entry(line: str) -> bool:
    if line.startswith("@"):
        return True
    code_points = line.split("#", 1)[0].split(";", 1)[0].split()
    return bool(code_points) and all(is_latin(int(point, 16)) for point in code_points)


def import_django_countries() -> None:
    """Import django-countries without the collation table it would build at import.

    django-countries sorts country names with pyuca's ``Collator`` when pyuca is installed (as
    it is, for this module), and builds it when it is imported: ~11 MiB in every process, used
    only to sort the names once per language. Imported here with pyuca hidden, it gets this
    module's sort key instead (the same keys, so the same order): the Latin table, 0.5 MiB,
    built on the first sort. Called by the settings, before ``django.setup()`` imports the
    app.
    """
    if "django_countries" in sys.modules:
        return
    hidden = sys.modules.get("pyuca")
    sys.modules["pyuca"] = None  # its "import pyuca" fails: django-countries' fallback
    try:
        import django_countries
    finally:
        if hidden is None:
            del sys.modules["pyuca"]
        else:
            sys.modules["pyuca"] = hidden
    django_countries.sort_key = country_sort_key


def country_sort_key(item: tuple[str, str]) -> bytes:
    """django-countries' sort key of a ``(code, name)`` pair: the name's UCA key."""
    return sort_key(str(item[1]))


@functools.lru_cache(maxsize=131072)
def sort_key(text: str) -> bytes:
    """The UCA sort key of ``text`` packed as bytes (every weight of the table fits in 16
    bits; big-endian, so comparing the bytes compares the weights), cached because a sort
    compares each name many times: room for the names of a 100,000-registrant table (some
    15 MB at most); sorting such a table by name takes about a second on SQLite."""
    latin = all(is_latin(ord(char)) for char in unicodedata.normalize("NFD", text))
    weights = (_latin_collator() if latin else _collator()).sort_key(text)
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
