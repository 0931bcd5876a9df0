"""A URLconf for tests/core/test_lazyurls.py, included lazily."""

from django.http import HttpResponse
from django.urls import path

app_name = "lazy"
urlpatterns = [path("hello/<int:n>/", lambda request, n: HttpResponse(f"hello {n}"), name="hello")]
