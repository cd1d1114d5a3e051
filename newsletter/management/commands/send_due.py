"""`manage.py send_due [--now ISO]`: one pass of the sending engine, by hand or from cron."""

from datetime import datetime

from django.core.management.base import BaseCommand, CommandError

from newsletter.delivery import dispatch


class Command(BaseCommand):
    help = "Dispatch every due email (sequence steps and broadcasts) once."

    def add_arguments(self, parser):
        parser.add_argument("--now", help="Act as if it were this ISO time (with offset).")

    def handle(self, *args, now=None, **options):
        try:
            moment = datetime.fromisoformat(now) if now else None
        except ValueError as error:
            raise CommandError(f"--now must be an ISO time: {error}") from None
        if moment is not None and moment.tzinfo is None:
            raise CommandError("--now needs a UTC offset, e.g. 2026-11-01T09:00+00:00.")
        report = dispatch.send_due(moment)
        self.stdout.write(
            f"dispatched {report.dispatched}, rescheduled {report.rescheduled}, "
            f"requeued {report.requeued}, reconciled {report.reconciled}"
        )
