"""Login that an attacker cannot turn against the organiser: the lockout per (name, address),
the limit per address (password spraying), the e-mail about a lockout, two-factor login
required by a project, recovery codes and the idle timeout."""

from datetime import timedelta

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone, translation
from django_otp.plugins.otp_totp.models import TOTPDevice

from aula.audit.models import AuditEntry
from aula.console import services
from aula.console.models import Membership, OrganiserLanguage, Role
from aula.messaging.models import OutboxMessage
from tests.console.test_accounts import PASSWORD, code_for, log_in
from tests.factories import make_project

pytestmark = pytest.mark.django_db

A, B = "192.0.2.10", "198.51.100.20"


@pytest.fixture
def lavinia():
    return get_user_model().objects.create_user("lavinia", "lavinia@example.org", PASSWORD)


def test_a_flood_from_one_address_does_not_lock_the_user_out_from_another(client, lavinia):
    for _ in range(20):
        log_in(client, "lavinia", "wrong", REMOTE_ADDR=A)
    assert log_in(client, "lavinia", REMOTE_ADDR=A).status_code == 429
    response = log_in(client, "lavinia", REMOTE_ADDR=B)
    assert response.status_code == 302 and response["Location"] == reverse("console:home")


def test_the_address_comes_from_the_trusted_proxy(client, lavinia, settings):
    settings.AULA_TRUSTED_PROXIES = 1
    for _ in range(5):
        log_in(client, "lavinia", "wrong", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR=A)
    assert log_in(client, "lavinia", REMOTE_ADDR="10.0.0.1",
                  HTTP_X_FORWARDED_FOR=A).status_code == 429
    # Same proxy, another client behind it.
    assert log_in(client, "lavinia", REMOTE_ADDR="10.0.0.1",
                  HTTP_X_FORWARDED_FOR=B).status_code == 302


def test_password_spraying_locks_the_address(client, lavinia, settings):
    settings.AULA_LOGIN_ADDRESS_FAILURE_LIMIT = 8
    for number in range(8):  # a few tries for many names: no pair reaches its limit
        log_in(client, f"name{number}", "wrong", REMOTE_ADDR=A)
    locked = log_in(client, "lavinia", REMOTE_ADDR=A)
    assert locked.status_code == 429 and "from your network" in locked.content.decode()
    assert log_in(client, "lavinia", REMOTE_ADDR=B).status_code == 302
    # No e-mail to lavinia: her name was not the one attacked.
    assert not OutboxMessage.objects.filter(kind="lockout").exists()


def test_the_user_is_told_of_a_lockout_once(client, lavinia):
    for _ in range(9):
        log_in(client, "lavinia", "wrong", REMOTE_ADDR=A)
    for _ in range(9):
        log_in(client, "lavinia", "wrong", REMOTE_ADDR=B)
    message = OutboxMessage.objects.get(kind="lockout")
    assert message.recipient == "lavinia@example.org"
    assert "/password/reset/" in message.text_body and "30 minutes" in message.text_body


def test_the_lockout_notice_is_in_the_language_of_the_last_console_login(client, lavinia):
    with translation.override("ro"):
        login_url = reverse("console:login")
    client.post(login_url, {"username": "lavinia", "password": PASSWORD}, REMOTE_ADDR=B)
    assert OrganiserLanguage.objects.get(user=lavinia).language == "ro"
    client.logout()
    for _ in range(9):  # the attacker uses the English page
        log_in(client, "lavinia", "wrong", REMOTE_ADDR=A)
    message = OutboxMessage.objects.get(kind="lockout")
    assert message.language == "ro"
    assert message.subject == "Au fost introduse parole greșite pentru contul dumneavoastră Aula"


def test_without_a_console_login_the_lockout_notice_is_in_the_site_language(client, lavinia):
    get_user_model().objects.filter(pk=lavinia.pk).update(is_staff=True)
    with translation.override("ro"):
        admin_login = reverse("admin:login")
    response = client.post(admin_login, {"username": "lavinia", "password": PASSWORD},
                           REMOTE_ADDR=B)
    assert response.status_code == 302 and "_auth_user_id" in client.session
    assert not OrganiserLanguage.objects.filter(user=lavinia).exists()  # not the console
    client.logout()
    for _ in range(9):
        log_in(client, "lavinia", "wrong", REMOTE_ADDR=A)
    message = OutboxMessage.objects.get(kind="lockout")
    assert message.language == "en"
    assert message.subject == "Wrong passwords were entered for your Aula account"


def test_a_password_reset_request_is_told_to_the_user(client, lavinia):
    client.post(reverse("console:password_reset"), {"email": "lavinia@example.org"})
    message = OutboxMessage.objects.get(kind="password_reset")
    assert "If you did not ask for this" in message.text_body


# --- Two-factor login required by the project ------------------------------------------------


@pytest.fixture
def project_with_members(lavinia):
    project = make_project()
    owner = get_user_model().objects.create_user("olga", "olga@example.org", PASSWORD)
    Membership.objects.create(project=project, user=owner, role=Role.OWNER)
    Membership.objects.create(project=project, user=lavinia, role=Role.EDITOR)
    return project, owner


