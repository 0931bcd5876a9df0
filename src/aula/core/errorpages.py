"""Error pages Django would otherwise answer with its own bare English ones."""

from django.shortcuts import render


def csrf_failure(request, reason=""):
    """A form sent without its security token (expired, another tab, cookies blocked): the
    site's own page in the address's language, saying what to do; nothing was stored."""
    return render(request, "403_csrf.html", status=403)
