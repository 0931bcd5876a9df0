"""Console: importing registrants from a CSV file (preview, then confirm) and exporting them as
CSV and XLSX."""

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from openpyxl import load_workbook

from aula.console import exports
from aula.console.models import Role
from aula.console.registrant_forms import ImportConfirmForm
from aula.messaging.models import OutboxMessage
from aula.registrations import imports as registrant_services
from aula.registrations import services
from aula.registrations.models import Question, Registration
from tests.console.test_registrants import bulk, url
from tests.factories import make_event, organiser
from tests.registrations.factories import make_question, make_slot, person

Status = Registration.Status
pytestmark = pytest.mark.django_db

HEADER = "email,first_name,family_name,organisation,organisation_type,country"



@pytest.fixture
def event(db):
    # These tests are about places: registrants need not confirm their address (on by default).
    return make_event(options={"double_opt_in": False})


@pytest.fixture
def editor(event):
    return organiser("editor", event.project, Role.EDITOR)


@pytest.fixture
def viewer(event):
    return organiser("viewer", event.project, Role.VIEWER)


def upload(client, event, text, encoding="utf-8", name="people.csv"):
    data = text.encode(encoding) if isinstance(text, str) else text
    return client.post(
        url("registrants_import", event),
        {"file": SimpleUploadedFile(name, data, content_type="text/csv")},
    )


def payload(response):
    confirm = response.context["confirm"]
    return confirm.initial["payload"] if confirm else None


# --- Preview ------------------------------------------------------------------------------


def test_preview_shows_each_row_valid_or_rejected_with_the_reason_and_writes_nothing(
    client, event, editor
):
    services.register(event, person(9))  # person9@example.org is registered already
    text = "\n".join([
        HEADER + ",job_title,consent_newsletter",
        "ana@example.org,Ana,Popescu,Primăria Timișoara,LocalPublicAuthority,ro,Officer,yes",
        "not-an-address,Ion,Ionescu,Org,Sme,RO,,no",
        "ion@example.org,Ion,Ionescu,Org,Martians,RO,,",
        "PERSON9@example.org,Ana,Again,Org,Sme,RO,,",
        "ana@example.org,Ana,Twice,Org,Sme,RO,,",
        "short@example.org,Only,Three",
        "eve@example.org,Eve,<script>,Org,Sme,RO,,maybe",
    ])
    client.force_login(editor)
    response = upload(client, event, text)
    assert response.status_code == 200
    rows = response.context["preview"].rows
    assert [row.valid for row in rows] == [True, False, False, False, False, False, False]
    reasons = [" ".join(row.errors) for row in rows]
    assert "valid e-mail address" in reasons[1]
    assert "organisation_type" in reasons[2]
    assert "already registered" in reasons[3]
    assert "same address is on line 2" in reasons[4]
    assert "3 cells" in reasons[5]
    assert "< and >" in reasons[6] and "yes or no" in reasons[6]
    html = response.content.decode()
    assert "&lt;script&gt;" in html and "<script>" not in html
    assert Registration.objects.count() == 1  # nothing imported by the preview
    assert payload(response)


def test_confirm_imports_every_valid_row_through_registration(client, event, editor):
    event.capacity = 2
    event.save()
    question = make_question(event, Question.Kind.MULTIPLE_CHOICE, label={"en": "Topics"},
                             required=True, choices=[
                                 {"key": "art", "label": {"en": "Art"}},
                                 {"key": "sme", "label": {"en": "SMEs"}},
                             ])
    workshop_a, workshop_b = make_slot(event, None, None)
    text = "\n".join([
        f"{HEADER},q_{question.pk},sessions,consent_recording",
        f"a@example.org,A,Alpha,Org,Sme,RO,art|sme,{workshop_a.pk},yes",
        f"b@example.org,B,Beta,Org,Sme,LT,sme,{workshop_b.pk},no",
        f"c@example.org,C,Gamma,Org,Sme,IT,art,{workshop_a.pk},",
        f"d@example.org,D,Delta,Org,Sme,IT,,{workshop_a.pk},",  # required answer missing
        "e@example.org,E,Eps,Org,Sme,IT,art,,",  # no session
    ])
    client.force_login(editor)
    preview = upload(client, event, text)
    assert [row.valid for row in preview.context["preview"].rows] == [
        True, True, True, False, False
    ]
    response = client.post(url("registrants_import_confirm", event),
                           {"payload": payload(preview)})
    assert response.status_code == 200
    registrations = {r.email: r for r in Registration.objects.all()}
    assert set(registrations) == {"a@example.org", "b@example.org", "c@example.org"}
    # Capacity and the waiting list apply; everyone gets their e-mail.
    assert registrations["a@example.org"].status == Status.CONFIRMED
    assert registrations["c@example.org"].status == Status.WAITING
    assert registrations["a@example.org"].answers == {str(question.pk): ["art", "sme"]}
    assert registrations["a@example.org"].consent_recording is True
    assert registrations["a@example.org"].privacy_notice is not None
    assert list(registrations["b@example.org"].session_choices.values_list(
        "block_id", flat=True)) == [workshop_b.pk]
    assert OutboxMessage.objects.filter(kind="registration_waiting").count() == 1
    html = response.content.decode()
    assert "3 registrants imported" in html and "On the waiting list" in html


