"""Two scheduler ticks erasing at once (real threads, own connections): each person is erased
once, in one batch, and the audit log counts them once."""

from datetime import UTC, datetime, timedelta

import pytest

from aula.audit.models import AuditEntry
from aula.registrations import retention
from aula.registrations.models import Registration
from tests.factories import make_event, make_project, make_registration
from tests.registrations.test_concurrency import in_threads

pytestmark = pytest.mark.django_db(transaction=True)

AUDIT_END = datetime(2028, 1, 1, tzinfo=UTC)


def test_overlapping_ticks_erase_each_person_once():
    project = make_project(last_payment_year=2022)
    events = [make_event(project, starts_at=datetime(2021, 6, 15, 7, tzinfo=UTC)
                         + timedelta(days=n)) for n in range(2)]
    ids = sorted(make_registration(events[n % 2]).pk for n in range(30))

    erased = in_threads(
        lambda _n: retention.erase_due_personal_data(AUDIT_END, batch_size=4), range(4)
    )

    assert sum(erased) == 30
    assert not Registration.objects.filter(anonymised_at__isnull=True).exists()
    logged = [pk for entry in AuditEntry.objects.filter(action=retention.RETENTION_ERASED)
              for pk in entry.data["ids"]]
    assert sorted(logged) == ids  # every one, none twice
