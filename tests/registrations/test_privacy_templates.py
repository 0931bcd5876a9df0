"""The privacy notice drafted from the controller's data, in every content language."""

import pytest

from aula.core.translation import CONTENT_LANGUAGES
from aula.events.lifecycle import publish_warnings
from aula.registrations import privacy_templates
from aula.registrations.models import PrivacyNotice
from aula.registrations.queries import TO_COMPLETE
from tests.factories import make_event, make_partner, make_project

pytestmark = pytest.mark.django_db

# How each language writes the facts every notice must state (GDPR Art. 13).
PUBLIC_TASK = {"en": "Article 6(1)(e)", "ro": "articolul 6 alineatul (1) litera (e)",
               "lt": "6 straipsnio 1 dalies e punktas", "nl": "artikel 6, lid 1, onder e)",
               "it": "articolo 6, paragrafo 1, lettera e)", "hr": "članak 6. stavak 1. točka (e)"}
DPO = {"en": "data protection officer", "ro": "responsabilului cu protecția datelor",
       "lt": "duomenų apsaugos pareigūno", "nl": "functionaris voor gegevensbescherming",
       "it": "responsabile della protezione dei dati", "hr": "službenika za zaštitu podataka"}


@pytest.fixture
def project():
    return make_project(name="ECoC-SME", code="PGI06047", programme="Interreg Europe",
                        last_payment_year=2028)


@pytest.fixture
def controller(project):
    return make_partner(project, organisation="Municipality of Timișoara", city="Timișoara",
                        country="RO", local_names={"ro": "Municipiul Timișoara"})


def test_the_event_notice_is_drafted_in_every_language(project, controller):
    event = make_event(project=project, title={"en": "Spring seminar", "ro": "Seminar"},
                       contact_email="dpo-contact@primariatm.ro", host_partner=controller)
    texts = privacy_templates.draft(project, controller, event)
    assert set(texts) == set(CONTENT_LANGUAGES) == {"en", "ro", "lt", "nl", "it", "hr"}
    for language, text in texts.items():
        name = "Municipiul Timișoara" if language == "ro" else "Municipality of Timișoara"
        assert name in text, language
        assert "{{" not in text and "{%" not in text and "}}" not in text, language
        assert "PGI06047" in text and "Interreg Europe" in text, language
        assert "dpo-contact@primariatm.ro" in text, language
        assert PUBLIC_TASK[language] in text, language
        assert DPO[language] in text.lower() or DPO[language] in text, language
        assert "2033" in text, language  # the audit period: five years after the last payment
        assert "[" in text, language  # what the organiser must complete is marked
    assert "Spring seminar" in texts["en"] and "Seminar" in texts["ro"]
    # The country in each language.
    assert "Romania" in texts["en"] and "România" in texts["ro"]


def test_the_project_notice_names_no_event_and_asks_for_the_contact(project, controller):
    project.retention_months = 24
    texts = privacy_templates.draft(project, controller)
    assert "the events of ECoC-SME" in texts["en"]
    assert "contact e-mail address — to be completed" in texts["en"]
    assert "24 months after the end of the event" in texts["en"]
    for text in texts.values():
        assert "{{" not in text and "Municipality of Timișoara" in text or (
            "Municipiul Timișoara" in text)


def test_text_typed_by_organisers_is_left_for_the_markdown_renderer_to_escape(project):
    partner = make_partner(project, organisation="A & B <Ltd>")
    assert "A & B <Ltd>" in privacy_templates.draft(project, partner)["en"]


def test_publishing_warns_while_a_drafted_notice_has_parts_to_complete(project, controller):
    event = make_event(project=project, host_partner=controller)
    texts = privacy_templates.draft(project, controller, event)
    PrivacyNotice.objects.create(project=project, event=event, controller=controller,
                                 text=texts, version=1)
    [warning] = [w for w in publish_warnings(event) if "parts of the template" in w]
    assert "en, ro, lt, nl, it, hr" in warning
    completed = {language: TO_COMPLETE.sub("Ana Pop, dpo@primariatm.ro", text)
                 for language, text in texts.items()}
    assert all(completed[language] != texts[language] for language in texts)
    PrivacyNotice.objects.create(project=project, event=event, controller=controller,
                                 text={**completed, "hr": texts["hr"]}, version=2)
    [warning] = [w for w in publish_warnings(event) if "parts of the template" in w]
    assert "(hr)" in warning
    PrivacyNotice.objects.create(project=project, event=event, controller=controller,
                                 text=completed, version=3)
    assert not [w for w in publish_warnings(event) if "parts of the template" in w]
