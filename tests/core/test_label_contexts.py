"""Labels shared between a registration's status and other uses carry a context, so languages
that inflect them agree with the noun: a registration (feminine in ro, lt, it, hr), people
counted in a report (plural), an event (masculine or neuter)."""

import pytest
from django.utils import translation
from django.utils.translation import gettext, pgettext

from aula.registrations.models import Registration

Status = Registration.Status

EXPECTED = {
    # language: (registration confirmed, registration cancelled, people registered,
    #            people confirmed, people attended, event cancelled)
    "ro": ("Confirmată", "Anulată", "Înregistrați", "Confirmați", "Prezenți", "Anulat"),
    "lt": ("Patvirtinta", "Atšaukta", "Užsiregistravę", "Patvirtinti", "Dalyvavę", "Atšauktas"),
    "nl": ("Bevestigd", "Geannuleerd", "Aangemeld", "Bevestigd", "Aanwezig", "Geannuleerd"),
    "it": ("Confermata", "Annullata", "Iscritti", "Confermati", "Presenti", "Annullato"),
    "hr": ("Potvrđena", "Otkazana", "Prijavljeni", "Potvrđeni", "Prisutni", "Otkazano"),
}


@pytest.mark.parametrize("language", sorted(EXPECTED))
def test_each_label_agrees_with_what_it_describes(language):
    with translation.override(language):
        got = (
            str(Status.CONFIRMED.label), str(Status.CANCELLED.label),
            pgettext("number of people", "Registered"), pgettext("number of people", "Confirmed"),
            pgettext("number of people", "Attended"), gettext("Cancelled"),
        )
    assert got == EXPECTED[language]


def test_the_english_labels_are_unchanged():
    with translation.override("en"):
        assert [str(label) for _value, label in Status.choices] == [
            "Place held until the e-mail address is confirmed", "Confirmed",
            "On the waiting list", "Cancelled",
        ]
        assert pgettext("registration history", "Registered") == "Registered"
