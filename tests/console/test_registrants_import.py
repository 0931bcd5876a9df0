"""Console: importing registrants from a CSV file (preview, then confirm) and exporting them as
CSV and XLSX."""

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from openpyxl import load_workbook

from aula.audit.models import AuditEntry
from aula.console import exports, import_uploads
from aula.console.models import Role
from aula.console.registrant_forms import sign_upload
from aula.messaging.models import OutboxMessage
from aula.registrations import imports as registrant_services
from aula.registrations import services
from aula.registrations.models import Question, Registration, RegistrationOptions
from tests.console.test_registrants import bulk, url
from tests.factories import make_event, organiser
from tests.registrations.factories import make_question, make_slot, person, xlsx

Status = Registration.Status
pytestmark = pytest.mark.django_db

HEADER = "email,first_name,family_name,organisation,organisation_type,country"



@pytest.fixture(autouse=True)
def own_var_dir(settings, tmp_path):
    """Each test's kept uploads in a folder of its own."""
    settings.VAR_DIR = tmp_path


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
    confirm = response.context.get("confirm")
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
    assert "Type of organisation" in reasons[2]
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
    ("email,first_name\nana@example.org,Ana\n", "choose a column for each of: Family name"),
    (HEADER + "\n", "no rows"),
    ("", "empty"),
    (b"PK\x03\x04 not really a workbook", "neither a CSV file nor an Excel workbook"),
    (b"email,name\nana@example.org,\x81\x90\n", "cannot be read as text"),
])
def test_a_bad_file_imports_nothing_and_says_why(client, event, editor, content, words):
    client.force_login(editor)
    response = upload(client, event, content)
    assert response.status_code == 200
    assert words in response.content.decode()
    assert response.context.get("confirm") is None
    assert Registration.objects.count() == 0


def test_confirm_refuses_a_payload_not_signed_for_this_event_and_organiser(
    client, event, editor
):
    other = make_event(project=event.project, notice=False)
    token = import_uploads.keep(f"{HEADER}\nana@example.org,Ana,Pop,Org,Sme,RO\n".encode())
    mapping = list(HEADER.split(","))
    client.force_login(editor)
    for forged in ("tampered", sign_upload(other.pk, editor.pk, token, mapping),
                   sign_upload(event.pk, editor.pk + 1, token, mapping)):
        response = client.post(url("registrants_import_confirm", event), {"payload": forged})
        assert response.status_code == 302
    assert Registration.objects.count() == 0


def test_parse_limits_the_size_and_the_rows(event, monkeypatch):
    with pytest.raises(registrant_services.ImportFileError):
        registrant_services.read(b"x" * (registrant_services.MAX_IMPORT_BYTES + 1))
    monkeypatch.setattr(registrant_services, "MAX_IMPORT_ROWS", 2)
    text = HEADER + "".join(f"\np{n}@example.org,A,B,Org,Sme,RO" for n in range(3))
    with pytest.raises(registrant_services.ImportFileError, match="more than 2 rows"):
        registrant_services.parse(event, text.encode())


# --- Mapping step, XLSX, re-import of an export, the kept file -----------------------------


def kept_files():
    return sorted(path.name for path in import_uploads._folder().iterdir())




def test_the_mapping_step_shows_the_columns_and_takes_the_organisers_choice(
    client, event, editor
):
    content = "Mail,Given,Last,Employer,Kind,Land\nana@example.org,Ana,Pop,Org,Sme,RO\n"
    client.force_login(editor)
    response = upload(client, event, content)
    assert response.status_code == 200
    html = response.content.decode()
    assert "choose a column for each of: First name" in html
    assert response.context["confirm"] is None and response.context["preview"] is None
    form = response.context["form"]
    assert [field.label for field, _example in response.context["columns"]] == [
        "Mail", "Given", "Last", "Employer", "Kind", "Land"]
    assert [example for _field, example in response.context["columns"]][:2] == [
        "ana@example.org", "Ana"]
    assert form.initial["column_0"] == "email" and form.initial["column_5"] == "country"
    chosen = {"upload": form.initial["upload"], "column_0": "email", "column_1": "first_name",
              "column_2": "family_name", "column_3": "organisation",
              "column_4": "organisation_type", "column_5": "country"}
    response = client.post(url("registrants_import_map", event), chosen)
    assert [row.valid for row in response.context["preview"].rows] == [True]
    assert Registration.objects.count() == 0
    response = client.post(url("registrants_import_confirm", event),
                           {"payload": payload(response)})
    assert response.status_code == 200
    assert Registration.objects.get().family_name == "Pop"
    assert kept_files() == []  # deleted once imported


