from django.views.generic import DetailView, TemplateView

from .breadcrumbs import crumb, trail
from .geography import STATE_CHOICES
from .models import Career, GuideSection


class HomeView(TemplateView):
    template_name = "careers/home.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            careers=Career.objects.published(), state_choices=STATE_CHOICES, **kwargs
        )


class CareerDetailView(DetailView):
    template_name = "careers/career_detail.html"

    def get_queryset(self):
        return Career.objects.published().prefetch_related(
            "sections", "certifications__organization", "organizations"
        )

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
            breadcrumbs=trail(crumb(f"{career.title} guide", career.get_absolute_url())),
            **kwargs,
        )
