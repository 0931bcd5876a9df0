"""Double opt-in became the default: events that existed before keep registering as they did."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from aula.registrations.models import RegistrationOptions
from tests.factories import make_event

BEFORE = [("registrations", "0004_privacy_notice_controller")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)


@pytest.mark.django_db(transaction=True)
def test_existing_events_keep_double_opt_in_off_unless_their_organisers_chose_it():
    untouched = make_event()  # no options of its own: the old default, off
    chosen = make_event(options={"double_opt_in": True, "hold_hours": 12})
    migrate(BEFORE)
    migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())

    kept = RegistrationOptions.objects.get(event=untouched)
    assert kept.double_opt_in is False and kept.hold_hours == 48
    assert kept.reminder_offsets_minutes == [1440, 60]
    chosen_options = RegistrationOptions.objects.get(event=chosen)
    assert chosen_options.double_opt_in is True and chosen_options.hold_hours == 12
    assert RegistrationOptions.for_event(make_event()).double_opt_in is True
