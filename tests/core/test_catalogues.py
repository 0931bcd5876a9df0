"""The interface catalogues (src/aula/locale/*/LC_MESSAGES/django.po) are complete and in step:
every entry translated and none fuzzy, placeholders kept, the compiled .mo matches its .po, and
makemessages would find no string that the catalogue lacks (nor keep one the code dropped).

The .po and .mo files are read by the small parsers below, so the checks need no extra
dependency; only the makemessages comparison needs GNU gettext (xgettext), as makemessages does.
"""

import os
import re
import shutil
import struct
from dataclasses import dataclass, field
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import override_settings

SOURCE = Path(__file__).resolve().parents[2] / "src" / "aula"
CATALOGUES = sorted(SOURCE.glob("locale/*/LC_MESSAGES/django.po"))
# As the lead runs it: cd src/aula && manage.py makemessages --locale ro --no-obsolete --ignore ...
IGNORE = ["migrations/*", "*/migrations/*"]


# --- a small .po reader --------------------------------------------------------------------


@dataclass
class Entry:
    msgid: str = ""
    msgctxt: str | None = None
    msgid_plural: str | None = None
    msgstr: list[str] = field(default_factory=list)
    flags: set[str] = field(default_factory=set)
    line: int = 0

    @property
    def key(self):
        return (self.msgctxt, self.msgid, self.msgid_plural)

    def __str__(self):
        context = f" (context {self.msgctxt!r})" if self.msgctxt is not None else ""
        return f"line {self.line}: {self.msgid!r}{context}"


ESCAPES = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\", "a": "\a", "b": "\b",
           "f": "\f", "v": "\v"}
KEYWORD = re.compile(r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[(\d+)\])?)\s+(".*")\s*$')


def unquote(text: str, where: str) -> str:
    if len(text) < 2 or text[0] != '"' or text[-1] != '"':
        raise ValueError(f"{where}: not a quoted string: {text}")
    body, out, i = text[1:-1], [], 0
    while i < len(body):
        if body[i] == "\\":
            if i + 1 >= len(body) or body[i + 1] not in ESCAPES:
                raise ValueError(f"{where}: unknown escape in {text}")
            out.append(ESCAPES[body[i + 1]])
            i += 2
        else:
            out.append(body[i])
            i += 1
    return "".join(out)


def read_po(path: Path) -> list[Entry]:
    """The entries of a .po file, the header (msgid "") first. Obsolete (#~) and previous (#|)
    lines are skipped like any comment."""
    entries: list[Entry] = []
    entry: Entry | None = None
    target: tuple[str, int] | None = None  # the string that continuation lines extend
    flags: set[str] = set()

    def finish():
        nonlocal entry, target
        if entry is not None:
            entries.append(entry)
        entry, target = None, None

    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        line = raw.strip()
        where = f"{path}:{number}"
        if not line:
            finish()
            continue
        if line.startswith("#"):
            finish()  # comments and flags belong to the entry that follows
            if line.startswith("#,"):
                flags |= {flag.strip() for flag in line[2:].split(",") if flag.strip()}
            continue
        match = KEYWORD.match(line)
        if match:
            keyword, index, value = match.groups()
            value = unquote(value, where)
            starts_entry = keyword == "msgctxt" or (
                keyword == "msgid" and (target is None or target[0] != "msgctxt")
            )
            if starts_entry:
                finish()
                entry, flags = Entry(flags=flags, line=number), set()
            elif entry is None:
                raise ValueError(f"{where}: {keyword} outside an entry")
            if keyword.startswith("msgstr"):
                position = int(index) if index is not None else 0
                entry.msgstr.extend([""] * (position + 1 - len(entry.msgstr)))
                entry.msgstr[position] = value
            else:
                setattr(entry, keyword, value)
            target = (keyword.split("[")[0], int(index) if index is not None else 0)
            continue
        if line.startswith('"') and target is not None:
            value = unquote(line, where)
            name, position = target
            if name == "msgstr":
                entry.msgstr[position] += value
            else:
                setattr(entry, name, getattr(entry, name) + value)
            continue
        raise ValueError(f"{where}: cannot read this line: {raw}")
    finish()
    return entries


