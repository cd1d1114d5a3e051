import json

from django.core.management.base import BaseCommand, CommandError

from newsletter.subscribers import data_rights, subscriptions


class Command(BaseCommand):
    help = "Print everything kept about one subscriber as JSON (a subject-access request)."

    def add_arguments(self, parser):
        parser.add_argument("address")

    def handle(self, *args, address, **options):
        subscriber = subscriptions.find(address)
        if subscriber is None:
            raise CommandError(f"No subscriber with the address {address!r}.", returncode=1)
        self.stdout.write(json.dumps(data_rights.export(subscriber), indent=2, ensure_ascii=False))
