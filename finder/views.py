"""The program listing, /programs/: the filtered, sorted, paginated programs with their facet
counts and chips. Filters are in filters.py, counts in facets.py, chips in chips.py."""

from django.core.cache import cache
from django.shortcuts import redirect
from django.template.defaultfilters import floatformat
from django.template.loader import get_template
from django.utils.functional import cached_property
from django.utils.html import escape
from django.utils.http import urlencode
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django_filters.views import FilterView

from core.geography import state_name
from core.i18n import translated
from core.maps import results_map
from core.pagecache import PageCacheQueryMixin, first_requests, normalised_text
from core.pages import PageMixin, trail
from core.recent import Recent
from core.tags import KEPT_SECONDS, LISTINGS, SITE, kept, key_text, versions_of
from programs.models import Program
from programs.views import programs_crumb

from .chips import filter_chips
from .facets import SORTED_FIGURES, Facets
from .filters import DEFAULT_RADIUS, FREE_TEXT, STEPS, ProgramFilter
from .selections import compare_list, shortlist, update_urls

CARD_TEMPLATE = "programs/includes/program_card.html"
CARD_SECONDS = 3600
# This process's most recently shown cards, in front of the shared cache.
recent_cards = Recent(size=2000)
# Where a card's per-request parts go in its kept HTML: comments, which no escaped value can
# spell (autoescaping turns "<" into "&lt;").
DISTANCE_SLOT = mark_safe("<!--card:distance-->")
BACK_SLOT = mark_safe("<!--card:back-->")


def program_cards(programs, request) -> list[str]:
    """Each program's card (programs/includes/program_card.html) as HTML. A card is made once
    and kept in the shared cache and this process under the versions of what it shows (`site`:
    careers, record rules; `program:<pk>`: the program and its school) and whether it is in this
    visitor's compare list and shortlist; what changes per request is put in afterwards: the
    distance from the ZIP code searched around, and the page the card's buttons come back to.
    One cache read for the versions (none while this process holds them fresh), one for the
    cards (none while this process holds them all)."""
    if not programs:
        return []
    session = request.session
    compared, saved = set(compare_list(session).ids), set(shortlist(session).ids)
    site, *versions = versions_of(SITE, *(f"program:{p.pk}" for p in programs))
    language = get_language()
    keys = [
        f"card:v1:{language}:{p.pk}:{site}-{version}:{p.pk in compared:d}{p.pk in saved:d}"
        for p, version in zip(programs, versions, strict=True)
    ]
    held = {key: html for key in keys if (html := recent_cards.get(key)) is not None}
    if len(held) < len(keys):
        held |= cache.get_many([key for key in keys if key not in held])
    made = {}
    template = None
    for program, key in zip(programs, keys, strict=True):
        if key not in held:
            template = template or get_template(CARD_TEMPLATE)
            held[key] = made[key] = template.render(
                {
                    "program": program,
                    "distance_slot": DISTANCE_SLOT,
                    "selection_urls": {**update_urls(), "back": BACK_SLOT},
                    "compare_ids": {program.pk} & compared,
                    "shortlist_ids": {program.pk} & saved,
                }
            )
    if made:
        cache.set_many(made, CARD_SECONDS)
    for key in keys:
        recent_cards.put(key, held[key], CARD_SECONDS)
    back = escape(request.get_full_path())
    away = _("%(miles)s miles away")
    cards = []
    for program, key in zip(programs, keys, strict=True):
        distance = getattr(program, "distance_miles", None)  # only near a ZIP code
        html = held[key].replace(
            DISTANCE_SLOT,
            ""
            if distance is None
            else f" · <strong>{escape(away % {'miles': floatformat(distance, 1)})}</strong>",
        )
        cards.append(mark_safe(html.replace(BACK_SLOT, back)))
    return cards


