"""Work done after the response (see finder/tasks.py for how tasks run)."""

from django.tasks import task

from core.tags import LISTINGS, SITE, versions_of

from .vocabulary import rebuilt


@task
def rebuild_vocabulary() -> None:
    """Build the search vocabulary of the current versions, after an edit."""
    rebuilt(versions_of(SITE, LISTINGS))
