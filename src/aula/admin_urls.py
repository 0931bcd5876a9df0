"""The admin's URLs, included lazily by ``aula/urls.py``: importing this module discovers the
admin (``aula.core.adminsite``), on its first request or reverse in a process."""

from django.contrib import admin

from aula.core.adminsite import discover

discover()
urlpatterns = admin.site.get_urls()
