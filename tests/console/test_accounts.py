"""Organiser accounts: login, the lockout after failed logins, password reset through the
outbox, two-factor login with a TOTP app."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from aula.audit.models import AuditEntry
from aula.console import services
from aula.messaging.models import OutboxMessage

pytestmark = pytest.mark.django_db

PASSWORD = "pw-long-enough-1"


@pytest.fixture
def ana():
    return get_user_model().objects.create_user("ana", "ana@example.org", PASSWORD)


def log_in(client, username="ana", password=PASSWORD, **extra):
    return client.post(reverse("console:login"), {"username": username, "password": password},
                       **extra)


def code_for(device, at=None):
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    if at is not None:
        totp.time = at.timestamp()
    return f"{totp.token():0{device.digits}d}"


# --- Login and lockout -----------------------------------------------------------------------


def test_login_page_offers_a_password_reset(client):
    response = client.get(reverse("console:login"))
    assert response.status_code == 200
    assert reverse("console:password_reset") in response.content.decode()


def test_login_and_a_wrong_password(client, ana):
    response = log_in(client, password="wrong")
    assert response.status_code == 200
    assert "error-summary" in response.content.decode()
    response = log_in(client)
    assert response.status_code == 302 and response["Location"] == reverse("console:home")
    assert client.get(reverse("console:home")).status_code == 200


def test_the_test_clients_login_still_works(client, ana):
    # The lockout backend needs a request; the test client's login has none.
    assert client.login(username="ana", password=PASSWORD)
    assert client.get(reverse("console:home")).status_code == 200


def test_five_failed_logins_lock_the_name_from_that_address_for_thirty_minutes(
    client, ana, settings
):
    assert settings.AXES_ENABLED and settings.AXES_FAILURE_LIMIT == 5
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        for _ in range(4):
            assert log_in(client, password="wrong").status_code == 200
        locked = log_in(client, password="wrong")
        assert locked.status_code == 429
        assert "30 minutes" in locked.content.decode()
        assert reverse("console:password_reset") in locked.content.decode()
        # Now even the right password is refused from that address...
        assert log_in(client).status_code == 429
        assert client.get(reverse("console:home")).status_code == 302
        # ...but not from another one: an attacker cannot lock the organiser out.
        assert log_in(client, REMOTE_ADDR="10.1.2.3").status_code == 302
        client.logout()
    # Another organiser is not affected.
    get_user_model().objects.create_user("bob", "bob@example.org", PASSWORD)
    with time_machine.travel(start + timedelta(minutes=1), tick=False):
        assert log_in(client, "bob").status_code == 302
        client.logout()
    with time_machine.travel(start + timedelta(minutes=31), tick=False):
        response = log_in(client)
        assert response.status_code == 302 and response["Location"] == reverse("console:home")


def test_lockout_can_be_switched_off(client, ana, settings):
    settings.AXES_ENABLED = False
    for _ in range(6):
        log_in(client, password="wrong")
    assert log_in(client).status_code == 302


# --- Password reset --------------------------------------------------------------------------


def reset_link(message):
    return re.search(r"http://testserver(/\S+)", message.text_body).group(1)


def test_password_reset_queues_an_email_whose_link_sets_the_password(client, ana, mailoutbox):
    response = client.post(reverse("console:password_reset"), {"email": "ANA@example.org"})
    assert response.status_code == 302
    assert response["Location"] == reverse("console:password_reset_done")
    message = OutboxMessage.objects.get()
    assert message.recipient == "ana@example.org" and message.kind == "password_reset"
    assert message.status == OutboxMessage.Status.QUEUED and not mailoutbox
    assert "ana" in message.text_body
    link = reset_link(message)
    assert link.startswith("/en/console/password/reset/")
    response = client.get(link)  # Django moves the token into the session
    assert response.status_code == 302
    form_url = response["Location"]
    assert "validlink" not in form_url and client.get(form_url).status_code == 200
    response = client.post(form_url, {
        "new_password1": "a-new-password-77", "new_password2": "a-new-password-77",
    })
    assert response["Location"] == reverse("console:password_reset_complete")
    assert log_in(client, password="a-new-password-77").status_code == 302
    # The link works once.
    client.logout()
    response = client.get(link, follow=True)
    assert "does not work any more" in response.content.decode()


def test_password_reset_for_an_unknown_address_says_the_same_and_sends_nothing(client, ana):
    response = client.post(reverse("console:password_reset"), {"email": "nobody@example.org"})
    assert response["Location"] == reverse("console:password_reset_done")
    assert not OutboxMessage.objects.exists()


def test_a_completed_password_reset_lifts_the_lockout(client, ana):
    for _ in range(5):
        log_in(client, password="wrong")
    assert log_in(client).status_code == 429
    client.post(reverse("console:password_reset"), {"email": "ana@example.org"})
    form_url = client.get(reset_link(OutboxMessage.objects.get(kind="password_reset")))["Location"]
    client.post(form_url, {"new_password1": "another-pass-88", "new_password2": "another-pass-88"})
    assert log_in(client, password="another-pass-88").status_code == 302


# --- Two-factor login ------------------------------------------------------------------------


def test_account_pages_need_a_login(client):
    for name in ["account", "two_factor_setup", "two_factor_disable", "two_factor_login"]:
        response = client.get(reverse(f"console:{name}"))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("console:login"))


def test_two_factor_login(client, ana):
    start = timezone.now().replace(microsecond=0)
    with time_machine.travel(start, tick=False):
        client.force_login(ana)
        page = client.get(reverse("console:two_factor_setup"))
        assert page.status_code == 200 and "<svg" in page.content.decode()
        device = TOTPDevice.objects.get(user=ana, confirmed=False)
        assert page.context["secret"] in device.config_url
        wrong = "000000" if code_for(device) != "000000" else "111111"
        response = client.post(reverse("console:two_factor_setup"), {"token": wrong})
        assert response.status_code == 200 and "not right" in response.content.decode()
        assert not TOTPDevice.objects.filter(confirmed=True).exists()
    # django-otp slows down guessing after a wrong code; this test does not wait for it.
    TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_count=0)
    later = start + timedelta(seconds=30)
    with time_machine.travel(later, tick=False):
        response = client.post(reverse("console:two_factor_setup"), {"token": code_for(device)})
        assert response.status_code == 200 and len(response.context["codes"]) == 10
        device.refresh_from_db()
        assert device.confirmed
        # This session proved the code: it is not asked again.
        assert client.get(reverse("console:home")).status_code == 200
        client.post(reverse("console:logout"))

        # The password alone now leads to the code page, and nothing else opens.
        response = log_in(client)
        assert client.get(reverse("console:home"))["Location"].startswith(
            reverse("console:two_factor_login"))
        assert client.get(reverse("console:account")).status_code == 302
        assert client.get(response["Location"], follow=True).request["PATH_INFO"] == reverse(
            "console:two_factor_login")
        # The code just used to confirm the device cannot be used again.
        response = client.post(reverse("console:two_factor_login"), {"token": code_for(device)})
        assert response.status_code == 200 and "not right" in response.content.decode()
    TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_count=0)
    device.refresh_from_db()
    with time_machine.travel(later + timedelta(seconds=30), tick=False):
        response = client.post(reverse("console:two_factor_login"), {
            "token": code_for(device), "next": reverse("console:account"),
        })
        assert response.status_code == 302 and response["Location"] == reverse("console:account")
        assert client.get(reverse("console:home")).status_code == 200


def test_two_factor_login_ignores_a_next_to_another_site(client, ana):
    device = TOTPDevice.objects.create(user=ana, name="app", confirmed=True)
    log_in(client)
    response = client.post(reverse("console:two_factor_login"), {
        "token": code_for(device), "next": "https://evil.example/",
    })
    assert response["Location"] == reverse("console:home")


def test_turning_two_factor_login_off_needs_a_code(client, ana):
    device = TOTPDevice.objects.create(user=ana, name="app", confirmed=True)
    client.force_login(ana)
    response = client.get(reverse("console:home"))
    assert response["Location"].startswith(reverse("console:two_factor_login"))
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        client.post(reverse("console:two_factor_login"), {"token": code_for(device)})
        assert client.get(reverse("console:account")).status_code == 200
        response = client.post(reverse("console:two_factor_disable"), {"token": "12345x"})
        assert response.status_code == 200 and TOTPDevice.objects.filter(user=ana).exists()
    TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_count=0)
    device.refresh_from_db()
    with time_machine.travel(start + timedelta(seconds=30), tick=False):
        response = client.post(reverse("console:two_factor_disable"), {"token": code_for(device)})
        assert response["Location"] == reverse("console:account")
        assert not TOTPDevice.objects.filter(user=ana).exists()
    client.post(reverse("console:logout"))
    log_in(client)
    assert client.get(reverse("console:home")).status_code == 200


def test_the_second_step_is_skipped_without_a_device(client, ana):
    log_in(client)
    response = client.get(reverse("console:two_factor_login"))
    assert response["Location"] == reverse("console:home")


def test_a_pending_login_may_log_out(client, ana):
    TOTPDevice.objects.create(user=ana, name="app", confirmed=True)
    log_in(client)
    assert client.post(reverse("console:logout")).status_code == 302
    response = client.get(reverse("console:home"))
    assert response["Location"].startswith(reverse("console:login"))


def test_a_session_without_the_two_factor_mark_is_checked_again(client, ana):
    # E.g. a session from before two-factor login was installed: it must not slip through.
    TOTPDevice.objects.create(user=ana, name="app", confirmed=True)
    client.force_login(ana)
    session = client.session
    del session["aula_two_factor"]
    session.save()
    response = client.get(reverse("console:home"))
    assert response["Location"].startswith(reverse("console:two_factor_login"))


def test_after_a_wrong_code_even_the_right_one_waits(client, ana):
    device = TOTPDevice.objects.create(user=ana, name="app", confirmed=True)
    log_in(client)
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        wrong = "000000" if code_for(device) != "000000" else "111111"
        client.post(reverse("console:two_factor_login"), {"token": wrong})
        response = client.post(reverse("console:two_factor_login"), {"token": code_for(device)})
        assert "Too many wrong codes" in response.content.decode()
    with time_machine.travel(start + timedelta(seconds=30), tick=False):
        response = client.post(reverse("console:two_factor_login"), {"token": code_for(device)})
        assert response["Location"] == reverse("console:home")


def test_a_pending_login_goes_on_once_two_factor_was_turned_off_elsewhere(client, ana):
    TOTPDevice.objects.create(user=ana, name="app", confirmed=True)
    log_in(client)
    TOTPDevice.objects.filter(user=ana).delete()
    assert client.get(reverse("console:two_factor_login"))["Location"] == reverse("console:home")
    assert client.get(reverse("console:home")).status_code == 200


# --- On the record ---------------------------------------------------------------------------


def test_turning_two_factor_on_and_off_is_on_the_record_with_the_organiser_as_actor(ana):
    device = services.pending_totp_device(ana)
    assert services.confirm_totp_device(ana, "000000" if code_for(device) != "000000"
                                        else "111111") is None
    assert not AuditEntry.objects.exists()  # a wrong code changes nothing
    TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_count=0)
    device.refresh_from_db()
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        assert services.confirm_totp_device(ana, code_for(device)) is not None
    device.refresh_from_db()
    with time_machine.travel(start + timedelta(seconds=30), tick=False):
        assert services.disable_two_factor(ana, code_for(device))
    on, off = AuditEntry.objects.order_by("id")
    assert (on.action, off.action) == (services.TWO_FACTOR_ON, services.TWO_FACTOR_OFF)
    assert on.actor == ana and off.actor == ana and on.actor_name == "ana"
    assert on.target_id == str(ana.pk) and on.target_label == "" and on.project_id is None


def test_a_password_reset_request_is_on_the_record_without_actor_or_address(client, ana):
    client.post(reverse("console:password_reset"), {"email": "ANA@example.org"})
    entry = AuditEntry.objects.get()
    assert entry.action == services.PASSWORD_RESET_REQUESTED
    assert entry.actor is None and entry.actor_name == ""
    assert entry.target_id == str(ana.pk) and entry.target_label == ""
    assert "example.org" not in f"{entry.data}{entry.changes}{entry.target_label}"
    # An unknown address: no e-mail and no entry.
    client.post(reverse("console:password_reset"), {"email": "nobody@example.org"})
    assert AuditEntry.objects.count() == 1
