from django.apps import AppConfig


class ProgramsConfig(AppConfig):
    name = "programs"
    verbose_name = "Schools, programs and corrections"

    def ready(self):
        from django.db.backends.signals import connection_created

        from . import retention  # noqa: F401 - registers its retention rules
        from .search import set_candidate_threshold

        connection_created.connect(set_candidate_threshold, dispatch_uid="search-threshold")
