from pathlib import Path

from django.conf import settings

from careers.importing import bls_import
from careers.management.importcommand import ImportCommand


class Command(ImportCommand):
    help = "Load BLS OEWS May 2025 wages and 2024-34 projections from fixtures/bls/ (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--oews", type=Path, default=settings.DATA_DIR / "bls" / "oews_may2025.csv"
        )
        parser.add_argument(
            "--projections",
            type=Path,
            default=settings.DATA_DIR / "bls" / "projections_2024-34.csv",
        )

    def run_import(self):
        return bls_import(
            oews_path=self.options["oews"],
            projections_path=self.options["projections"],
            progress=self.progress,
        )
