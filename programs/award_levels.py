"""/programs/award-levels/: what each federal award level on a program means, in plain words
(the words are in the template), with how many listed programs are at each level."""

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView

from core.pages import PageMixin, crumb, trail

from .models import CredentialLevel, Program
from .views import programs_crumb


class AwardLevelsView(PageMixin, TemplateView):
    template_name = "programs/award_levels.html"
    page_title = gettext_lazy("Award levels in plain words")
    page_description = gettext_lazy(
        "What each program label means, from a certificate of under 12 weeks to a master's "
        "degree, and why a one-to-two-year certificate can take nine months."
    )

    def get_breadcrumbs(self):
        return trail(programs_crumb(), crumb(_("Award levels"), reverse("programs:award_levels")))

    def get_context_data(self, **kwargs):
        counts = Program.objects.published().count_by_credential()  # one GROUP BY query
        levels = [(level, counts.get(level.value, 0)) for level in CredentialLevel]
        return super().get_context_data(levels=levels, **kwargs)
