"""Browser-side defences (aula.core.security) and the refusal of NUL characters."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import reverse

from aula.core.security import CONTENT_SECURITY_POLICY
from tests.factories import PASSWORD, make_event, organiser

pytestmark = pytest.mark.django_db

TEMPLATES = Path(__file__).resolve().parents[2] / "src" / "aula"


def test_every_page_has_a_policy_without_inline_scripts(client):
    event = make_event()
    response = client.get(f"/en/p/{event.project.slug}/{event.slug}/")
    assert response.status_code == 200
    policy = response["Content-Security-Policy"]
    assert policy == CONTENT_SECURITY_POLICY
    directives = dict(part.split(" ", 1) for part in policy.split("; "))
    assert directives["script-src"] == "'self'"
    assert "unsafe" not in directives["default-src"]
    assert directives["frame-ancestors"] == "'none'"
    assert "camera=()" in response["Permissions-Policy"]
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"


def test_no_template_has_an_inline_script_or_event_handler():
    """What the policy would block: <script> without src, on...= attributes, javascript: links
    (e-mail templates excepted: they are never pages of this site)."""
    inline_script = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)
    handler = re.compile(r"<[^>]*\son[a-z]+\s*=", re.IGNORECASE)
    found = []
    for path in TEMPLATES.rglob("templates/**/*.html"):
        if "/email/" in str(path):
            continue
        text = path.read_text()
        if inline_script.search(text) or handler.search(text) or "javascript:" in text:
            found.append(str(path.relative_to(TEMPLATES)))
    assert found == []


def test_public_pages_keep_their_caching_and_personal_pages_are_no_store(client):
    event = make_event()
    public = client.get(f"/en/p/{event.project.slug}/{event.slug}/")
    assert "public" in public["Cache-Control"] and "no-store" not in public["Cache-Control"]

    user = organiser(project=event.project)
    client.login(username=user.username, password=PASSWORD)
    for url in [
        reverse("console:home"),
        reverse("console:registrants", kwargs={"event_id": event.pk}),
    ]:
        response = client.get(url)
        assert response.status_code == 200
        assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]


def test_registrant_pages_are_no_store(client):
    from tests.factories import make_registration

    registration = make_registration(make_event())
    response = client.get(reverse("registrations:personal", kwargs={"token": registration.token}))
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]


def test_a_views_own_stricter_policy_is_kept():
    """Downloads set "default-src 'none'; sandbox": the middleware does not replace it."""
    from django.http import HttpResponse

    from aula.core.security import SecurityHeadersMiddleware

    def view(request):
        response = HttpResponse("x")
        response["Content-Security-Policy"] = "default-src 'none'; sandbox"
        return response

    from django.test import RequestFactory

    response = SecurityHeadersMiddleware(view)(RequestFactory().get("/"))
    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"


# --- NUL characters ---------------------------------------------------------------------------


def test_nul_in_a_query_parameter_is_400_not_500(client, settings):
    settings.AULA_MAIL_VIEWER = True
    for query in ["to=%00", "to=a%00b", "%00=x", "page=1&to=%00"]:
        response = client.get(f"/mail/?{query}")
        assert response.status_code == 400, query
        assert response["Content-Type"].startswith("text/plain")
    assert client.get("/mail/?to=someone%40example.org").status_code == 200


def test_nul_in_the_registrant_search_is_400(client):
    event = make_event()
    user = organiser(project=event.project)
    client.login(username=user.username, password=PASSWORD)
    url = reverse("console:registrants", kwargs={"event_id": event.pk})
    assert client.get(url + "?q=%00").status_code == 400
    assert client.get(url + "?q=Ana").status_code == 200


def test_nul_in_a_registration_form_field_is_400_and_stores_nothing(client, settings):
    from aula.registrations.models import Registration
    from tests.registrations.test_form import form_data

    settings.AULA_REGISTRATION_MIN_FILL_SECONDS = 0
    event = make_event()
    url = reverse(
        "registrations:register", kwargs={"project": event.project.slug, "event": event.slug}
    )
    response = client.post(url, form_data(event, first_name="An\x00a"))
    assert response.status_code == 400
    assert not Registration.objects.exists()
    assert client.post(url, form_data(event)).status_code == 302
    assert Registration.objects.count() == 1


# --- check --deploy ---------------------------------------------------------------------------


def test_check_deploy_is_clean_with_production_settings(tmp_path):
    """What the README's production section asks an operator to set gives no warning."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "aula.settings",
        "AULA_VAR_DIR": str(tmp_path),
        "AULA_BASE_URL": "https://aula.example.eu",
        "AULA_SECRET_KEY": "k" * 20 + "0123456789abcdefghijklmnopqrstuvwxyz-_ABCDEFGH",
        "AULA_EMAIL_URL": "smtp://user:pass@mail.example.eu:587?tls=true",
        "AULA_TRUSTED_PROXIES": "1",
        "AULA_DEBUG": "",
        "AULA_MAIL_VIEWER": "",
    }
    env.pop("AULA_DATABASE_URL", None)
    manage = Path(__file__).resolve().parents[2] / "manage.py"
    result = subprocess.run(  # noqa: S603
        [sys.executable, str(manage), "check", "--deploy", "--fail-level", "WARNING"],
        env=env, capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_check_deploy_warns_about_plain_http_and_the_mail_viewer(tmp_path):
    env = {
        **os.environ, "DJANGO_SETTINGS_MODULE": "aula.settings", "AULA_VAR_DIR": str(tmp_path),
        "AULA_BASE_URL": "http://aula.example.eu", "AULA_MAIL_VIEWER": "true",
    }
    env.pop("AULA_DATABASE_URL", None)
    manage = Path(__file__).resolve().parents[2] / "manage.py"
    result = subprocess.run(  # noqa: S603
        [sys.executable, str(manage), "check", "--deploy", "--fail-level", "WARNING"],
        env=env, capture_output=True, text=True, timeout=120,
    )
    assert result.returncode != 0
    output = result.stdout + result.stderr
    assert "messaging.W001" in output and "security.W004" in output


def test_https_settings_only_behind_a_trusted_proxy():
    from aula import config

    assert config.https("http://aula.example.eu", 1)["SECURE_HSTS_SECONDS"] == 0
    direct = config.https("https://aula.example.eu", 0)
    assert "SECURE_PROXY_SSL_HEADER" not in direct and "SECURE_SSL_REDIRECT" not in direct
    proxied = config.https("https://aula.example.eu", 1)
    assert proxied["SECURE_PROXY_SSL_HEADER"] == ("HTTP_X_FORWARDED_PROTO", "https")
    assert proxied["SECURE_HSTS_SECONDS"] >= 31536000 and proxied["SECURE_SSL_REDIRECT"]


def test_hsts_is_sent_only_on_requests_the_proxy_says_are_https(client, settings):
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    event = make_event()
    url = f"/en/p/{event.project.slug}/{event.slug}/"
    assert "Strict-Transport-Security" not in client.get(url)
    secure = client.get(url, HTTP_X_FORWARDED_PROTO="https")
    assert secure["Strict-Transport-Security"].startswith("max-age=31536000")