def test_semicolons_and_a_byte_order_mark_are_read(client, event, editor):
    text = "\ufeff" + HEADER.replace(",", ";") + "\nana@example.org;Ana;Pop;Org, SRL;Sme;RO\n"
    client.force_login(editor)
    response = upload(client, event, text)
    rows = response.context["preview"].rows
    assert rows[0].valid and rows[0].values["organisation"] == "Org, SRL"
    client.post(url("registrants_import_confirm", event), {"payload": payload(response)})
    assert Registration.objects.get().organisation == "Org, SRL"


@pytest.mark.parametrize(("content", "words"), [
    ("email,first_name\nana@example.org,Ana\n", "missing columns: family_name"),
    (HEADER + ",password\nana@example.org,Ana,Pop,Org,Sme,RO,x\n", "unknown columns: password"),
    (HEADER + "\n", "no rows"),
    ("", "empty"),
    ((HEADER + "\nana@example.org,Ana,Popescu,Primăria,Sme,RO\n").encode("cp1250"),
     "not UTF-8"),
])
def test_a_bad_file_imports_nothing_and_says_why(client, event, editor, content, words):
    client.force_login(editor)
    response = upload(client, event, content)
    assert response.status_code == 200
    assert words in response.content.decode()
    assert response.context["confirm"] is None
    assert Registration.objects.count() == 0


def test_confirm_refuses_a_payload_not_signed_for_this_event(client, event, editor):
    other = make_event(project=event.project, notice=False)
    content = f"{HEADER}\nana@example.org,Ana,Pop,Org,Sme,RO\n".encode()
    client.force_login(editor)
    for forged in ("tampered", ImportConfirmForm.sign(other.pk, content)):
        response = client.post(url("registrants_import_confirm", event), {"payload": forged})
        assert response.status_code == 302
    assert Registration.objects.count() == 0


def test_parse_limits_the_size_and_the_rows(event, monkeypatch):
    with pytest.raises(registrant_services.ImportFileError):
        registrant_services.decode(b"x" * (registrant_services.MAX_IMPORT_BYTES + 1))
    monkeypatch.setattr(registrant_services, "MAX_IMPORT_ROWS", 2)
    text = HEADER + "".join(f"\np{n}@example.org,A,B,Org,Sme,RO" for n in range(3))
    with pytest.raises(registrant_services.ImportFileError, match="more than 2 rows"):
        registrant_services.parse(event, text.encode())


# --- Exports ------------------------------------------------------------------------------


@pytest.fixture
def exported(event):
    choice = make_question(event, Question.Kind.SINGLE_CHOICE, label={"en": "Role"},
                           choices=[{"key": "mayor", "label": {"en": "Mayor"}}])
    text = make_question(event, label={"en": "Dietary needs"})
    box = make_question(event, Question.Kind.CHECKBOX, label={"en": "Needs a certificate"})
    registration = services.register(event, person(
        1, first_name="=cmd|' /C calc'!A0", organisation="+Org", job_title="@SUM(1)",
        consent_newsletter=True,
        answers={str(choice.pk): "mayor", str(text.pk): "-2+3", str(box.pk): True},
    )).registration
    bulk(event, 3)
    return registration


