from tests.reports.helpers import attendance  # noqa: F401
