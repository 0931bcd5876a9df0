"""registrations.imports: files in any common encoding, separator or as XLSX; columns mapped;
values by code or by label in any of the six languages; places counted row by row in the
preview as the import counts them."""

import datetime

import pytest

from aula.audit.models import AuditEntry
from aula.registrations import imports, services
from aula.registrations.models import Question, Registration
from tests.factories import make_event, organiser
from tests.registrations.conftest import NO_OPT_IN
from tests.registrations.factories import make_question, make_slot, person, xlsx

Status = Registration.Status
pytestmark = pytest.mark.django_db

HEADER = "email,first_name,family_name,organisation,organisation_type,country"




def outcomes(preview):
    return [(row.valid, row.outcome if row.valid else " ".join(row.errors))
            for row in preview.rows]


def test_cp1250_with_semicolons_and_romanian_labels(event):
    workshop_a, _workshop_b = make_slot(event, None, None)
    workshop_a.title = {"en": "Workshop A", "ro": "Atelierul A"}
    workshop_a.save()
    # As Excel saves "CSV (separated by semicolons)" on a Romanian Windows: cp1250, with ş and
    # ţ (cedilla), the only ones that code page has.
    content = "\r\n".join([
        "E-mail;Prenume;Nume;Organizaţie;Tipul organizaţiei;Ţara;Limba;Sesiuni;Buletin informativ",
        "ana@example.org;Ana;Popescu;Primăria Timişoara;Autoritate publică locală;România;"
        "Română;Atelierul A;da",
        "ion@example.org;Ion;Ionescu;IMM Braşov;imm;ROMANIA;ro;atelierul a;nu",
        "eva@example.org;Eva;Pop;Org;Marţieni;Ţara nimănui;;Atelierul Z;poate",
    ]).encode("cp1250")
    preview = imports.parse(event, content)
    assert preview.mapping == [
        "email", "first_name", "family_name", "organisation", "organisation_type", "country",
        "language", "sessions", "consent_newsletter",
    ]
    assert [row.valid for row in preview.rows] == [True, True, False]
    reasons = " ".join(preview.rows[2].errors)
    assert "Type of organisation" in reasons and "Country" in reasons
    assert "“Atelierul Z” is not a session" in reasons and "yes or no" in reasons
    ana = preview.rows[0].data
    assert ana.organisation == "Primăria Timişoara"
    assert ana.organisation_type == "LocalPublicAuthority" and ana.country == "RO"
    assert ana.language == "ro" and ana.sessions == [workshop_a.pk]
    assert ana.consent_newsletter is True
    assert preview.rows[1].data.organisation_type == "Sme"
    assert preview.rows[1].data.consent_newsletter is False


def test_utf16_tab_separated_as_excel_saves_unicode_text(event):
    content = "\r\n".join([
        HEADER.replace(",", "\t"),
        "duro@example.org\tĐurđa\tŠimić\tGrad Čakovec\tLocalPublicAuthority\tHR",
    ]).encode("utf-16")
    preview = imports.parse(event, content)
    (row,) = preview.rows
    assert row.valid, row.errors
    assert (row.data.first_name, row.data.family_name) == ("Đurđa", "Šimić")
    assert row.data.organisation == "Grad Čakovec" and row.data.country == "HR"


def test_xlsx_with_lithuanian_labels(event):
    role = make_question(event, Question.Kind.SINGLE_CHOICE,
                         label={"en": "Role", "lt": "Vaidmuo"}, choices=[
                             {"key": "mayor", "label": {"en": "Mayor", "lt": "Meras"}},
                             {"key": "staff", "label": {"en": "Staff", "lt": "Darbuotojas"}},
                         ])
    topics = make_question(event, Question.Kind.MULTIPLE_CHOICE,
                           label={"en": "Topics", "lt": "Temos"}, choices=[
                               {"key": "art", "label": {"en": "Art", "lt": "Menas"}},
                               {"key": "sme", "label": {"en": "SMEs", "lt": "MVĮ"}},
                           ])
    arrival = make_question(event, label={"en": "Arrival", "lt": "Atvykimas"})
    content = xlsx([
        ["El. paštas", "Vardas", "Pavardė", "Organizacija", "Organizacijos tipas", "Šalis",
         "Kalba", "Vaidmuo", "Temos", "Atvykimas", "Nuotraukos ir įrašai"],
        ["jonas@example.org", "Jonas", "Jonaitis", "Vilniaus savivaldybė",
         "Vietos valdžios institucija", "Lietuva", "Lietuvių", "Meras", "Menas; mvį",
         datetime.date(2026, 3, 1), "Taip"],
        ["ona@example.org", "Ona", "Onaitė", "UAB Ąžuolas", "MVĮ", "LTU", "lt",
         "darbuotojas", "MVĮ", None, "ne"],
    ])
    preview = imports.parse(event, content)
    assert all(row.valid for row in preview.rows), [row.errors for row in preview.rows]
    jonas, ona = (row.data for row in preview.rows)
    assert jonas.organisation_type == "LocalPublicAuthority" and jonas.country == "LT"
    assert jonas.language == "lt" and jonas.consent_recording is True
    assert jonas.answers == {str(role.pk): "mayor", str(topics.pk): ["art", "sme"],
                             str(arrival.pk): "2026-03-01"}
    assert ona.organisation_type == "Sme" and ona.country == "LT"
    assert ona.answers[str(role.pk)] == "staff" and ona.consent_recording is False


