"""The announcement kit drafted for the demo seminar, in all six languages."""

import io

import pytest
from docx import Document

from aula.announcements import queries, services
from aula.announcements.models import Announcement
from aula.audit import services as audit
from aula.audit.models import AuditEntry
from aula.core.markdown import escape as clean
from aula.core.markdown import to_html
from aula.demo import seminar
from aula.demo.loader import DateMode, load_demo
from aula.events.models import Event
from aula.projects.models import Partner

pytestmark = pytest.mark.django_db

LANGUAGES = ("en", "ro", "lt", "nl", "it", "hr")
KINDS = ("press_release", "invitation", "social")


@pytest.fixture
def event() -> Event:
    return load_demo(DateMode.ORIGINAL).event


def title_in(language: str) -> str:
    return seminar.EVENT["title"].get(language, seminar.EVENT["title"]["en"])


def test_the_kit_covers_three_kinds_in_six_languages(event):
    assert queries.LANGUAGES == LANGUAGES
    rows = queries.kit(event)
    assert [row["kind"] for row in rows] == list(KINDS)
    assert all(len(row["cells"]) == 6 for row in rows)


@pytest.mark.parametrize("language", LANGUAGES)
def test_each_draft_carries_the_facts(event, language):
    link = f"http://testserver/{language}/p/ecoc-sme/resilience-seminar/register/"
    assert queries.registration_url(event, language) == link
    for kind in KINDS:
        text = services.draft(event, kind, language)
        assert "10" in text and "2021" in text, (kind, text)
        assert "10:00" in text and "13:30" in text, kind
        assert "UTC+03:00" in text and "Europe/Vilnius" in text, kind
        assert link in text, kind
        assert "{%" not in text and "{{" not in text, kind
        if kind == "social":
            assert len(text) <= 280, len(text)
            assert title_in(language)[:40] in text
            assert "#ECoCSME" in text
        else:
            assert title_in(language) in text, kind
            assert "Lavinia Simion" in text, kind
            assert "0256 408 371" in text, kind
            assert "lavinia.simion@primariatm.ro" in text, kind
    press = services.draft(event, "press_release", language)
    assert "Ekaterina Travkina" in press
    # The contact organisation issues it, named as it is written in that language.
    timisoara = Partner.objects.get(organisation=seminar.TIMISOARA)
    assert timisoara.name_in(language) in press
    assert "Leeuwarden" in press and "2018" in press and "Rijeka" in press  # the partners
    assert "interregeurope.eu/ecoc-sme" in press  # the project website
    # Unnamed presenters are named as the agenda gives them.
    presenters = seminar.AGENDA[0]["items"][2]["presenters"]
    assert presenters.get(language, presenters["en"]) in press


def test_the_romanian_press_release_reads_like_the_seed(event):
    text = services.draft(event, "press_release", "ro")
    assert text.startswith("## Comunicat de presă")
    assert text.split("\n\n")[1].startswith(
        "Municipiul Timișoara, în calitate de partener în cadrul proiectului"
    )
    assert "vă invită să participați la seminarul online din" in text
    assert "cu tema: „**Reziliența regiunilor" in text
    assert "Cea de-a doua parte a seminarului constă din două sesiuni paralele" in text
    assert "Seminarul se va încheia cu perspectiva oferită de Ekaterina Travkina" in text
    assert "Pentru a participa vă rugăm să vă înregistrați aici:" in text
    assert "**Persoană de contact – Municipiul Timișoara:**" in text
    assert "Lavinia Simion – manager de proiect" in text
    assert "Municipality of Timișoara" not in text
    assert "Capitală Europeană a Culturii 2023 (inițial 2021)" in text


def test_the_organiser_chooses_who_issues_the_release(event):
    vmu = Partner.objects.get(project=event.project, organisation=seminar.VMU)
    text = services.draft(event, "press_release", "en", issuer=vmu)
    assert text.split("\n")[2].startswith(f"{seminar.VMU}, as a partner in the project")
    lead = Partner.objects.get(project=event.project, role="lead")
    text = services.draft(event, "press_release", "it", issuer=lead)
    assert f"{lead.organisation}, in qualità di capofila del progetto" in text


def test_edit_and_reset(event, django_user_model):
    user = django_user_model.objects.create_user("ed", password="pw-long-enough-1")
    fresh = services.get_or_draft(event, "invitation", "nl")
    assert fresh.pk is None and "Uitnodiging" in fresh.body
    saved = services.save_edit(event, "invitation", "nl", "# Eigen tekst\r\n", actor=user)
    assert saved.edited_by == user and saved.edited_at is not None
    assert services.get_or_draft(event, "invitation", "nl").body == "# Eigen tekst\n"
    services.reset_to_draft(event, "invitation", "nl", actor=user)
    assert services.get_or_draft(event, "invitation", "nl").body == fresh.body
    assert not Announcement.objects.filter(event=event).exists()
    vmu = Partner.objects.get(project=event.project, organisation=seminar.VMU)
    reset = services.reset_to_draft(event, "invitation", "nl", vmu, actor=user)
    assert reset.pk and seminar.VMU in reset.body


