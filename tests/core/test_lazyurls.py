"""A lazily included URLconf is imported only when a request reaches it or one of its names
is reversed; then it behaves as an ordinary include."""

import sys

import pytest
from django.urls import clear_url_caches, get_resolver, resolve, reverse

TARGET = "tests.core.lazy_target_urls"


@pytest.fixture(autouse=True)
def urlconf(settings):
    settings.ROOT_URLCONF = "tests.core.lazy_root_urls"
    # Fresh modules each test: the root URLconf's resolver objects live in its module.
    sys.modules.pop(TARGET, None)
    sys.modules.pop("tests.core.lazy_root_urls", None)
    clear_url_caches()
    yield
    clear_url_caches()


def test_loading_the_urlconf_and_other_urls_import_nothing():
    get_resolver()._populate()
    assert reverse("plain") == "/plain/"
    assert resolve("/plain/").url_name == "plain"
    with pytest.raises(Exception):  # noqa: B017 - Resolver404, whatever the path
        resolve("/nowhere/")
    assert TARGET not in sys.modules


def test_a_request_under_its_prefix_imports_it(client):
    response = client.get("/lazy/hello/3/")
    assert response.status_code == 200 and response.content == b"hello 3"
    assert TARGET in sys.modules
    assert reverse("lazy:hello", args=[4]) == "/lazy/hello/4/"


def test_reversing_one_of_its_names_imports_it():
    get_resolver()._populate()
    assert reverse("lazy:hello", args=[5]) == "/lazy/hello/5/"
    assert TARGET in sys.modules
    assert resolve("/lazy/hello/5/").url_name == "hello"
