from django.apps import AppConfig


class CareersConfig(AppConfig):
    name = "careers"
    verbose_name = "Careers and guides"

    def ready(self):
        from core.tags import invalidate_on_change

        from . import models

        # Every model here is shown on public pages (guides, pay, certifications).
        invalidate_on_change(
            models.Career, models.GuideSection, models.Organization, models.Certification,
            models.CertificationRoute,
            models.WageEstimate, models.Projection, models.ZipCode, models.CipSocLink,
            models.OnetTask, models.OnetSkill, models.OnetTechnology,
        )  # fmt: skip
