"""Every delete in the console is asked twice: the delete button posts to its view, which
answers with a page saying what will go (and what goes with it) and a second button that posts
again with ``confirmed=yes``. No JavaScript needed, and a slip of the mouse deletes nothing."""

from django.http import HttpResponse
from django.shortcuts import render

CONFIRMED = "confirmed"


def ask_first(
    request, *, what: str, consequences: list[str] = (), back: str
) -> HttpResponse | None:
    """None when the request confirms the delete; otherwise the page asking to confirm it.
    ``what`` names the thing ("the block “Plenary”"), ``back`` is where "Keep it" leads."""
    if request.POST.get(CONFIRMED) == "yes":
        return None
    return render(request, "console/confirm_delete.html", {
        "what": what, "consequences": [c for c in consequences if c], "back": back,
        "action": request.path, "next": request.POST.get("next", ""),
    })
