"""The certificate as a PDF, in the registrant's language, with a QR code of its verification
address. WeasyPrint renders HTML from a template; every text in it is autoescaped, and the
renderer may fetch nothing (the QR code is inline SVG, the logo set a data: URI), so a name
cannot pull in a resource.

WeasyPrint (with fontTools, tinyhtml5, cffi bindings: ~25 MiB) and segno are imported inside
the functions that use them: the URLconf imports this module in every web worker, and only a
certificate download needs them (docs/architecture.md, "Memory")."""

import functools

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.safestring import mark_safe

from aula.certificates.models import Certificate
from aula.core import images
from aula.core.timefmt import format_day_time, format_range


def verification_url(certificate: Certificate, language: str | None = None) -> str:
    language = language or certificate.language or certificate.registration.language
    with translation.override(language):
        path = reverse("certificates:verify", kwargs={"code": certificate.code})
    return f"{settings.AULA_BASE_URL}{path}"


def qr_svg(url: str) -> str:
    """The address as an inline SVG QR code (segno writes only its own markup)."""
    import segno

    return segno.make(url, error="m").svg_inline(scale=3, border=2, omitsize=False)


def when(certificate: Certificate, language: str) -> str:
    """The event's date and time as frozen on the certificate, in ``language``."""
    if not certificate.event_starts_at:
        return ""
    return format_range(certificate.event_starts_at, certificate.event_ends_at,
                        certificate.event_time_zone, language)


def revoked_on(certificate: Certificate) -> str:
    """When the certificate was revoked, in the event's zone, with the zone's name."""
    if not certificate.revoked_at:
        return ""
    return format_day_time(certificate.revoked_at, certificate.event_time_zone or "UTC")


def context(certificate: Certificate, language: str) -> dict:
    """What the PDF prints: the certificate's frozen record only, never the event as it is."""
    url = verification_url(certificate, language)
    return {
        "certificate": certificate,
        "name": certificate.holder_name,
        "title": certificate.event_title,
        "title_lang": certificate.event_title_language,
        "when": when(certificate, language),
        "format": certificate.get_event_format_display() if certificate.event_format else "",
        "location": certificate.event_location,
        "project_title_lang": certificate.project_title_language,
        "minutes": certificate.minutes,
        "verification_url": url,
        "qr_code": mark_safe(qr_svg(url)),  # noqa: S308  (segno's SVG of our own address)
        "language": language,
        # The logo set as at issue (frozen with the record), inline: the renderer fetches nothing.
        "logo_set": images.data_uri(certificate.logo_set),
    }


def certificate_html(certificate: Certificate) -> str:
    """The certificate in the language it was issued in."""
    language = certificate.language or certificate.registration.language
    with translation.override(language):
        return render_to_string("certificates/certificate.html", context(certificate, language))


@functools.cache
def _fetcher():
    """WeasyPrint's URL fetcher that reads only the inline logo set (a data: URI Aula wrote):
    nothing from the network or the disk. Built on first use (WeasyPrint imported then)."""
    from weasyprint.urls import URLFetcher

    class _InlinePicturesOnly(URLFetcher):
        def fetch(self, url, headers=None):
            if not url.startswith("data:image/"):
                raise ValueError(f"Certificates load no resources ({url[:80]!r})")
            return super().fetch(url, headers)

    return _InlinePicturesOnly(allowed_protocols={"data"})


def __getattr__(name):
    if name == "_refuse":  # the fetcher, as the tests call it
        return _fetcher()
    raise AttributeError(name)


def certificate_pdf(certificate: Certificate) -> bytes:
    import weasyprint

    html = certificate_html(certificate)
    return weasyprint.HTML(string=html, url_fetcher=_fetcher(), base_url=None).write_pdf()


def filename(certificate: Certificate) -> str:
    return f"certificate-{certificate.code}.pdf"
