from pathlib import Path

from django.conf import settings

from careers.management.importcommand import ImportCommand
from programs.importing import ipeds_import


class Command(ImportCommand):
    help = (
        "Load IPEDS schools and programs (2023-24) from fixtures/ipeds/. Idempotent: rows are "
        "matched on unitid + CIP + award level. A malformed row stops it with nothing changed."
    )

    def add_arguments(self, parser):
        ipeds = settings.DATA_DIR / "ipeds"
        parser.add_argument("--schools", type=Path, default=ipeds / "schools_2023-24.csv")
        parser.add_argument("--programs", type=Path, default=ipeds / "programs_2023-24.csv")

    def run_import(self):
        return ipeds_import(
            schools_path=self.options["schools"],
            programs_path=self.options["programs"],
            progress=self.progress,
        )
