"""Count every email's figures again from the ledger; say whether the totals agree, or repair."""

from django.core.management.base import BaseCommand

from newsletter.stats import recount


class Command(BaseCommand):
    help = "Recount the Numbers page's totals from the send ledger (--repair to put them right)."

    def add_arguments(self, parser):
        parser.add_argument("--repair", action="store_true", help="make the totals match")

    def handle(self, *args, repair: bool = False, **options):
        result = recount.recount(repair=repair)
        if repair:
            self.stdout.write(f"Recounted: {result.rows_off} ledger rows put right.")
        elif result.matches:
            self.stdout.write("The totals match the ledger.")
        else:
            self.stdout.write(
                f"The totals differ: {result.rows_off} ledger rows, "
                f"{len(result.emails_off)} emails, {len(result.hours_off)} hours."
            )
            raise SystemExit(1)
