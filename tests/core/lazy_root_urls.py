"""A root URLconf for tests/core/test_lazyurls.py."""

from django.http import HttpResponse
from django.urls import path

from aula.core.lazyurls import lazy_include

urlpatterns = [
    path("plain/", lambda request: HttpResponse("plain"), name="plain"),
    lazy_include("lazy/", "tests.core.lazy_target_urls", namespace="lazy"),
]
