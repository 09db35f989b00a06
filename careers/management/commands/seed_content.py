from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from careers.seeding import content_seed
from core.datafiles import DataFileError


class Command(BaseCommand):
    help = (
        "Load careers, guide copy, certifications and organizations from fixtures/. "
        "Keeps what editors changed unless --overwrite is given."
    )

    def add_arguments(self, parser):
        parser.add_argument("--overwrite", action="store_true")

    def handle(self, *args, overwrite, **options):
        try:
            report = content_seed(
                content_dir=settings.DATA_DIR / "content",
                guides_dir=settings.DATA_DIR / "guides",
                overwrite=overwrite,
            )
        except DataFileError as exc:
            raise CommandError(f"Nothing was changed. {exc}") from exc
        for line in report:
            self.stdout.write(self.style.SUCCESS(line))
