from pathlib import Path

from django.conf import settings

from careers.importing import zips_import
from core.importcommand import ImportCommand


class Command(ImportCommand):
    help = "Load ZIP code centre points and metro areas from fixtures/geo/ (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--path", type=Path, default=settings.DATA_DIR / "geo" / "zip_centroids.csv"
        )

    def run_import(self):
        return zips_import(path=self.options["path"], progress=self.progress)
