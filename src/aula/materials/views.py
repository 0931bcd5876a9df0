"""The public download of a published document."""

from django.http import FileResponse, Http404
from django.views.decorators.http import require_safe

from aula.materials import queries


def document_response(material) -> FileResponse:
    """Always a download, typed by what the file is, never shown inline by the browser."""
    try:
        handle = material.file.open("rb")
    except (FileNotFoundError, OSError):
        raise Http404("File missing") from None
    response = FileResponse(
        handle, as_attachment=True, filename=material.filename or "document.pdf",
        content_type=material.file_type.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@require_safe
def download(request, project, event, material_id):
    material = queries.public_document(project, event, material_id)
    if material is None:
        raise Http404("No such document")
    return document_response(material)
