"""/programs/about-the-data/: how the directory reads federal records, with today's counts. What
each cost basis means, how filters treat unknowns, the graduates flags, and the record-quality
rules with how many records each holds back (issue: never hide unknowns silently)."""

from django.db.models import Count, F
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView

from careers.models import PublishStatus
from core.pages import PageMixin, crumb, page_url, trail

from .costs import CostBasis, cost_basis_expression
from .models import Program
from .outcomes import YEARS, OutcomeFlag
from .quality import rules_with_counts


def programs_by(expression_or_field) -> dict:
    """How many published programs have each value of a field or an expression."""
    rows = (
        Program.objects.published()
        .annotate(value=expression_or_field)
        .order_by()
        .values("value")
        .annotate(n=Count("pk"))
    )
    return {row["value"]: row["n"] for row in rows}


class AboutDataView(PageMixin, TemplateView):
    template_name = "programs/about_data.html"
    page_title = gettext_lazy(
        "How we handle the data: costs, unknowns, graduates and held-back records"
    )
    page_description = gettext_lazy(
        "How the directory shows program costs and their basis, treats programs with no "
        "reported figure, flags programs with no recent graduates and holds back implausible "
        "federal records."
    )

    def get_breadcrumbs(self):
        return trail(
            crumb(_("Programs"), page_url("finder:program_list")),
            crumb(_("About the data"), reverse("programs:about_data")),
        )

    def get_context_data(self, **kwargs):
        by_basis = programs_by(cost_basis_expression())
        by_flag = programs_by(F("outcome_flag"))
        rules = rules_with_counts()
        return super().get_context_data(
            cost_bases=[(basis, by_basis.get(basis.value, 0)) for basis in CostBasis],
            flags=[
                (label, OutcomeFlag.ADVICE[value], by_flag.get(value, 0))
                for value, label in OutcomeFlag.CHOICES
            ],
            first_year=YEARS[0],
            latest_year=YEARS[-1],
            rules=rules,
            held_back_total=Program.objects.filter(
                held_back=True, status=PublishStatus.PUBLISHED
            ).count(),
            **kwargs,
        )
