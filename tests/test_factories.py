"""The test data has one factory of each kind, in ``tests/factories.py``: a second
``make_event`` with other defaults (as there once was) cannot come back unnoticed."""

import re
from pathlib import Path

import pytest

TESTS = Path(__file__).parent


def definitions(name: str) -> list[str]:
    """Every ``def <name>(`` under tests/ (nested ones too), as "path:line"."""
    pattern = re.compile(rf"^[ \t]*(?:async[ \t]+)?def {name}\(", re.MULTILINE)
    found = []
    for path in sorted(TESTS.rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        for match in pattern.finditer(text):
            line = text.count("\n", 0, match.start()) + 1
            found.append(f"{path.relative_to(TESTS.parent).as_posix()}:{line}")
    return found


def test_exactly_one_make_event_under_tests():
    found = definitions("make_event")
    assert len(found) == 1, found
    assert found[0].startswith("tests/factories.py:")


@pytest.mark.parametrize("name", ["make_project", "make_registration"])
def test_one_factory_of_each_kind_in_tests_factories(name):
    found = definitions(name)
    assert [place.split(":")[0] for place in found] == ["tests/factories.py"], found