class ListingRows:
    """The filtered, sorted programs as the paginator reads them: their number is the facet
    total (no COUNT query), and a page's programs are kept, per combination of filters, sort and
    page, under the versions of `site` and `listings` (core/tags.py `kept`): precomputed rows, so
    a listing asked for again builds and runs no query until an edit moves those tags. As the
    page cache does, rows for a keyword or a ZIP code (FREE_TEXT) are kept only when a worker
    sees them asked for a second time, so a crawl of one-off values keeps nothing. With an
    invalid value in the form (which may empty the list) they are read afresh."""

    def __init__(self, filterset, facets):
        self.filterset, self.facets = filterset, facets
        self.page_key = None  # names the page read last, with its versions, when it is kept

    def __len__(self):
        return self.facets.total

    def __getitem__(self, rows: slice):
        def read():
            return list(self.filterset.qs[rows])

        if self.filterset.is_bound and self.filterset.form.errors:
            return read()
        key = f"listing-rows:{self.facets.key}:{self.filterset.sort_key}:{rows.start}:{rows.stop}"
        versions = versions_of(SITE, LISTINGS)
        self.page_key = page_key = f"{key}:{key_text(versions)}"
        free_text = any(name in self.filterset.active() for name in FREE_TEXT)

        def worth_keeping():  # asked only when the rows were just read
            keep = not free_text or first_requests.asked_before(page_key, KEPT_SECONDS)
            if not keep:
                self.page_key = None  # nor is the map drawn from them
            return keep

        return kept(key, versions, read, worth_keeping)


class PageOutOfRange(Exception):
    """A page number that is not a number, or past either end: the listing redirects to the
    nearest page there is."""

    def __init__(self, number):
        self.number = number


def _has_figure(program, path) -> bool:
    """Whether a listed program has a value at `path` (e.g. "months_to_complete")."""
    value = program
    for name in path.split("__"):
        value = getattr(value, name)
    return value is not None


def toggled(query, name, on) -> str:
    """The listing's query string with the yes/no parameter `name` switched (off if `on`), back
    on the first page."""
    kept = [(k, v) for k, values in query.lists() if k not in (name, "page") for v in values]
    return "?" + urlencode(kept if on else [*kept, (name, "1")])


