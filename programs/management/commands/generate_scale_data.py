from django.core.management.base import BaseCommand, CommandError

from programs import synthetic


class Command(BaseCommand):
    help = (
        "Fill a database of its own with SYNTHETIC schools and programs for scale tests "
        "(PostgreSQL; refuses a database holding real programs). See programs/synthetic.py."
    )

    def add_arguments(self, parser):
        parser.add_argument("--programs", type=int, required=True, help="e.g. 10000, 1000000")
        parser.add_argument(
            "--seed", type=float, default=0.42, help="-1 to 1; the same seed, the same data"
        )

    def handle(self, *args, programs, seed, **options):
        if not 1 <= programs <= 5_000_000:
            raise CommandError("--programs must be between 1 and 5,000,000.")
        if not -1 <= seed <= 1:
            raise CommandError("--seed must be between -1 and 1.")
        try:
            schools, made = synthetic.generate(programs, seed)
        except synthetic.RealDataPresent as error:
            raise CommandError(str(error)) from None
        self.stdout.write(f"Synthetic data: {made:,} programs at {schools:,} schools.")