def test_owners_require_two_factor_login_and_members_must_set_it_up(
    client, lavinia, project_with_members
):
    project, owner = project_with_members
    client.force_login(owner)
    page = client.get(reverse("console:members", kwargs={"project": project.slug}))
    assert "require_two_factor" in page.content.decode()
    client.post(reverse("console:member_two_factor", kwargs={"project": project.slug}),
                {"require_two_factor": "on"})
    assert services.requires_two_factor(project)
    entry = AuditEntry.objects.get(action="project.two_factor_required")
    assert entry.actor == owner and entry.project_id == project.pk
    assert entry.changes == {"require_two_factor": [False, True]}
    client.logout()

    # A member without a device may open only the set-up page (and log out).
    assert log_in(client, "lavinia").status_code == 302
    response = client.get(reverse("console:home"))
    assert response.status_code == 302
    assert response["Location"] == reverse("console:two_factor_setup")
    assert client.get(reverse("console:account"))["Location"] == reverse(
        "console:two_factor_setup")
    assert client.get(reverse("console:two_factor_setup")).status_code == 200
    device = TOTPDevice.objects.get(user=lavinia, confirmed=False)
    response = client.post(reverse("console:two_factor_setup"), {"token": code_for(device)})
    assert response.status_code == 200 and len(response.context["codes"]) == 10
    assert client.get(reverse("console:home")).status_code == 200


def test_a_member_logged_in_before_the_requirement_is_stopped_at_the_next_page(
    client, lavinia, project_with_members
):
    project, owner = project_with_members
    client.force_login(lavinia)
    assert client.get(reverse("console:home")).status_code == 200
    services.set_two_factor_required(project, True, actor=owner)
    assert client.get(reverse("console:home"))["Location"] == reverse(
        "console:two_factor_setup")


def test_only_owners_set_the_requirement(client, lavinia, project_with_members):
    project, _owner = project_with_members
    client.force_login(lavinia)
    response = client.post(
        reverse("console:member_two_factor", kwargs={"project": project.slug}),
        {"require_two_factor": "on"},
    )
    assert response.status_code in (403, 404)
    assert not services.requires_two_factor(project)


def test_recovery_codes_work_once_instead_of_the_code_and_can_be_renewed(client, lavinia):
    TOTPDevice.objects.create(user=lavinia, name="app", confirmed=True)
    codes = services.new_recovery_codes(lavinia)
    assert len(set(codes)) == 10
    log_in(client, "lavinia")
    response = client.post(reverse("console:two_factor_login"), {"token": codes[0]})
    assert response.status_code == 302
    assert client.get(reverse("console:home")).status_code == 200
    assert services.recovery_codes_left(lavinia) == 9
    client.post(reverse("console:logout"))
    log_in(client, "lavinia")
    response = client.post(reverse("console:two_factor_login"), {"token": codes[0]})
    assert response.status_code == 200 and "error-summary" in response.content.decode()
    assert client.get(reverse("console:home")).status_code == 302
    # New codes replace the old ones, shown once.
    client.logout()
    client.force_login(lavinia)
    from aula.console.auth import DONE, TWO_FACTOR_SESSION_KEY

    session = client.session
    session[TWO_FACTOR_SESSION_KEY] = DONE
    session.save()
    response = client.post(reverse("console:recovery_codes"))
    new_codes = response.context["codes"]
    assert len(new_codes) == 10 and not set(new_codes) & set(codes)
    assert services.recovery_codes_left(lavinia) == 10
    assert AuditEntry.objects.filter(action="account.recovery_codes").count() == 2


def test_recovery_codes_need_two_factor_login(lavinia):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        services.new_recovery_codes(lavinia)


# --- Idle timeout -----------------------------------------------------------------------------


def test_an_idle_console_session_is_logged_out(client, lavinia, settings):
    assert settings.AULA_CONSOLE_IDLE_MINUTES == 30
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        assert log_in(client, "lavinia").status_code == 302
    with time_machine.travel(start + timedelta(minutes=29), tick=False):
        assert client.get(reverse("console:home")).status_code == 200
    with time_machine.travel(start + timedelta(minutes=58), tick=False):
        assert client.get(reverse("console:home")).status_code == 200  # 29 min after the last
    with time_machine.travel(start + timedelta(minutes=89), tick=False):
        response = client.get(reverse("console:home"), follow=True)
        assert response.request["PATH_INFO"] == reverse("console:login")
        assert "without activity" in response.content.decode()
        assert not response.context["user"].is_authenticated


def test_two_factor_login_cannot_be_turned_off_where_a_project_requires_it(
    lavinia, project_with_members
):
    from django.core.exceptions import ValidationError

    project, owner = project_with_members
    device = TOTPDevice.objects.create(user=lavinia, name="app", confirmed=True)
    services.new_recovery_codes(lavinia)
    services.set_two_factor_required(project, True, actor=owner)
    with pytest.raises(ValidationError):
        services.disable_two_factor(lavinia, code_for(device))
    assert services.has_two_factor(lavinia)
    services.set_two_factor_required(project, False, actor=owner)
    assert services.disable_two_factor(lavinia, code_for(device))
    assert services.recovery_codes_left(lavinia) == 0  # the recovery codes went with it


def test_the_idle_timeout_can_be_switched_off(client, lavinia, settings):
    settings.AULA_CONSOLE_IDLE_MINUTES = 0
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        log_in(client, "lavinia")
    with time_machine.travel(start + timedelta(hours=5), tick=False):
        assert client.get(reverse("console:home")).status_code == 200
