import pytest
from django.core.cache import cache

from tests.factories import make_event


@pytest.fixture(autouse=True)
def _fresh_cache():
    # Rate limits and reminder throttles live in the cache: no test inherits another's.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def event(db):
    return make_event()
