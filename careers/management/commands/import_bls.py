from pathlib import Path

from django.conf import settings

from careers.importing import bls_import
from core.importcommand import ImportCommand


class Command(ImportCommand):
    help = (
        "Load BLS OEWS May 2025 wages, 2024-34 projections and the NCES/BLS CIP-SOC crosswalk "
        "from fixtures/ (idempotent)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--oews", type=Path, default=settings.DATA_DIR / "bls" / "oews_may2025.csv"
        )
        parser.add_argument(
            "--projections",
            type=Path,
            default=settings.DATA_DIR / "bls" / "projections_2024-34.csv",
        )
        parser.add_argument(
            "--crosswalk",
            type=Path,
            default=settings.DATA_DIR / "ipeds" / "cip_soc_crosswalk.csv",
        )

    def run_import(self):
        return bls_import(
            oews_path=self.options["oews"],
            projections_path=self.options["projections"],
            crosswalk_path=self.options["crosswalk"],
            progress=self.progress,
        )
