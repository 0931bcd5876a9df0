# The Campaign model comes from the messaging app: its table (messaging_campaign), with its
# rows, is taken over as it is and then renamed to campaigns_campaign.

import aula.core.fields
import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('events', '0001_initial'),
        ('messaging', '0003_campaigns_leave_messaging'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='Campaign',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('group', models.CharField(choices=[('all', 'Everyone registered (not cancelled)'), ('confirmed', 'Confirmed'), ('waiting', 'On the waiting list'), ('session', 'One parallel session'), ('attended', 'Attended'), ('absent', 'Confirmed but did not attend')], max_length=16, verbose_name='recipients')),
                        ('subject', aula.core.fields.TranslatedTextField(max_length=200, verbose_name='subject')),
                        ('body', aula.core.fields.TranslatedTextField(max_length=20000, multiline=True, verbose_name='message')),
                        ('created_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='created at')),
                        ('status', models.CharField(choices=[('draft', 'Draft'), ('sending', 'Being queued'), ('queued', 'Queued')], default='draft', max_length=16, verbose_name='status')),
                        ('send_requested_at', models.DateTimeField(blank=True, null=True, verbose_name='sent at')),
                        ('queued_at', models.DateTimeField(blank=True, null=True, verbose_name='all queued at')),
                        ('recipient_count', models.PositiveIntegerField(default=0, verbose_name='recipients')),
                        ('block', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='events.agendablock', verbose_name='session')),
                        ('created_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='written by')),
                        ('event', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='campaigns', to='events.event', verbose_name='event')),
                    ],
                    options={
                        'verbose_name': 'message to registrants',
                        'verbose_name_plural': 'messages to registrants',
                        'ordering': ['-created_at', '-id'],
                        'db_table': 'messaging_campaign',
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.AlterModelTable(name='campaign', table=None),
    ]
