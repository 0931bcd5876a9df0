"""The warm-up before serving: every public page's and e-mail's template compiled (the
organisers' on first use), every catalogue read, no
database connection handed to the workers, and a failure never stopping the server."""

import gc

import pytest
from django.db import connection
from django.template import engines

from aula.core import warmup


def test_every_public_template_is_found_and_compiles_and_the_organisers_wait():
    names = warmup.template_names(engines["django"])
    assert "registrations/register.html" in names
    assert "events/event.html" in names or any(n.startswith("events/") for n in names)
    public = [n for n in names if not n.startswith(warmup.ORGANISER_TEMPLATES)]
    assert any(n.startswith("console/") for n in names)
    assert len(public) < len(names)
    assert warmup.compile_templates() >= len(public) * 0.9


@pytest.mark.django_db(transaction=True)
def test_warm_up_leaves_no_connection_open_and_freezes_what_it_made():
    connection.ensure_connection()
    try:
        warmup.warm_up()
        assert connection.connection is None
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()


def test_a_failing_warm_up_is_logged_not_raised(monkeypatch, caplog):
    def broken():
        raise RuntimeError("no templates today")

    monkeypatch.setattr(warmup, "compile_templates", broken)
    warmup.warm_up()
    assert "Warm-up failed" in caplog.text
    gc.unfreeze()