def test_csv_export_has_every_answer_and_consent_and_escapes_formulas(
    client, event, editor, exported
):
    client.force_login(editor)
    response = client.get(url("registrants_export", event, fmt="csv"))
    assert response["Content-Type"].startswith("text/csv")
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.startswith("\ufeff")
    table = list(csv.reader(io.StringIO(body[1:])))
    header, rows = table[0], table[1:]
    assert len(rows) == 4
    assert {"Role", "Dietary needs", "Needs a certificate", "Privacy notice version",
            "Privacy notice accepted at", "Newsletter", "Newsletter: agreed at"} <= set(header)
    row = dict(zip(header, rows[0], strict=True))
    assert row["First name"] == "'=cmd|' /C calc'!A0"
    assert row["Organisation"] == "'+Org" and row["Job title"] == "'@SUM(1)"
    assert row["Role"] == "Mayor" and row["Dietary needs"] == "'-2+3"
    assert row["Needs a certificate"] == "Yes"
    assert row["Privacy notice version"] == "1"
    assert row["Newsletter"] == "yes" and row["Newsletter: agreed at"].startswith(
        str(timezone.localdate().year)
    )
    assert row["Photos and recordings"] == "no" and row["Photos and recordings: agreed at"] == ""
    # Nothing in any cell starts a formula.
    assert not any(cell.startswith(("=", "+", "-", "@")) for r in rows for cell in r)


def test_csv_export_keeps_the_tables_filters(client, event, editor, exported):
    client.force_login(editor)
    response = client.get(url("registrants_export", event, fmt="csv"), {"q": "Family00001"})
    body = b"".join(response.streaming_content).decode("utf-8")
    assert len(list(csv.reader(io.StringIO(body[1:])))) == 2


def test_xlsx_export_has_every_answer_and_no_formula(client, event, editor, exported):
    client.force_login(editor)
    response = client.get(url("registrants_export", event, fmt="xlsx"))
    assert response["Content-Disposition"].startswith("attachment")
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    sheet = workbook.active
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    header = values[0]
    row = dict(zip(header, values[1], strict=True))
    assert row["First name"] == "'=cmd|' /C calc'!A0"
    assert row["Dietary needs"] == "'-2+3" and row["Role"] == "Mayor"
    assert row["Privacy notice version"] == 1
    assert all(cell.data_type != "f" for r in sheet.iter_rows() for cell in r)
    assert len(values) == 5


def test_export_reads_in_batches_with_a_bounded_number_of_queries(
    event, exported, django_assert_max_num_queries, monkeypatch
):
    monkeypatch.setattr(exports, "BATCH_SIZE", 2)
    bulk(event, 5, start=10)
    # 9 registrants in batches of 2: five batches, two queries each, plus a few fixed ones.
    with django_assert_max_num_queries(5 * 2 + 1 + 6):
        lines = list(exports.csv_chunks(event))
    assert len(lines) == 1 + 1 + 9


def test_safe_prefixes_formula_starts_only():
    assert exports.safe("=1+1") == "'=1+1"
    assert exports.safe("-5") == "'-5"
    assert exports.safe("\t=x") == "'\t=x"
    assert exports.safe("\x01=x") == "'=x"
    assert exports.safe("Ana") == "Ana"
    assert exports.safe(5) == 5


def test_export_lists_each_registrants_own_sessions_and_no_other_events(event):
    """Session choices are read per batch by id range: another event's registrants whose ids
    fall in that range must not lend theirs."""
    event.capacity = None
    event.save()
    first, second = make_slot(event, None, None)
    first.title = {"en": "Culture and SMEs"}
    first.save()
    other = make_event(event.project, notice=False, slug="other-event")
    (foreign,) = make_slot(other, None)
    mine = services.register(event, person(1, sessions=[first.pk])).registration
    services.register(other, person(2, sessions=[foreign.pk]))
    without = services.register(event, person(3, sessions=[second.pk])).registration
    table = list(exports.rows(event))
    header, rows = table[0], {row[0]: dict(zip(table[0], row, strict=True)) for row in table[1:]}
    assert "Sessions" in header
    assert set(rows) == {mine.pk, without.pk}
    assert rows[mine.pk]["Sessions"] == "Culture and SMEs"
    assert rows[without.pk]["Sessions"] != "Culture and SMEs"
