from pathlib import Path

from django.conf import settings

from careers.importing import onet_import
from core.importcommand import ImportCommand


class Command(ImportCommand):
    help = "Load O*NET 29.3 tasks, skills and technology examples from fixtures/onet/ (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("--dir", type=Path, default=settings.DATA_DIR / "onet")

    def run_import(self):
        return onet_import(onet_dir=self.options["dir"], progress=self.progress)
