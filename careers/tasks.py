"""Work done after the response: run at once in development and tests (Django's immediate
backend), by `manage.py db_worker` in production (django-tasks-db, docs/deploy.md)."""

from django.tasks import task

from core.tags import keep_counts

from .facts import count_programs, program_counts_key


@task
def recount_programs(career_id: int, versions: list[int]) -> None:
    """Count a career's programs again after an edit, kept under the versions the request that
    asked saw (careers/facts.py): what is counted now is at least as new as they are."""
    keep_counts(program_counts_key(career_id), tuple(versions), count_programs(career_id))
