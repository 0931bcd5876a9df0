# The Campaign model moves to the campaigns app (campaigns/0001 takes its table over and
# renames it), and the outbox keeps a campaign's id as a plain number, no foreign key: messaging
# knows no app that writes e-mails. The column (campaign_id) and its values stay.

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('messaging', '0002_campaign_outboxmessage_campaign_and_more'),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name='outboxmessage',
            name='outbox_campaign_once',
        ),
        # The foreign key becomes a number in the same column (its constraint is dropped).
        migrations.AlterField(
            model_name='outboxmessage',
            name='campaign',
            field=models.PositiveBigIntegerField(blank=True, db_column='campaign_id', db_index=True, null=True, verbose_name='message to registrants'),
        ),
        migrations.RenameField(
            model_name='outboxmessage',
            old_name='campaign',
            new_name='campaign_id',
        ),
        migrations.AlterField(
            model_name='outboxmessage',
            name='campaign_id',
            field=models.PositiveBigIntegerField(blank=True, db_index=True, null=True, verbose_name='message to registrants'),
        ),
        migrations.AddConstraint(
            model_name='outboxmessage',
            constraint=models.UniqueConstraint(condition=models.Q(('campaign_id__isnull', False), ('registration_id__isnull', False)), fields=('campaign_id', 'registration_id'), name='outbox_campaign_once'),
        ),
        # The model leaves messaging's state; its table stays for campaigns/0001.
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name='Campaign')],
            database_operations=[],
        ),
    ]