def test_a_mapping_chosen_by_the_organiser_replaces_the_guess(event):
    content = (b"Mail,Given,Last,Employer,Kind,Land,Notes\n"
               b"ana@example.org,Ana,Pop,Org,Sme,RO,vegetarian\n")
    # "Mail" and "Land" (Dutch: country) are recognised; the others are not.
    with pytest.raises(imports.ImportFileError,
                       match="choose a column for each of: First name, Family name"):
        imports.parse(event, content)
    mapping = ["email", "first_name", "family_name", "organisation", "organisation_type",
               "country", ""]
    (row,) = imports.parse(event, content, mapping).rows
    assert row.valid and row.data.family_name == "Pop"
    with pytest.raises(imports.ImportFileError, match="one column only: First name"):
        imports.parse(event, content, [*mapping[:2], "first_name", *mapping[3:]])
    with pytest.raises(imports.ImportFileError, match="columns of the file have changed"):
        imports.parse(event, content, [*mapping, "email"])
    with pytest.raises(imports.ImportFileError, match="columns of the file have changed"):
        imports.parse(event, content, [*mapping[:6], "password"])


def rows_choosing(*sessions, start=1):
    return "\n".join(
        [f"{HEADER},sessions"]
        + [f"p{n}@example.org,P,N{n},Org,Sme,RO,{block.pk}"
           for n, block in enumerate(sessions, start=start)]
    ).encode()


def test_the_preview_counts_session_places_row_by_row_and_the_import_stores_no_failing_row():
    event = make_event(capacity=None, options={**NO_OPT_IN, "waiting_list": False})
    small, large = make_slot(event, 2, None)
    services.register(event, person(100, sessions=[small.pk]))  # one of two places left
    content = rows_choosing(small, large, small, large)
    preview = imports.parse(event, content)
    assert outcomes(preview) == [
        (True, "Confirmed"), (True, "Confirmed"),
        (False, "Not registered: the session “Workshop A” is full"), (True, "Confirmed"),
    ]
    actor = organiser("editor", event.project)
    result = imports.run_import(event, content, actor=actor)
    assert outcomes(result) == outcomes(preview)
    stored = set(Registration.objects.values_list("email", flat=True))
    assert stored == {"person100@example.org", "p1@example.org", "p2@example.org",
                      "p4@example.org"}
    entry = AuditEntry.objects.get(action="registration.imported")
    assert entry.actor == actor
    assert entry.data == {"rows": 4, "imported": 3, "rejected": 1, "confirmed": 3, "held": 0,
                          "waiting": 0}
    assert AuditEntry.objects.filter(action="registration.added", actor=actor).count() == 3


def test_a_full_session_sends_its_row_to_the_sessions_waiting_list():
    event = make_event(capacity=None, options=NO_OPT_IN)  # the waiting list is on
    small, large = make_slot(event, 1, None)
    services.register(event, person(100, sessions=[small.pk]))
    content = rows_choosing(small, large)
    assert outcomes(imports.parse(event, content)) == [(True, "On the waiting list"),
                                                      (True, "Confirmed")]
    imports.run_import(event, content, actor=organiser("editor", event.project))
    assert Registration.objects.get(email="p1@example.org").status == "waiting"


def test_a_full_event_sends_rows_to_the_waiting_list_or_rejects_them_without_one():
    with_list = make_event(capacity=2, options=NO_OPT_IN)
    without = make_event(capacity=2, options={**NO_OPT_IN, "waiting_list": False})
    for event in (with_list, without):
        services.register(event, person(100))
    content = ("\n".join([HEADER] + [f"p{n}@example.org,P,N,Org,Sme,RO" for n in range(3)])
               ).encode()
    assert outcomes(imports.parse(with_list, content)) == [
        (True, "Confirmed"), (True, "On the waiting list"), (True, "On the waiting list"),
    ]
    assert outcomes(imports.parse(without, content)) == [
        (True, "Confirmed"), (False, "Not registered: the event is full"),
        (False, "Not registered: the event is full"),
    ]
    imports.run_import(without, content, actor=organiser("editor", without.project))
    assert Registration.objects.filter(event=without).count() == 2
    imports.run_import(with_list, content, actor=organiser("editor2", with_list.project))
    assert list(Registration.objects.filter(event=with_list).order_by("email")
                .values_list("status", flat=True)) == [
        Status.CONFIRMED, Status.WAITING, Status.WAITING, Status.CONFIRMED,
    ]


def test_a_session_error_names_the_sessions_to_choose_from(event):
    make_slot(event, None, None)
    content = f"{HEADER},sessions\na@example.org,A,B,Org,Sme,RO,\n".encode()
    (row,) = imports.parse(event, content).rows
    assert row.errors == ["Sessions: Choose one of these sessions: Workshop A, Workshop B."]


def test_rows_of_an_event_that_takes_no_registrations_all_fail(event):
    event.status = event.Status.CANCELLED
    event.save()
    preview = imports.parse(event, f"{HEADER}\na@example.org,A,B,Org,Sme,RO\n".encode())
    assert outcomes(preview) == [(False, "Not registered: the event is cancelled")]


def test_an_export_guard_quote_is_taken_off(event):
    content = f"{HEADER},job_title\na@example.org,A,B,'+Org,Sme,RO,'=Boss\n".encode()
    (row,) = imports.parse(event, content).rows
    assert row.data.organisation == "+Org" and row.data.job_title == "=Boss"


def test_labels_are_compared_without_case_accents_or_punctuation():
    assert imports.key("Timișoara") == imports.key("TIMIŞOARA") == "timisoara"
    assert imports.key("E-mail") == imports.key("email")
