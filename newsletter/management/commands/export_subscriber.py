import json

from django.core.management.base import BaseCommand

from newsletter.observability import audit
from newsletter.subscribers import data_rights

from ._subscriber import named


class Command(BaseCommand):
    help = "Print everything kept about one subscriber as JSON (a subject-access request)."

    def add_arguments(self, parser):
        parser.add_argument("address")

    def handle(self, *args, address, **options):
        subscriber = named(address)
        self.stdout.write(json.dumps(data_rights.export(subscriber), indent=2, ensure_ascii=False))
        audit.record(None, "export", subscriber, channel="command")