def test_xlsx_end_to_end_with_a_full_session_failing_in_the_preview(client, event, editor):
    # Without a waiting list a full session refuses (with one, the row would wait for it).
    RegistrationOptions.objects.update_or_create(event=event, defaults={"waiting_list": False})
    full, free = make_slot(event, 1, None)
    services.register(event, person(100, sessions=[full.pk]))
    content = xlsx([
        ["E-mail", "First name", "Family name", "Organisation", "Type of organisation",
         "Country", "Sessions"],
        ["a@example.org", "A", "Alpha", "Org", "SME", "Romania", "Workshop B"],
        ["b@example.org", "B", "Beta", "Org", "SME", "Romania", "Workshop A"],
    ])
    client.force_login(editor)
    response = client.post(url("registrants_import", event), {"file": SimpleUploadedFile(
        "people.xlsx", content,
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")})
    html = response.content.decode()
    assert "Valid: Confirmed" in html
    assert "Not registered: the session “Workshop A” is full" in html
    assert len(kept_files()) == 1
    confirm = payload(response)
    response = client.post(url("registrants_import_confirm", event), {"payload": confirm})
    assert "1 registrant imported" in response.content.decode()
    assert set(Registration.objects.values_list("email", flat=True)) == {
        "person100@example.org", "a@example.org"}
    assert Registration.objects.get(email="a@example.org").session_choices.get().block == free
    assert AuditEntry.objects.filter(action="registration.imported", actor=editor).count() == 1
    assert kept_files() == []
    # The same confirmation again imports nothing: the file is gone.
    response = client.post(url("registrants_import_confirm", event), {"payload": confirm})
    assert response.status_code == 302
    assert AuditEntry.objects.filter(action="registration.imported").count() == 1


def test_an_export_of_aula_imports_again(client, event, editor):
    def setup(target):
        question = make_question(target, Question.Kind.SINGLE_CHOICE, label={"en": "Role"},
                                 choices=[{"key": "mayor", "label": {"en": "Mayor"}},
                                          {"key": "staff", "label": {"en": "Staff"}}])
        box = make_question(target, Question.Kind.CHECKBOX, label={"en": "Certificate"})
        slot = make_slot(target, None, None)
        return question, box, slot

    question, box, (_a, workshop_b) = setup(event)
    services.register(event, person(
        1, organisation="Primăria Timișoara", sessions=[workshop_b.pk], consent_newsletter=True,
        language="ro", answers={str(question.pk): "mayor", str(box.pk): True},
    ))
    services.register(event, person(2, organisation_type="Sme", country="LT",
                                    sessions=[_a.pk], answers={str(question.pk): "staff"}))
    services.cancel(services.register(event, person(
        3, sessions=[_a.pk], answers={str(question.pk): "staff"})).registration)
    client.force_login(editor)
    exported = client.get(url("registrants_export", event, fmt="csv"))
    content = b"".join(exported.streaming_content)
    target = make_event(project=event.project, notice=False)
    question_t, box_t, (a_t, b_t) = setup(target)
    response = upload(client, target, content)
    mapping = response.context["preview"].mapping
    assert {"email", "organisation_type", "country", "language", "sessions",
            "consent_newsletter", "consent_recording", f"q_{question_t.pk}",
            f"q_{box_t.pk}"} <= set(mapping)
    assert [(row.values["email"], row.errors) for row in response.context["preview"].rows] == [
        ("person1@example.org", []), ("person2@example.org", []),
        ("person3@example.org", ["The file marks this registrant as cancelled."]),
    ]
    client.post(url("registrants_import_confirm", target), {"payload": payload(response)})
    imported = {r.email: r for r in Registration.objects.filter(event=target)}
    assert set(imported) == {"person1@example.org", "person2@example.org"}
    first, second = imported["person1@example.org"], imported["person2@example.org"]
    assert first.organisation == "Primăria Timișoara" and first.language == "ro"
    assert first.consent_newsletter is True and first.consent_recording is False
    assert first.answers == {str(question_t.pk): "mayor", str(box_t.pk): True}
    assert [c.block_id for c in first.session_choices.all()] == [b_t.pk]
    assert second.organisation_type == "Sme" and second.country == "LT"
    assert [c.block_id for c in second.session_choices.all()] == [a_t.pk]


def test_the_kept_file_can_be_deleted_and_is_the_uploaders_own(client, event, editor):
    client.force_login(editor)
    response = upload(client, event, f"{HEADER}\nana@example.org,Ana,Pop,Org,Sme,RO\n")
    assert len(kept_files()) == 1
    other = organiser("other-editor", event.project, Role.EDITOR)
    client.force_login(other)
    stolen = client.post(url("registrants_import_confirm", event), {"payload": payload(response)})
    assert stolen.status_code == 302 and Registration.objects.count() == 0
    client.force_login(editor)
    client.post(url("registrants_import_confirm", event),
                {"payload": response.context["form"].initial["upload"], "discard": "1"})
    assert kept_files() == []


def test_old_kept_files_are_swept(monkeypatch):
    import os
    import time

    token = import_uploads.keep(b"email\n")
    old = time.time() - import_uploads.MAX_AGE_SECONDS - 10
    os.utime(import_uploads._folder() / token, (old, old))
    assert import_uploads.read(token) is None
    assert import_uploads.sweep() == 1 and kept_files() == []
    assert oct(import_uploads._folder().stat().st_mode & 0o777) == "0o700"


def test_a_viewer_may_not_import(client, event, viewer):
    client.force_login(viewer)
    for name in ("registrants_import", "registrants_import_map", "registrants_import_confirm"):
        assert client.post(url(name, event), {}).status_code in (403, 404)


def test_the_preview_page_has_a_bounded_number_of_queries(
    client, event, editor, django_assert_max_num_queries
):
    make_question(event, Question.Kind.MULTIPLE_CHOICE, label={"en": "Topics"},
                  choices=[{"key": "art", "label": {"en": "Art"}}])
    RegistrationOptions.objects.update_or_create(event=event, defaults={"waiting_list": False})
    workshop, _other = make_slot(event, 20, None)
    services.register(event, person(100, sessions=[workshop.pk]))
    text = "\n".join([f"{HEADER},sessions,Topics"] + [
        f"p{n}@example.org,P,N{n},Org,Sme,RO,Workshop A,Art" for n in range(60)
    ])
    client.force_login(editor)
    # Login and permissions (6); questions, notice, options, sessions (5); the registered
    # addresses (1); places taken in the event and the sessions (3): none per row.
    with django_assert_max_num_queries(15):
        response = upload(client, event, text)
    rows = response.context["preview"].rows
    assert sum(row.valid for row in rows) == 19  # the places left in the workshop


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
    zone = event.time_zone
    assert {"Role", "Dietary needs", "Needs a certificate", "Privacy notice version",
            f"Privacy notice accepted at ({zone})", "Newsletter",
            f"Newsletter: agreed at ({zone})"} <= set(header)
    row = dict(zip(header, rows[0], strict=True))
    assert row["First name"] == "'=cmd|' /C calc'!A0"
    assert row["Organisation"] == "'+Org" and row["Job title"] == "'@SUM(1)"
    assert row["Role"] == "Mayor" and row["Dietary needs"] == "'-2+3"
    assert row["Needs a certificate"] == "Yes"
    assert row["Privacy notice version"] == "1"
    assert row["Newsletter"] == "yes" and row[f"Newsletter: agreed at ({zone})"].startswith(
        str(timezone.localdate().year)
    )
    assert row["Photos and recordings"] == "no"
    assert row[f"Photos and recordings: agreed at ({zone})"] == ""
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
