"""Reading the log in words: groups of actions, field names, values, and filters."""

import importlib
from datetime import date

import pytest
from django.utils import timezone
from django.utils.functional import Promise

from aula.audit import queries
from aula.audit import services as audit
from aula.audit.models import AuditEntry
from aula.console.models import Membership
from aula.events.models import Event
from tests.factories import make_event, utc

pytestmark = pytest.mark.django_db


def test_groups_offer_known_and_declared_prefixes_but_not_account_actions():
    audit.action("zebra.striped", "Striped a zebra")
    groups = dict(queries.groups())
    assert "event." in groups and "registration." in groups and "member." in groups
    assert audit.DOWNLOADED in groups
    assert groups["zebra."] == "zebra"
    assert "account." not in groups


def test_every_group_holds_the_actions_declared_under_its_prefix():
    # Every module that declares actions, so that the groups are checked against all of them.
    for module in ("announcements.services", "api.services", "attendance.jobs",
                   "attendance.services", "campaigns.services",
                   "certificates.services", "console.services", "events.agenda",
                   "events.lifecycle", "events.services", "feedback.services",
                   "materials.services", "projects.services", "registrations.imports",
                   "registrations.services", "registrations.setup", "webhooks.services"):
        importlib.import_module(f"aula.{module}")
    declared = audit.declared()
    for key in queries.GROUPS:
        prefixes = queries.SEVERAL_PREFIXES.get(key, (key,))
        assert all(any(name.startswith(p) for name in declared) for p in prefixes), key
    # No action of Aula's (their labels are translatable; tests declare plain ones) falls
    # outside the named groups, where the menu would offer it by a bare prefix.
    for name, label in declared.items():
        if (isinstance(label, Promise) and "." in name
                and not name.startswith(queries.NOT_IN_PROJECTS)):
            assert any(name.startswith(prefix) for key in queries.GROUPS
                       for prefix in queries.SEVERAL_PREFIXES.get(key, (key,))), name
    groups = dict(queries.groups())
    assert str(groups["certificates."]) == "Certificates"
    assert str(groups["materials."]) == "Materials"


def test_filtering_by_the_certificates_group_shows_its_actions_only():
    certificates = next(key for key, label in queries.groups() if label == "Certificates")
    event = make_event()
    audit.record(None, "certificates.issued", event, event=event)
    audit.record(None, "event.held", event)
    entries = queries.entries(project_id=event.project_id,
                              filters=queries.Filters(action=certificates))
    assert [entry.action for entry in entries] == ["certificates.issued"]


def test_a_group_of_several_prefixes_filters_by_any_of_them():
    event = make_event()
    for name in ("question.added", "privacy_notice.new_version", "registration_window.changed",
                 "registration.cancelled"):
        audit.record(None, name, event)
    entries = queries.entries(project_id=event.project_id,
                              filters=queries.Filters(action="setup"))
    assert sorted(entry.action for entry in entries) == [
        "privacy_notice.new_version", "question.added", "registration_window.changed"]


def test_changes_in_words_by_the_models_field_names():
    event = make_event()
    entry = audit.record(None, "event.published", event, changes={
        "status": ["draft", "published"], "capacity": [10, None], "is_online": [True, False],
        "title": [{"en": "Old"}, {"en": "New"}], "mystery": ["a", "b"],
        "email": [audit.CHANGED],
    })
    changes = {change.field: change for change in queries.readable_changes(entry)}
    status = Event._meta.get_field("status")
    assert changes["status"].label == str(status.verbose_name)
    assert (changes["status"].before, changes["status"].after) == ("Draft", "Published")
    assert (changes["capacity"].before, changes["capacity"].after) == ("10", "–")
    assert (changes["is_online"].before, changes["is_online"].after) == ("yes", "no")
    assert changes["title"].after == "en: New"
    assert changes["mystery"].label == "mystery"
    assert changes["email"].only_changed
    assert queries.object_kind(entry) == str(Event._meta.verbose_name)


def test_times_in_changes_are_shown_in_the_current_zone():
    event = make_event()
    entry = audit.record(None, "event.updated", event, changes={
        "starts_at": [utc(2026, 6, 10, 7), utc(2026, 6, 10, 8)],
    })
    with timezone.override("Europe/Vilnius"):
        (change,) = queries.readable_changes(entry)
    assert (change.before, change.after) == ("10 Jun 2026, 10:00", "10 Jun 2026, 11:00")


def test_an_entry_of_an_unknown_kind_of_object_still_reads():
    entry = AuditEntry(action="x.y", target_type="gone.model", changes={"a": [1, 2]},
                       data={"note": [1, 2]})
    assert queries.object_kind(entry) == "gone.model"
    (change,) = queries.readable_changes(entry)
    assert (change.label, change.before, change.after) == ("a", "1", "2")
    assert queries.readable_details(entry) == [("note", "1, 2")]
    assert queries.changes_text(entry) == "a: 1 → 2"
    assert queries.details_text(entry) == '{"note": [1, 2]}'


def test_membership_role_by_its_label():
    membership_role = Membership._meta.get_field("role")
    entry = AuditEntry(target_type="console.membership", changes={"role": ["viewer", "owner"]})
    (change,) = queries.readable_changes(entry)
    assert change.label == str(membership_role.verbose_name)
    assert change.after == str(dict(membership_role.flatchoices)["owner"])


def test_filters_dates_are_days_in_the_current_zone():
    event = make_event()
    # 23:30 UTC on 1 March is already 2 March in Vilnius.
    audit.record(None, "event.published", event, at=utc(2026, 3, 1, 23, 30))
    project_id = event.project_id
    with timezone.override("Europe/Vilnius"):
        on_2nd = queries.entries(project_id=project_id, filters=queries.Filters(
            since=date(2026, 3, 2), until=date(2026, 3, 2)))
        assert on_2nd.count() == 1
    on_2nd_utc = queries.entries(project_id=project_id, filters=queries.Filters(
        since=date(2026, 3, 2)))
    assert on_2nd_utc.count() == 0
    assert queries.actors(project_id=project_id) == []
    assert queries.Filters(actor="x").active and not queries.Filters().active
