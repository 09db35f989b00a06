from django.apps import AppConfig


class SearchConfig(AppConfig):
    """One search box across careers, programs, schools and certifications."""

    name = "search"
    verbose_name = "Site search"

    def ready(self):
        from django.db.backends.signals import connection_created

        from core.tags import invalidate_on_change

        from .models import Synonym
        from .postgres import set_candidate_threshold

        connection_created.connect(set_candidate_threshold, dispatch_uid="search-threshold")
        # Search pages are cached, and the vocabulary (synonyms included) per content version.
        invalidate_on_change(Synonym)
