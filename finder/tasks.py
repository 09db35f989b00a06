"""Work done after the response: run at once in development and tests (Django's immediate
backend), by `manage.py db_worker` in production (django-tasks-db, docs/deploy.md)."""

from django.http import QueryDict
from django.tasks import task

from core.tags import LISTINGS, SITE, versions_of
from programs.models import Program

from .facets import Facets
from .filters import ProgramFilter


@task
def recount_facets(query: str) -> None:
    """Count the facets of the listing filtered by `query` again, after an edit."""
    filterset = ProgramFilter(QueryDict(query) or None, queryset=Program.objects.for_listing())
    if filterset.is_bound:
        filterset.form.is_valid()
    Facets(filterset).recount(versions_of(SITE, LISTINGS))
