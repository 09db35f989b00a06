from django.apps import AppConfig


class CareersConfig(AppConfig):
    name = "careers"
    verbose_name = "Careers and guides"

    def ready(self):
        from django.db.models.signals import m2m_changed, post_delete, post_save

        from . import checks  # noqa: F401 - registers the deploy checks
        from .pagecache import content_model_changed

        for signal in (post_save, post_delete, m2m_changed):
            signal.connect(content_model_changed, dispatch_uid=f"pagecache-{signal!r}")