def header(entries: list[Entry]) -> dict[str, str]:
    first = entries[0] if entries else None
    if first is None or first.msgid != "" or first.msgctxt is not None:
        return {}
    lines = (line.partition(":") for line in first.msgstr[0].splitlines() if ":" in line)
    return {name.strip(): value.strip() for name, _colon, value in lines}


def messages(entries: list[Entry]) -> list[Entry]:
    return [entry for entry in entries if entry.msgid != "" or entry.msgctxt is not None]


# --- a small .mo reader --------------------------------------------------------------------


def read_mo(path: Path) -> dict[str, str]:
    data = path.read_bytes()
    magic = struct.unpack("<I", data[:4])[0]
    order = {0x950412DE: "<", 0xDE120495: ">"}.get(magic)
    assert order, f"{path} is not a GNU .mo file"
    _revision, count, originals, translations = struct.unpack(order + "4I", data[4:20])
    catalog = {}
    for i in range(count):
        length, offset = struct.unpack(order + "2I", data[originals + 8 * i:originals + 8 * i + 8])
        key = data[offset:offset + length].decode("utf-8")
        length, offset = struct.unpack(
            order + "2I", data[translations + 8 * i:translations + 8 * i + 8]
        )
        catalog[key] = data[offset:offset + length].decode("utf-8")
    return catalog


def expected_mo(entries: list[Entry]) -> dict[str, str]:
    """What msgfmt writes for these entries: translated, non-fuzzy ones, header included."""
    catalog = {}
    for entry in entries:
        if "fuzzy" in entry.flags or not entry.msgstr or not all(entry.msgstr):
            continue
        key = entry.msgid if entry.msgctxt is None else f"{entry.msgctxt}\x04{entry.msgid}"
        if entry.msgid_plural is not None:
            key += "\x00" + entry.msgid_plural
        catalog[key] = "\x00".join(entry.msgstr)
    return catalog


def comparable(catalog: dict[str, str]) -> dict[str, str]:
    """msgfmt leaves POT-Creation-Date out of the compiled header; so does the comparison."""
    if "" in catalog:
        lines = catalog[""].splitlines(keepends=True)
        catalog = {**catalog, "": "".join(
            line for line in lines if not line.startswith("POT-Creation-Date:")
        )}
    return catalog


# --- the catalogues ------------------------------------------------------------------------


def catalogue_id(path: Path) -> str:
    return path.parents[1].name


def test_there_is_a_romanian_catalogue():
    assert "ro" in [catalogue_id(path) for path in CATALOGUES]


@pytest.mark.parametrize("po", CATALOGUES, ids=catalogue_id)
def test_every_entry_is_translated_and_none_is_fuzzy(po):
    entries = read_po(po)
    assert messages(entries), f"{po} has no messages"
    problems = []
    if "fuzzy" in entries[0].flags:
        problems.append("the header is marked fuzzy")
    for entry in messages(entries):
        if "fuzzy" in entry.flags:
            problems.append(f"fuzzy: {entry}")
        if not entry.msgstr or not all(entry.msgstr):
            problems.append(f"untranslated: {entry}")
    assert not problems, (
        f"{po}: translate these and remove their fuzzy flags:\n" + "\n".join(problems)
    )


@pytest.mark.parametrize("po", CATALOGUES, ids=catalogue_id)
def test_plural_forms_match_the_header(po):
    entries = read_po(po)
    plural_forms = header(entries).get("Plural-Forms", "")
    match = re.search(r"nplurals\s*=\s*(\d+)", plural_forms)
    assert match, f"{po}: the header has no Plural-Forms"
    nplurals = int(match.group(1))
    wrong = [
        f"{entry}: {len(entry.msgstr)} forms"
        for entry in messages(entries)
        if entry.msgid_plural is not None and len(entry.msgstr) != nplurals
    ]
    assert not wrong, f"{po}: plural entries need {nplurals} forms:\n" + "\n".join(wrong)


NAMED = re.compile(r"%\((\w+)\)[-#0 +]*\d*(?:\.\d+)?[diouxXeEfFgGcrsa]")
POSITIONAL = re.compile(r"%(?!\()[-#0 +]*\d*(?:\.\d+)?[diouxXeEfFgGcrsa%]")


