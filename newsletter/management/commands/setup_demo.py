from django.core.management.base import BaseCommand

from newsletter.management import demo


class Command(BaseCommand):
    help = "Load the demo practice and create the therapist's login (idempotent)."

    def handle(self, *args, **options):
        practice = demo.load_demo()
        password = demo.create_therapist()
        self.stdout.write(f"Practice: {practice.name}")
        if password:
            self.stdout.write(
                self.style.SUCCESS(
                    f"Therapist login (shown once): username 'therapist', password '{password}'"
                )
            )
        else:
            self.stdout.write("Therapist login 'therapist' already exists.")
