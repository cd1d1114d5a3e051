import secrets

from django.db import migrations, models

import newsletter.models.subscribers
import newsletter.models.validators


def fill_public_ids(apps, schema_editor):
    Subscriber = apps.get_model("newsletter", "Subscriber")
    for subscriber in Subscriber.objects.filter(public_id__isnull=True).only("pk").iterator():
        Subscriber.objects.filter(pk=subscriber.pk).update(public_id=secrets.token_urlsafe(16))


def address_key(address):
    # The key as newsletter.subscribers.addresses.key makes it (frozen here, as migrations are).
    local, _, domain = address.rpartition("@")
    ascii_lower = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")
    return f"{local.translate(ascii_lower)}@{domain.lower()}"


def rekey_addresses(apps, schema_editor):
    """Keys were case-folded (ſuzy and suzy shared one); now only ASCII letters are folded."""
    Subscriber = apps.get_model("newsletter", "Subscriber")
    for subscriber in Subscriber.objects.exclude(email="").only("pk", "email", "email_key"):
        key = address_key(subscriber.email)
        if key != subscriber.email_key:
            Subscriber.objects.filter(pk=subscriber.pk).update(email_key=key)


class Migration(migrations.Migration):
    dependencies = [
        ("newsletter", "0004_delivery_soft_bounce"),
    ]

    operations = [
        migrations.AddField(
            model_name="subscriber",
            name="public_id",
            field=models.CharField(max_length=32, null=True, editable=False),
        ),
        migrations.RunPython(fill_public_ids, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="subscriber",
            name="public_id",
            field=models.CharField(
                default=newsletter.models.subscribers.new_public_id,
                editable=False,
                max_length=32,
                unique=True,
            ),
        ),
        migrations.AddField(
            model_name="subscriber",
            name="data_link_used_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.RunPython(rekey_addresses, migrations.RunPython.noop),
        migrations.AlterModelOptions(
            name="practice",
            options={
                "permissions": [
                    ("view_outbox", "Can read the emails written to the outbox on disk")
                ],
                "verbose_name": "practice settings",
                "verbose_name_plural": "practice settings",
            },
        ),
        migrations.AlterField(
            model_name="practice",
            name="name",
            field=models.CharField(
                max_length=200, validators=[newsletter.models.validators.single_line]
            ),
        ),
        migrations.AlterField(
            model_name="practice",
            name="sender_name",
            field=models.CharField(
                max_length=200, validators=[newsletter.models.validators.single_line]
            ),
        ),
    ]
