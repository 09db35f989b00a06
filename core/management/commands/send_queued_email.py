from django.core.management.base import BaseCommand

from core.mail import email_send_due


class Command(BaseCommand):
    help = "Send queued emails that are due (run by cron every minute; see the README)."

    def handle(self, *args, **options):
        sent, failed = email_send_due()
        self.stdout.write(f"{sent} sent, {failed} failed (kept for the next run).")
