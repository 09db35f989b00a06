from django.apps import AppConfig


class ProgramsConfig(AppConfig):
    name = "programs"
    verbose_name = "Schools and programs"

    def ready(self):
        from core.pagecache import invalidate_on_change

        from .models import Program, School

        invalidate_on_change(School, Program)
