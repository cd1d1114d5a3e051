from django.core.management.base import BaseCommand

from newsletter.management import devrun


class Command(BaseCommand):
    help = (
        "Run the web server, a Celery worker and Celery beat in the foreground; Ctrl-C stops all."
    )

    def add_arguments(self, parser):
        parser.add_argument("--address", default="127.0.0.1:8000")

    def handle(self, *args, address, **options):
        raise SystemExit(devrun.run(address))
