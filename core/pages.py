"""What every page gives base.html: title, description, canonical URL, breadcrumbs, JSON-LD."""

from functools import cache

from django.urls import get_script_prefix, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

SITE_NAME = gettext_lazy("Allied Health Training Directory")


def page_url(name: str) -> str:
    """The URL of a page that takes no arguments ("careers:home"), reversed once per process,
    language (Spanish pages are under /es/) and script prefix."""
    return _page_url(name, get_language(), get_script_prefix())


@cache
def _page_url(name, language, prefix) -> str:
    return reverse(name)


def crumb(name: str, url: str) -> dict:
    return {"name": name, "url": url}


def trail(*crumbs: dict) -> list[dict]:
    """Home, then the given crumbs: the page's breadcrumb trail."""
    return [crumb(_("Home"), page_url("careers:home")), *crumbs]


def breadcrumb_list(request, crumbs: list[dict]) -> dict:
    """schema.org BreadcrumbList for a trail."""
    return {
        "@context": "https://schema.org",
        "@type": "BreadcrumbList",
        "itemListElement": [
            {
                "@type": "ListItem",
                "position": position,
                "name": item["name"],
                "item": request.build_absolute_uri(item["url"]),
            }
            for position, item in enumerate(crumbs, start=1)
        ],
    }


def web_page(request, url: str, title, description) -> dict:
    """schema.org WebPage for the page itself: its name, address and language."""
    return {
        "@context": "https://schema.org",
        "@type": "WebPage",
        "@id": url,
        "url": url,
        "name": str(title),
        "description": str(description),
        "inLanguage": get_language(),
        "isPartOf": {
            "@type": "WebSite",
            "name": str(SITE_NAME),
            "url": request.build_absolute_uri(page_url("careers:home")),
        },
    }


class PageMixin:
    """Fills the page's metadata; views override the get_* methods they need."""

    page_title = SITE_NAME
    page_description = gettext_lazy(
        "Honest career guides and a directory of real allied-health training programs, "
        "from federal data, with sources."
    )
    og_type = "website"
    robots = ""  # e.g. "noindex" for pages search engines should leave out

    def get_page_title(self):
        return self.page_title

    def get_page_description(self):
        return self.page_description

    def get_breadcrumbs(self):
        return trail()

    def get_structured_data(self):
        return []

    def get_canonical_query(self):
        """The query string that still names this page's content ("" for most pages)."""
        return ""

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        crumbs = self.get_breadcrumbs()
        query = self.get_canonical_query()
        canonical = self.request.build_absolute_uri(self.request.path)
        canonical_url = f"{canonical}?{query}" if query else canonical
        title, description = self.get_page_title(), self.get_page_description()
        context.update(
            page_title=title,
            page_description=description,
            canonical_url=canonical_url,
            og_type=self.og_type,
            robots=self.robots,
            breadcrumbs=crumbs,
            structured_data=[
                *self.get_structured_data(),
                breadcrumb_list(self.request, crumbs),
                web_page(self.request, canonical_url, title, description),
            ],
        )
        return context


def safe_local_path(page) -> str:
    """A path on this site to link back to; anything else (another site, javascript:) is "/"."""
    page = str(page or "")
    if page.startswith("/") and url_has_allowed_host_and_scheme(page, None):
        return page
    return "/"
