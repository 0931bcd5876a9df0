"""The one pagination of every list in the API: ``?limit=`` (1–200, default 50) and
``?offset=``, answered as ``{"count", "next", "previous", "results"}`` where ``next`` and
``previous`` are the full addresses of the neighbouring pages (null at the ends).

A list route returns a queryset (ordered, with its select_related/prefetch_related: one page
costs a bounded number of queries) or a list, and is decorated with ``@paginate``::

    @router.get("/events", response=list[EventOut])
    @paginate
    def events(request): ...
"""

from typing import Any

from django.http import QueryDict
from ninja import Field, Schema
from ninja.pagination import PaginationBase
from ninja.pagination import paginate as ninja_paginate

DEFAULT_LIMIT = 50
MAX_LIMIT = 200
MAX_OFFSET = 10**9  # beyond any list; bigger numbers overflow the databases' integers


class PageNumbers(PaginationBase):
    class Input(Schema):
        limit: int = Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT,
                           description=f"Items per page, at most {MAX_LIMIT}.")
        offset: int = Field(0, ge=0, le=MAX_OFFSET, description="How many items to skip.")

    class Output(Schema):
        count: int = Field(description="How many items the whole list has.")
        next: str | None = Field(description="Address of the next page, null on the last.")
        previous: str | None = Field(description="Address of the previous page, null on the first.")
        results: list[Any]

    items_attribute = "results"

    def paginate_queryset(self, queryset, pagination: Input, request, **params) -> dict:
        offset, limit = pagination.offset, min(pagination.limit, MAX_LIMIT)
        count = self._items_count(queryset)
        results = list(queryset[offset:offset + limit])
        return {
            "count": count,
            "next": page_url(request, offset + limit, limit) if offset + limit < count else None,
            "previous": page_url(request, max(offset - limit, 0), limit) if offset > 0 else None,
            "results": results,
        }


def page_url(request, offset: int, limit: int) -> str:
    query: QueryDict = request.GET.copy()
    query["offset"] = str(offset)
    query["limit"] = str(limit)
    return request.build_absolute_uri(f"{request.path}?{query.urlencode()}")


def paginate(func: Any) -> Any:
    """Paginate a list route (see the module's doc)."""
    return ninja_paginate(PageNumbers)(func)


class Mapped:
    """A queryset whose page is turned into dicts (or schemas) by ``convert``: the paginator
    counts and slices the queryset, then only the page's rows are converted::

        return Mapped(events, lambda event: event_out(event, language))
    """

    def __init__(self, queryset, convert):
        self.queryset, self.convert = queryset, convert

    def all(self):
        return self.queryset.all()

    def __getitem__(self, page: slice):
        return [self.convert(item) for item in self.queryset[page]]
