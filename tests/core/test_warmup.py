"""The warm-up before serving: every public page's template compiled, the e-mails' too when
the web renders them (the organisers' on first use), every catalogue read, no
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
    assert warmup.compile_templates() >= len(public) * 0.9  # tests render e-mails in requests


def test_the_emails_wait_when_the_delivery_worker_renders_them(settings):
    names = warmup.template_names(engines["django"])
    emails = [n for n in names if n.startswith(warmup.EMAIL_TEMPLATES)]
    assert "registrations/email/confirmation.html" in emails
    settings.AULA_RENDER_EMAILS_IN_WORKER = False
    with_emails = warmup.compile_templates()
    settings.AULA_RENDER_EMAILS_IN_WORKER = True
    assert warmup.compile_templates() <= with_emails - len(emails) * 0.9
    assert not warmup.public_template("registrations/email/confirmation.html", emails=False)
    assert warmup.public_template("registrations/email/confirmation.html", emails=True)
    assert warmup.public_template("registrations/register.html", emails=False)


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
