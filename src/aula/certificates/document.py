"""The certificate as a PDF, in the registrant's language, with a QR code of its verification
address. WeasyPrint renders HTML from a template; every text in it is autoescaped, and the
renderer may fetch nothing (the QR code is inline SVG), so a name cannot pull in a resource."""

import segno
import weasyprint
from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.safestring import mark_safe

from aula.certificates.models import Certificate
from aula.core.timefmt import format_range
from aula.core.translation import localize


def verification_url(certificate: Certificate, language: str | None = None) -> str:
    language = language or certificate.registration.language
    with translation.override(language):
        path = reverse("certificates:verify", kwargs={"code": certificate.code})
    return f"{settings.AULA_BASE_URL}{path}"


def qr_svg(url: str) -> str:
    """The address as an inline SVG QR code (segno writes only its own markup)."""
    return segno.make(url, error="m").svg_inline(scale=3, border=2, omitsize=False)


def context(certificate: Certificate, language: str) -> dict:
    registration, event = certificate.registration, certificate.event
    project, fallback = event.project, event.primary_language
    url = verification_url(certificate, language)
    return {
        "certificate": certificate,
        "name": registration.full_name,
        "title": localize(event.title, language, fallback),
        "when": format_range(event.starts_at, event.ends_at, event.time_zone, language),
        "project": project,
        "project_title": localize(project.full_title, language, project.primary_language),
        "host": event.host_partner,
        "minutes": certificate.minutes,
        "verification_url": url,
        "qr_code": mark_safe(qr_svg(url)),  # noqa: S308  (segno's SVG of our own address)
        "language": language,
    }


def certificate_html(certificate: Certificate, language: str | None = None) -> str:
    language = language or certificate.registration.language
    with translation.override(language):
        return render_to_string("certificates/certificate.html", context(certificate, language))


def _refuse(url, *args, **kwargs):
    raise ValueError(f"Certificates load no resources ({url!r})")


def certificate_pdf(certificate: Certificate, language: str | None = None) -> bytes:
    html = certificate_html(certificate, language)
    return weasyprint.HTML(string=html, url_fetcher=_refuse, base_url=None).write_pdf()


def filename(certificate: Certificate) -> str:
    return f"certificate-{certificate.code}.pdf"
