from django.apps import AppConfig


class CoreConfig(AppConfig):
    """Site-wide plumbing every other app builds on; it imports none of them."""

    name = "core"
    verbose_name = "Site"

    def ready(self):
        from django.core.signals import request_finished

        from . import checks, retention  # noqa: F401 - register deploy checks, retention rules
        from .mail import deliver_after_response

        request_finished.connect(deliver_after_response, dispatch_uid="core.mail")
