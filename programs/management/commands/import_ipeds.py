import sys
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from core.datafiles import DataFileError
from programs.importing import ipeds_apply, ipeds_plan


class Command(BaseCommand):
    help = (
        "Load or refresh IPEDS schools and programs (2023-24), with five years of graduates, from "
        "fixtures/ipeds/. Shows what "
        "would change first (new, changed, unchanged, no longer in the source), then applies it. "
        "Fields edited here since the last import are kept unless --overwrite-edited; programs "
        "gone from the source are flagged for review, never deleted. A malformed row stops it "
        "with nothing changed."
    )

    def add_arguments(self, parser):
        ipeds = settings.DATA_DIR / "ipeds"
        parser.add_argument("--schools", type=Path, default=ipeds / "schools_2023-24.csv")
        parser.add_argument("--programs", type=Path, default=ipeds / "programs_2023-24.csv")
        parser.add_argument(
            "--completions", type=Path, default=ipeds / "completions_2019-20_to_2023-24.csv"
        )
        parser.add_argument("--dry-run", action="store_true", help="Show the summary only.")
        parser.add_argument(
            "--noinput", "--no-input", action="store_false", dest="interactive",
            help="Apply without asking.",
        )  # fmt: skip
        parser.add_argument(
            "--overwrite-edited",
            action="store_true",
            help="Replace fields that editors or schools changed since the last import.",
        )

    def progress(self, label, done, total):
        self.stdout.write(f"  {label}: written {done:,}/{total:,}")

    def handle(self, *args, **options):
        self.stdout.write("Reading and checking the IPEDS files…")
        try:
            refresh = ipeds_plan(
                schools_path=options["schools"],
                programs_path=options["programs"],
                completions_path=options["completions"],
                overwrite_edited=options["overwrite_edited"],
            )
        except DataFileError as exc:
            raise CommandError(f"Import stopped, nothing was changed. {exc}") from exc
        self.stdout.write("Dry run: what applying these files would do")
        for plan in refresh.plans:
            self.stdout.write(f"  {plan}")
        if options["dry_run"]:
            self.stdout.write("Dry run only: nothing was changed.")
            return
        if options["interactive"] and sys.stdin.isatty():
            answer = input("Apply these changes? [y/N] ")
            if answer.strip().lower() not in ("y", "yes"):
                self.stdout.write("Nothing was changed.")
                return
        ipeds_apply(refresh, progress=self.progress)
        self.stdout.write(self.style.SUCCESS("Applied."))
