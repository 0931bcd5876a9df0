import pytest

from tests.factories import make_event

# Double opt-in is on by default; most tests here are about places, not the address check, so
# their event says explicitly that registrants need not confirm their address.
NO_OPT_IN = {"double_opt_in": False}


@pytest.fixture
def event(db):
    return make_event(options=NO_OPT_IN)
