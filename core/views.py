"""Site-wide views: the privacy page, the favicon and the health check."""

from django.core.cache import cache
from django.db import DatabaseError, connection
from django.http import JsonResponse
from django.shortcuts import redirect
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView

from .pages import PageMixin, crumb, trail
from .privacy import RULES


class PrivacyView(PageMixin, TemplateView):
    """What personal data we keep and for how long, from the retention rules the apps register
    (core/privacy.py), so the page can't drift from what the purge does."""

    template_name = "core/privacy.html"
    page_title = gettext_lazy("Privacy")
    page_description = gettext_lazy(
        "What personal data the directory keeps, why, and for how long."
    )

    def get_breadcrumbs(self):
        return trail(crumb(_("Privacy"), reverse("core:privacy")))

    def get_context_data(self, **kwargs):
        # The rules' texts are English, marked for translation where they are registered.
        rules = [
            {"what": _(str(rule.what)), "why": _(str(rule.why)), "kept": _(str(rule.kept))}
            for rule in RULES
        ]
        return super().get_context_data(rules=rules, **kwargs)


def favicon(request):
    return redirect(static("favicon.svg"), permanent=True)


def healthz(request):
    """For load balancers: 200 when the database and the cache answer, 503 otherwise."""
    checks = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        checks["database"] = "ok"
    except DatabaseError as exc:
        checks["database"] = f"unavailable ({type(exc).__name__})"
    # The cache answers like an empty one while Redis is down (core/cache.py).
    cache.set("healthz", "ok", 10)
    checks["cache"] = "ok" if cache.get("healthz") == "ok" else "unavailable (not storing)"
    healthy = all(value == "ok" for value in checks.values())
    return JsonResponse(checks, status=200 if healthy else 503)