@pytest.mark.parametrize("po", CATALOGUES, ids=catalogue_id)
def test_translations_keep_the_placeholders(po):
    wrong = []
    for entry in messages(read_po(po)):
        if "python-format" not in entry.flags:
            continue
        sources = [entry.msgid] + ([entry.msgid_plural] if entry.msgid_plural else [])
        names = {name for source in sources for name in NAMED.findall(source)}
        positional = sorted(POSITIONAL.findall(entry.msgid))
        for form in entry.msgstr:
            used = set(NAMED.findall(form))
            # A plural form may leave a name out ("un mesaj"), never bring in a new one.
            if (entry.msgid_plural is None and used != names) or not used <= names:
                wrong.append(f"{entry}: {sorted(used)} instead of {sorted(names)}")
            if sorted(POSITIONAL.findall(form)) != positional:
                wrong.append(f"{entry}: positional placeholders differ in {form!r}")
    assert not wrong, f"{po}: placeholders changed:\n" + "\n".join(wrong)


@pytest.mark.parametrize("po", CATALOGUES, ids=catalogue_id)
def test_compiled_catalogue_is_present_and_current(po):
    """The .mo must exist and hold exactly what compiling the .po gives. (Compared by content,
    not by file times: a git checkout writes django.mo and django.po in arbitrary order.)"""
    mo = po.with_suffix(".mo")
    command = (
        f"cd src/aula && ../../.venv/bin/python ../../manage.py compilemessages --locale "
        f"{catalogue_id(po)}"
    )
    assert mo.exists(), f"{mo} is missing: run `{command}`"
    compiled, expected = comparable(read_mo(mo)), comparable(expected_mo(read_po(po)))
    stale = sorted(
        repr(key.split("\x00")[0].replace("\x04", " | "))
        for key in compiled.keys() ^ expected.keys()
        | {key for key in compiled.keys() & expected.keys() if compiled[key] != expected[key]}
    )
    assert not stale, (
        f"{mo} is older than {po.name}: run `{command}`. Differing entries:\n"
        + "\n".join(stale[:20])
    )


@pytest.fixture(scope="module")
def extracted(tmp_path_factory):
    """The msgids makemessages finds in a copy of the source tree (so the committed catalogue
    is never touched), per catalogue language."""
    if not shutil.which("xgettext"):
        pytest.fail("GNU gettext (xgettext) is needed to compare the catalogues with the code: "
                    "install the gettext package.")
    root = tmp_path_factory.mktemp("source") / "aula"
    shutil.copytree(
        SOURCE, root, ignore=shutil.ignore_patterns("__pycache__", "*.pyc", "locale", "static")
    )
    (root / "locale").mkdir()
    languages = sorted({catalogue_id(po) for po in CATALOGUES})
    previous = os.getcwd()
    os.chdir(root)
    try:
        with override_settings(LOCALE_PATHS=[root / "locale"]):
            call_command(
                "makemessages", locale=languages, ignore_patterns=IGNORE, no_obsolete=True,
                verbosity=0, stdout=StringIO(), stderr=StringIO(),
            )
    finally:
        os.chdir(previous)
    return {
        language: {entry.key for entry in messages(read_po(po))}
        for language in languages
        for po in [root / "locale" / language / "LC_MESSAGES" / "django.po"]
    }


def describe(key) -> str:
    context, msgid, _plural = key
    return repr(msgid) + (f" (context {context!r})" if context is not None else "")


@pytest.mark.parametrize("po", CATALOGUES, ids=catalogue_id)
def test_catalogue_has_every_string_of_the_code(po, extracted):
    committed = {entry.key for entry in messages(read_po(po))}
    found = extracted[catalogue_id(po)]
    command = (
        f"cd src/aula && ../../.venv/bin/python ../../manage.py makemessages --locale "
        f"{catalogue_id(po)} --no-obsolete --ignore 'migrations/*' --ignore '*/migrations/*'"
    )
    missing = sorted(found - committed, key=describe)
    assert not missing, (
        f"{po} lacks {len(missing)} string(s) of the code: run `{command}` and translate them:\n"
        + "\n".join(map(describe, missing))
    )
    unused = sorted(committed - found, key=describe)
    assert not unused, (
        f"{po} keeps {len(unused)} string(s) the code no longer has: run `{command}`:\n"
        + "\n".join(map(describe, unused))
    )
