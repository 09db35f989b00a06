from django.core.management.base import BaseCommand, CommandError

from core.datafiles import DataFileError


class ImportCommand(BaseCommand):
    """A thin command around an import service: shows progress, turns bad rows into errors."""

    def run_import(self):
        raise NotImplementedError

    def progress(self, label, done, total):
        self.stdout.write(f"  {label}: written {done}/{total}")

    def handle(self, *args, **options):
        self.options = options
        try:
            results = self.run_import()
        except DataFileError as exc:
            raise CommandError(f"Import stopped, nothing was changed. {exc}") from exc
        for result in results:
            self.stdout.write(self.style.SUCCESS(str(result)))
