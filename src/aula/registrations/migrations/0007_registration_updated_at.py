"""Registrations say when they last changed (the API's ``updated_since``); existing rows take
their registration time."""

import django.utils.timezone
from django.db import migrations, models
from django.db.models import F


def from_created(apps, schema_editor):
    Registration = apps.get_model("registrations", "Registration")
    Registration.objects.update(updated_at=F("created_at"))


class Migration(migrations.Migration):

    dependencies = [
        ('events', '0005_event_image'),
        ('registrations', '0006_email_texts_and_follow_ups'),
    ]

    operations = [
        migrations.AddField(
            model_name='registration',
            name='updated_at',
            field=models.DateTimeField(default=django.utils.timezone.now, verbose_name='updated at'),
        ),
        migrations.RunPython(from_created, migrations.RunPython.noop),
        migrations.AddIndex(
            model_name='registration',
            index=models.Index(fields=['event', 'updated_at', 'id'], name='registration_by_change'),
        ),
    ]
