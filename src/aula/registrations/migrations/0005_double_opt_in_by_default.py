"""Double opt-in becomes the default for new events. Events that exist already keep what they
had: those without options of their own (they had double opt-in off, the old default) get a row
saying so, so their registrants are not suddenly asked to confirm their address."""

from django.db import migrations, models


def keep_existing_events_as_they_were(apps, schema_editor):
    Event = apps.get_model("events", "Event")
    RegistrationOptions = apps.get_model("registrations", "RegistrationOptions")
    without = Event.objects.filter(registration_options__isnull=True).values_list("pk", flat=True)
    RegistrationOptions.objects.bulk_create(
        [RegistrationOptions(event_id=pk, double_opt_in=False) for pk in without.iterator()],
        batch_size=500,
    )


class Migration(migrations.Migration):

    dependencies = [
        ('registrations', '0004_privacy_notice_controller'),
    ]

    operations = [
        migrations.RunPython(keep_existing_events_as_they_were, migrations.RunPython.noop),
        migrations.AlterField(
            model_name='registrationoptions',
            name='double_opt_in',
            field=models.BooleanField(default=True, help_text='Registrants confirm their address by a link; their place is held meanwhile.', verbose_name='confirm e-mail addresses'),
        ),
    ]
