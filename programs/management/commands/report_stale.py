from datetime import timedelta

from django.core.management.base import BaseCommand
from django.db.models import Count
from django.utils import timezone

from programs.models import Program


class Command(BaseCommand):
    help = "Report published programs not verified by an editor in the last 12 months."

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=365)

    def handle(self, *args, days, **options):
        cutoff = timezone.localdate() - timedelta(days=days)
        published = Program.objects.published()
        stale = published.stale(cutoff)
        self.stdout.write(
            f"{stale.count():,} of {published.count():,} published programs not verified since "
            f"{cutoff:%B %-d, %Y} (never verified: {stale.filter(last_verified=None).count():,})."
        )
        rows = stale.values("career__title").annotate(n=Count("pk")).order_by("-n")
        for row in rows:
            self.stdout.write(f"  {row['career__title']}: {row['n']:,}")
        self.stdout.write("In the admin: Programs, filter “verification: stale”.")
