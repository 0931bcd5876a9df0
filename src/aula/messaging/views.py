"""The local mail viewer: where e-mails go when none are sent (the demo). 404 otherwise."""

from functools import wraps

from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils.http import content_disposition_header
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from aula.messaging import queries, services

PAGE_SIZE = 50


def viewer_only(view):
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not queries.mail_viewer_enabled():
            raise Http404
        response = view(request, *args, **kwargs)
        # Personal links live in these e-mails: keep them out of search engines.
        response["X-Robots-Tag"] = "noindex, nofollow"
        return response

    return require_safe(never_cache(wrapped))


@viewer_only
def mail_list(request):
    to = request.GET.get("to", "").strip()
    page = Paginator(queries.viewer_messages(to), PAGE_SIZE).get_page(request.GET.get("page"))
    for message in page:
        if message.to_render:  # not delivered yet: rendered now (and stored) as the worker would
            services.render_pending(message)
    return render(request, "messaging/mail_list.html", {"page": page, "to": to})


@viewer_only
def mail_detail(request, pk):
    message = queries.viewer_message(pk)
    if message is None:
        raise Http404
    if message.to_render:
        # Not delivered yet: rendered now (and stored) as the worker would.
        services.render_pending(message)
        message = queries.viewer_message(pk)
    return render(request, "messaging/mail_detail.html", {"message": message})


@viewer_only
def mail_attachment(request, pk, attachment_pk):
    attachment = queries.attachment(pk, attachment_pk)
    if attachment is None:
        raise Http404
    response = HttpResponse(bytes(attachment.content), content_type=attachment.mimetype)
    # Always a download, never rendered on this site's origin (an .html attachment would be).
    response["Content-Disposition"] = content_disposition_header(True, attachment.filename)
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
