"""Public pages of certificates: verification by code, and the registrant's own PDF."""

from django.http import HttpResponse
from django.shortcuts import render
from django.utils.http import content_disposition_header
from django.utils.translation import get_language
from django.views.decorators.http import require_safe

from aula.certificates import document, queries
from aula.registrations.views import personal_link


def pdf_response(certificate, content: bytes | None = None) -> HttpResponse:
    if content is None:
        content = document.certificate_pdf(certificate)
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=document.filename(certificate)
    )
    return response


@require_safe
def verify(request, code):
    certificate = queries.by_code(code)
    context = {"certificate": certificate, "code": code}
    if certificate is not None:
        # What the certificate says, as issued: never the event as it is now.
        context.update(
            content_language=certificate.event_title_language or certificate.language,
            when=document.when(certificate, get_language()),
            revoked_on=document.revoked_on(certificate),
        )
    response = render(
        request, "certificates/verify.html", context, status=200 if certificate else 404
    )
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


@require_safe
@personal_link
def mine(request, registration):
    certificate = queries.of_registration(registration)
    if certificate is None:
        return render(request, "certificates/none.html", {"registration": registration},
                      status=404)
    return pdf_response(certificate)
