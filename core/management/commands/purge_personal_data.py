from django.core.management.base import BaseCommand

from core.privacy import personal_data_purge


class Command(BaseCommand):
    help = (
        "Erase personal data kept longer than the privacy page says (run daily by cron; see the "
        "README)."
    )

    def handle(self, *args, **options):
        for rule, count in personal_data_purge():
            self.stdout.write(f"{rule.what}: {count} erased")