def test_saving_resetting_and_downloading_are_on_the_events_record(event, django_user_model):
    user = django_user_model.objects.create_user("ed", password="pw-long-enough-1")
    services.save_edit(event, "social", "en", "First text", actor=user)
    services.save_edit(event, "social", "en", "Second, longer text", actor=user)
    services.save_edit(event, "social", "en", "Second, longer text", actor=user)
    services.reset_to_draft(event, "social", "en", actor=user)
    services.record_download(event, "press_release", "ro", "docx", actor=user)
    first, second, same, reset, download = AuditEntry.objects.order_by("id")
    assert [e.action for e in (first, second, same, reset, download)] == [
        services.SAVED, services.SAVED, services.SAVED, services.RESET, services.DOWNLOADED,
    ]
    for entry in (first, second, same, reset, download):
        assert entry.actor == user
        assert (entry.project_id, entry.event_id) == (event.project_id, event.pk)
    assert first.changes == {"body": ["changed"]} and first.data["characters"] == [None, 10]
    assert second.data["characters"] == [10, 19] and same.changes == {}
    assert "Second" not in str(AuditEntry.objects.values_list("changes", "data"))
    assert first.target_label == "Social-media post (en)"
    assert reset.changes == {"body": ["changed"]}
    assert download.data == {"kind": "press_release", "language": "ro", "format": "docx"}
    assert download.action != audit.DOWNLOADED  # no personal data: an action, not a download


def test_a_refused_save_leaves_no_entry(event, django_user_model):
    user = django_user_model.objects.create_user("ed", password="pw-long-enough-1")
    with pytest.raises(ValueError):
        services.save_edit(event, "no-such-kind", "en", "x", actor=user)
    assert not AuditEntry.objects.exists()


def test_markup_typed_in_a_title_is_escaped(event):
    event.title = {"en": "<script>alert(1)</script> **x** [y](javascript:alert(1)) - # z"}
    event.save()
    for kind in KINDS:
        html = services.html(kind, services.draft(event, kind, "en"))
        assert "<script>" not in html and "&lt;script&gt;" in html
        assert "javascript:" not in html.replace("[y](javascript:alert(1))", "")
        assert 'href="javascript' not in html
        assert "<strong>x</strong>" not in html


def test_clean_keeps_values_from_breaking_structure():
    assert clean("a\n\n- b") == "a - b"
    assert clean("- item") == "\\- item"
    assert clean("# h *b* [l](u)") == "\\# h \\*b\\* \\[l\\](u)"
    html = to_html("- " + clean("1. *x*\n# y"))
    assert html.replace("\n", "") == "<ul><li>1. *x* # y</li></ul>"


def test_the_social_post_shortens_a_long_title_but_keeps_the_link(event):
    event.title = {"en": "Word " * 80}
    event.save()
    text = services.draft(event, "social", "en")
    assert len(text) <= 280
    assert "…" in text
    assert queries.registration_url(event, "en") in text


@pytest.mark.parametrize("language", ["ro", "hr"])
def test_docx_carries_the_text_the_link_and_the_qr_code(event, language):
    body = services.draft(event, "press_release", language)
    url = queries.registration_url(event, language)
    document = Document(io.BytesIO(services.docx(body, url, language)))
    text = "\n".join(p.text for p in document.paragraphs)
    assert url in text and "Ekaterina Travkina" in text
    assert len(document.inline_shapes) == 1
    styles = {p.style.name for p in document.paragraphs}
    assert "List Bullet" in styles and "Heading 2" in styles


def test_qr_codes(event):
    url = queries.registration_url(event, "lt")
    assert services.qr_png(url).startswith(b"\x89PNG")
    assert b"<svg" in services.qr_svg(url)
    assert services.filename(event, "press_release", "ro", "docx") == (
        "ecoc-sme-resilience-seminar-press-release-ro.docx"
    )



# Words of each language's demo texts that only that language's draft may carry.
OWN_WORDS = {
    "lt": ("Regionų ir Europos kultūros sostinių atsparumas", "Penki projekto regionai partneriai",
           "EBPO", "projekto vadovė"),
    "nl": ("Veerkracht van regio's en Culturele Hoofdsteden", "De vijf partnerregio's",
           "OESO", "projectmanager"),
    "it": ("Resilienza delle regioni e delle Capitali europee", "Le cinque regioni partner",
           "OCSE", "responsabile di progetto"),
    "hr": ("Otpornost regija i Europskih prijestolnica kulture", "Pet partnerskih regija",
           "OECD-ov Centar", "voditeljica projekta"),
}


@pytest.mark.parametrize("language", sorted(OWN_WORDS))
def test_the_partners_drafts_carry_the_demo_in_their_own_language(event, language):
    english = seminar.EVENT["title"]["en"]
    press = services.draft(event, "press_release", language)
    invitation = services.draft(event, "invitation", language)
    social = services.draft(event, "social", language)
    title, presenters, oecd, role = OWN_WORDS[language]
    for text in (press, invitation):
        assert title in text and english not in text
        assert role in text
    assert title[:30] in social and english[:30] not in social
    assert presenters in press and oecd in press
    # The event's description, the session titles and the project's texts too.
    assert seminar.DESCRIPTION_PARAGRAPHS[language][0] in press
    assert seminar.AGENDA[2]["title"][language] in press
    assert seminar.PROJECT["description"][language] in press
    assert "The press release gives no times" not in press
    assert "Good practice examples" not in press and "Members of the New" not in press
    for other, words in OWN_WORDS.items():
        if other != language:
            assert words[0] not in press
