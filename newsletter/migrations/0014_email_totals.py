"""Running totals per email and per hour of sending, and which figures each ledger row adds.

Existing ledgers are counted once after migrating: `manage.py recount_numbers --repair`."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('newsletter', '0013_gentle_by_design'),
    ]

    operations = [
        migrations.CreateModel(
            name='EmailNumbers',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('kind', models.CharField(choices=[('step', 'Sequence step'), ('broadcast', 'Broadcast')], max_length=10)),
                ('email_id', models.BigIntegerField()),
                ('sent', models.BigIntegerField(default=0)),
                ('delivered', models.BigIntegerField(default=0)),
                ('bounced', models.BigIntegerField(default=0)),
                ('complained', models.BigIntegerField(default=0)),
                ('clicked', models.BigIntegerField(default=0)),
                ('unsubscribed', models.BigIntegerField(default=0)),
                ('booked', models.BigIntegerField(default=0)),
            ],
            options={
                'verbose_name_plural': 'email numbers',
            },
        ),
        migrations.CreateModel(
            name='SendHour',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('hour', models.DateTimeField(unique=True)),
                ('sent', models.BigIntegerField(default=0)),
                ('bounced', models.BigIntegerField(default=0)),
                ('complained', models.BigIntegerField(default=0)),
            ],
        ),
        migrations.AddField(
            model_name='delivery',
            name='counted',
            field=models.PositiveSmallIntegerField(default=0, editable=False),
        ),
        migrations.AddIndex(
            model_name='delivery',
            index=models.Index(fields=['sent_at'], name='newsletter__sent_at_4b2884_idx'),
        ),
        migrations.AddConstraint(
            model_name='emailnumbers',
            constraint=models.UniqueConstraint(fields=('kind', 'email_id'), name='one_total_per_email'),
        ),
    ]
