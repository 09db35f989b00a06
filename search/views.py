from django.utils.http import urlencode
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView

from core.pagecache import PageCacheQueryMixin, normalised_text
from core.pages import PageMixin

from .forms import SearchForm
from .ranking import kept_search


class SearchView(PageCacheQueryMixin, PageMixin, TemplateView):
    """One box across careers, programs, schools and certifications, results grouped by kind."""

    template_name = "search/search.html"
    page_title = gettext_lazy("Search")
    robots = "noindex"

    def get_context_data(self, **kwargs):
        form = SearchForm(self.request.GET or None)
        results = kept_search(form.cleaned_data["q"]) if form.is_valid() else None
        return super().get_context_data(form=form, results=results, **kwargs)

    def get_page_cache_query(self, context):
        """Stored bare, or for a valid search under its normalised words."""
        form = context["form"]
        if not form.is_bound:
            return ""
        if not form.is_valid():
            return None
        return urlencode({"q": normalised_text(form.cleaned_data["q"])})
