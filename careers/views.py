from django.core.cache import cache
from django.db import DatabaseError, connection
from django.http import JsonResponse
from django.shortcuts import redirect
from django.templatetags.static import static
from django.views.generic import DetailView, TemplateView

from . import structured_data
from .geography import STATE_CHOICES
from .models import Career, GuideSection
from .pages import PageMixin, crumb, trail


class HomeView(PageMixin, TemplateView):
    template_name = "careers/home.html"
    page_title = "Honest allied-health career guides and real training programs"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            careers=Career.objects.published(), state_choices=STATE_CHOICES, **kwargs
        )


class CareerDetailView(PageMixin, DetailView):
    template_name = "careers/career_detail.html"
    og_type = "article"

    def get_queryset(self):
        return Career.objects.published().prefetch_related(
            "sections", "certifications__organization", "organizations"
        )

    def get_page_title(self):
        return f"How to become a {self.object.title}: training, certification and pay"

    def get_page_description(self):
        return f"{self.object.summary} Training, certification, steps, pay and outlook, sourced."

    def get_breadcrumbs(self):
        return trail(crumb(f"{self.object.title} guide", self.object.get_absolute_url()))

    def get_structured_data(self):
        career = self.object
        return [
            structured_data.occupation(
                self.request, career, career.national_wage, career.projection
            )
        ]

    def get_context_data(self, **kwargs):
        career = self.object
        sections = {section.key: section for section in career.sections.all()}
        # Pay and outlook come from BLS data and sit between the steps and the career paths.
        before = [sections[k] for k in GuideSection.Key.values[:8] if k in sections]
        after = [sections[k] for k in GuideSection.Key.values[8:] if k in sections]
        return super().get_context_data(
            sections_before_pay=before,
            sections_after_pay=after,
            wage=career.national_wage,
            projection=career.projection,
            program_count=career.programs.published().count(),
            correction_about=career,
            **kwargs,
        )


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
    try:
        cache.set("healthz", "ok", 10)
        checks["cache"] = "ok" if cache.get("healthz") == "ok" else "not storing"
    except Exception as exc:  # any backend failure (Redis down, refused) means unhealthy
        checks["cache"] = f"unavailable ({type(exc).__name__})"
    healthy = all(value == "ok" for value in checks.values())
    return JsonResponse(checks, status=200 if healthy else 503)
