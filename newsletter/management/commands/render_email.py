from email import policy as mime_policy

from django.core.management.base import BaseCommand, CommandError

from newsletter.mail import previews


class Command(BaseCommand):
    help = (
        "Write to stdout the complete MIME message, as the SMTP transport would send it, of a "
        "sequence step, a broadcast or the confirmation email (to a made-up reader by default)."
    )

    def add_arguments(self, parser):
        which = parser.add_mutually_exclusive_group(required=True)
        which.add_argument("--sequence", metavar="SLUG")
        which.add_argument("--broadcast", metavar="SLUG")
        which.add_argument("--confirmation", action="store_true")
        parser.add_argument("--step", type=int, metavar="POSITION")
        parser.add_argument("--email", metavar="ADDRESS", help="an existing subscriber")

    def handle(self, *args, sequence, broadcast, confirmation, step, email, **options):
        if sequence and step is None:
            raise CommandError("Say which step with --step POSITION.", returncode=1)
        try:
            if sequence:
                message = previews.step_message(sequence, step, email)
            elif broadcast:
                message = previews.broadcast_message(broadcast, email)
            else:
                message = previews.confirmation_message(email)
        except previews.NotFound as missing:
            raise CommandError(str(missing), returncode=1) from None
        self.write(message.message(policy=mime_policy.SMTP).as_bytes())

    def write(self, raw: bytes) -> None:
        self.stdout.flush()
        binary = getattr(self.stdout, "buffer", None)
        if binary is None:
            self.stdout.write(raw.decode("utf-8", "surrogateescape"), ending="")
        else:
            binary.write(raw)
            binary.flush()
