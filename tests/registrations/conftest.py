import pytest

from tests.factories import make_event


@pytest.fixture
def event(db):
    return make_event()
