"""Reminders are kept per start of the event, so a moved event gets them again. Reminders sent
before are taken to be for the event's present start (the best that is known of them)."""

from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def fill_event_starts_at(apps, schema_editor):
    ReminderSent = apps.get_model("registrations", "ReminderSent")
    Registration = apps.get_model("registrations", "Registration")
    ReminderSent.objects.update(event_starts_at=Subquery(
        Registration.objects.filter(pk=OuterRef("registration_id")).values("event__starts_at")[:1]
    ))


class Migration(migrations.Migration):

    dependencies = [
        ("registrations", "0001_initial"),
    ]

    operations = [
        migrations.RemoveConstraint(model_name="remindersent", name="reminder_sent_once"),
        migrations.AddField(
            model_name="remindersent", name="event_starts_at",
            field=models.DateTimeField(null=True),
        ),
        migrations.RunPython(fill_event_starts_at, migrations.RunPython.noop, elidable=True),
        migrations.AlterField(
            model_name="remindersent", name="event_starts_at", field=models.DateTimeField(),
        ),
        migrations.AddConstraint(
            model_name="remindersent",
            constraint=models.UniqueConstraint(
                fields=("registration", "offset_minutes", "event_starts_at"),
                name="reminder_sent_once_per_start",
            ),
        ),
    ]