class ProgramListView(PageCacheQueryMixin, PageMixin, FilterView):
    filterset_class = ProgramFilter
    template_name = "finder/program_list.html"
    paginate_by = 20

    def get(self, request, *args, **kwargs):
        """The filter form sends every field; redirect to the short URL worth sharing."""
        sent = [(name, value) for name, values in request.GET.lists() for value in values]
        wanted = [
            (name, value)
            for name, value in sent
            if value != ""
            and not (
                name == "radius" and value == str(DEFAULT_RADIUS) and not request.GET.get("zip")
            )
        ]
        if wanted != sent:
            return redirect(self.listing_url(wanted))
        self.filterset = self.get_filterset(self.get_filterset_class())
        # Not strict: the valid values apply and the invalid ones' errors are shown.
        self.filterset.is_valid()
        self.object_list = ListingRows(self.filterset, self.facets)
        try:
            context = self.get_context_data(filter=self.filterset, object_list=self.object_list)
            return self.render_to_response(context)
        except PageOutOfRange as out_of_range:
            wanted = [(name, value) for name, value in wanted if name != "page"]
            if out_of_range.number > 1:
                wanted.append(("page", out_of_range.number))
            return redirect(self.listing_url(wanted))

    def listing_url(self, params):
        return f"{self.request.path}?{urlencode(params)}" if params else self.request.path

    def paginate_queryset(self, queryset, page_size):
        """The page asked for; a page that is not a number goes to the first page, one past the
        end to the last (PageOutOfRange, redirected in get())."""
        paginator = self.get_paginator(queryset, page_size)
        sent = self.request.GET.get("page") or "1"
        if not (sent.isascii() and sent.isdigit()):
            raise PageOutOfRange(1)
        number = int(sent)
        if number < 1 or number > paginator.num_pages:
            raise PageOutOfRange(min(max(number, 1), paginator.num_pages))
        page = paginator.page(number)
        return paginator, page, page.object_list, page.has_other_pages()

    def get_queryset(self):
        return Program.objects.for_listing()

    @cached_property
    def facets(self):
        return Facets(self.filterset)

    def valid_filters(self):
        return self.filterset.valid

    def get_page_title(self):
        data = self.valid_filters()
        career, state = data.get("career"), data.get("state")
        if career:
            title = translated(self.filterset.careers[career], "title")
            if state:
                return _("%(career)s programs in %(state)s") % {
                    "career": title,
                    "state": state_name(state),
                }
            return _("%(career)s programs") % {"career": title}
        if state:
            return _("Allied-health training programs in %(state)s") % {"state": state_name(state)}
        return _("Allied-health training programs")

    def get_page_description(self):
        return _(
            "%(title)s: real training programs from federal IPEDS data, with cost, length and "
            "graduates where reported."
        ) % {"title": self.get_page_title()}

    def get_breadcrumbs(self):
        return trail(programs_crumb())

    def get_canonical_query(self):
        """A filtered listing is canonical as its career and state (and page), nothing else."""
        data = self.valid_filters()
        params = {name: data[name] for name in ("career", "state") if data.get(name)}
        page = self.request.GET.get("page", "")
        if page.isascii() and page.isdigit() and int(page) > 1:
            params["page"] = page
        return urlencode(params)

    def get_page_cache_query(self, context):
        """The one URL this page is stored under: the short URL the filter form leads to (its
        fields in order, none empty, a ZIP code with its radius, the keyword normalised, costs
        and lengths from the form's steps), then a page past the first. None if a value is
        invalid, or while the counts shown are being counted again."""
        filterset = self.filterset
        if filterset.form.errors or self.facets.is_stale:
            return None
        steps = {name: values for name, _condition, values in STEPS}
        params = []
        for name in filterset.form.fields:
            value = filterset.valid.get(name)
            if value in (None, "") or (name == "radius" and not filterset.place):
                continue
            if name == "q":
                value = normalised_text(value)
            elif name == "zip":
                value = value.code
            elif name in steps:
                if value != int(value) or int(value) not in steps[name]:
                    return None
                value = int(value)
            params.append((name, value))
        if context["page_obj"].number > 1:
            params.append(("page", context["page_obj"].number))
        return urlencode(params)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        filterset = self.filterset
        programs = list(context["object_list"])
        figure = SORTED_FIGURES.get(filterset.sort_key)
        known = programs if figure is None else [p for p in programs if _has_figure(p, figure)]
        context.update(
            facets=self.facets,
            known_programs=known,
            programs_listed_last=programs[len(known) :],
            known_cards=program_cards(known, self.request),
            cards_listed_last=program_cards(programs[len(known) :], self.request),
            listed_last_count=self.facets.listed_last() if figure else 0,
            left_out=[
                (
                    count,
                    included,
                    up_to.unknowns_text(count, included),
                    toggled(self.request.GET, up_to.include_param, included),
                )
                for count, included, up_to in self.facets.left_out()
            ],
            listing_title=context["page_title"],
            place=filterset.place,
            radius=filterset.radius_miles,
            sort_key=filterset.sort_key,
            chips=filter_chips(filterset, self.request.GET),
            zip_is_invalid=filterset.zip_is_invalid,
            without_zip=self.listing_url(
                [
                    (name, value)
                    for name, values in self.request.GET.lists()
                    if name not in ("zip", "radius", "page")
                    for value in values
                ]
            ),
            compare_zip=filterset.place.code if filterset.place else "",
            export_query=self.request.GET.urlencode(),
        )
        if filterset.place:  # this page's programs on a map, numbered as the cards are
            shown = [*known, *context["programs_listed_last"]]
            context["results_map"] = results_map(
                place=filterset.place,
                points=[(p.pk, p.school.latitude, p.school.longitude) for p in shown],
                radius_miles=filterset.radius_miles,
            )
            # The map drawn is kept with the rows it shows (the template's fragment).
            context["results_map_key"] = self.object_list.page_key
        return context
