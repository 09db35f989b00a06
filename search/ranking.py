"""Site search: one box across careers, programs, schools and certifications.

`site_search` is where the site's search starts. It reads the query once: what it means
(`understand`, search/understanding.py: misspellings corrected against the vocabulary of names we
hold, editors' synonyms expanded, places found), then its words (`Terms`, search/terms.py). It
runs `search_careers`, `search_programs_and_schools` and `search_certifications` on the corrected
words; each starts from the kind's reading rules (`Career.objects.published()`,
`Program.objects.published()`, `School.objects.with_published_programs()`) and narrows them
with the query. Each group shows at most its limit below, best first. A place in the query
becomes a link to the program finder (`finder_link`), with the best career if the query names one.

How rows match and rank depends on the database:
- PostgreSQL: full-text search and trigram word similarity, best first. search/postgres.py holds
  the rules and ranks careers and certifications; search/programs_and_schools.py ranks programs
  and schools by the same rules, scoring each field of study and each candidate school once.
- Elsewhere (SQLite): plain matches of the same corrected words (search/plain.py).

At most six queries a search: five on PostgreSQL (four on SQLite), one more to look up a ZIP code;
the first search after an edit also reads the vocabulary (search/vocabulary.py).
"""

import hashlib
from dataclasses import dataclass, field

from django.contrib.postgres.search import SearchVector
from django.db import connection
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from careers.models import Career, Certification
from core.i18n import translated
from core.pagecache import first_requests
from core.tags import KEPT_SECONDS, LISTINGS, SITE, kept, versions_of
from programs.models import Program, School

from .plain import by_words, closest_names, every_word_in
from .postgres import ranked
from .programs_and_schools import ranked_programs_and_schools
from .terms import Terms
from .understanding import Understood, understand
from .vocabulary import vocabulary

# How many rows a group shows at most; careers are few, so they all show.
PROGRAMS_LIMIT = 20
SCHOOLS_LIMIT = 20
CERTIFICATIONS_LIMIT = 10
# SQLite: of the schools that match, this many (in name order) are ranked by their names.
SCHOOLS_READ = 200


@dataclass(frozen=True)
class FinderLink:
    label: str  # "Phlebotomy Technician programs in Texas", "Programs near 30303 (Atlanta, GA)"
    url: str


@dataclass
class SearchResults:
    query: str
    careers: list = field(default_factory=list)
    programs: list = field(default_factory=list)
    schools: list = field(default_factory=list)
    certifications: list = field(default_factory=list)
    # The kinds ("programs", "schools", "certifications") that had more matches than they show.
    more: frozenset = frozenset()
    understood: Understood | None = None  # what was searched: corrections, synonyms, a place
    finder_link: FinderLink | None = None

    @property
    def total(self):
        return len(self.careers) + len(self.programs) + len(self.schools) + len(self.certifications)


def site_search(query: str) -> SearchResults:
    """Published careers and programs, schools with published programs and certifications that
    match `query`, grouped by kind, best first, and a link to the finder if the query names a
    place. At most six queries (see the module docstring), or none when the query has no word of
    two or more characters."""
    if not Terms.parse(query):
        return SearchResults(query=query)
    understood = understand(query)
    terms = Terms.parse(understood.text)
    if not terms:  # a ZIP code alone
        return SearchResults(
            query=query, understood=understood, finder_link=finder_link(understood, [])
        )
    subject_terms = Terms.parse(understood.subject_text)  # careers are nowhere: no city
    careers = search_careers(subject_terms)
    programs, schools = search_programs_and_schools(terms, understood.corrected_query)
    groups = {
        "programs": (programs, PROGRAMS_LIMIT),
        "schools": (schools, SCHOOLS_LIMIT),
        "certifications": (search_certifications(subject_terms), CERTIFICATIONS_LIMIT),
    }
    return SearchResults(
        query=query,
        careers=careers,
        **{kind: rows[:limit] for kind, (rows, limit) in groups.items()},
        more=frozenset(kind for kind, (rows, limit) in groups.items() if len(rows) > limit),
        understood=understood,
        finder_link=finder_link(understood, careers),
    )


def kept_search(query: str) -> SearchResults:
    """`site_search(query)`, kept under the versions of `site` and `listings` (core/tags.py: an
    edit or an import moves them) once the same query comes a second time within the hour in
    this process, as the page cache stores a search's page only when asked for again: a flood
    of one-off queries keeps nothing. A visitor with a session, whose pages are never stored,
    gets a popular search from here."""
    key = "search-results:" + hashlib.sha256(query.encode()).hexdigest()
    return kept(
        key,
        versions_of(SITE, LISTINGS),
        lambda: site_search(query),
        worth_keeping=lambda: first_requests.asked_before(key, KEPT_SECONDS),
    )


def finder_link(understood: Understood, careers: list) -> FinderLink | None:
    """The program finder at the query's place, for its best career if it names one."""
    place = understood.place
    if place is None:
        return None
    params = place.params()
    words = {"place": place.label}
    if understood.names_a_subject and careers:
        params = {"career": careers[0].slug, **params}
        words["career"] = translated(careers[0], "title")
        if place.near:
            label = _("%(career)s programs near %(place)s") % words
        else:
            label = _("%(career)s programs in %(place)s") % words
    elif place.near:
        label = _("Programs near %(place)s") % words
    else:
        label = _("Programs in %(place)s") % words
    return FinderLink(label=label, url=f"{reverse('finder:program_list')}?{urlencode(params)}")


# --- one function per kind: a list, best first (capped kinds: one more row than they show) ----


def search_careers(terms: Terms) -> list:
    careers = Career.objects.published()
    if not _on_postgresql():
        return by_words(
            careers,
            terms,
            names=[lambda c: c.title],
            other=[lambda c: c.summary],
            main_name=lambda c: c.title,
            order=[lambda c: c.order, lambda c: c.title],
        )
    careers = ranked(
        careers,
        terms,
        vector=SearchVector("title", weight="A", config="english")
        + SearchVector("summary", weight="B", config="english"),
        names=["title"],
        main_name="title",
    )
    return list(careers.order_by("-score", "-closeness", "order", "title"))


def search_programs_and_schools(terms: Terms, query: str = "") -> tuple[list, list]:
    """Programs and schools together: on PostgreSQL they share the schools' scores. `query`:
    the whole query, corrected (SQLite puts the schools whose names are closest to it first)."""
    if _on_postgresql():
        return ranked_programs_and_schools(
            terms, programs_limit=PROGRAMS_LIMIT + 1, schools_limit=SCHOOLS_LIMIT + 1
        )
    held = vocabulary().program_text
    fields = ["career__title", "cip_title", "school__name", "school__city"]
    programs = every_word_in(Program.objects.for_listing(), terms, fields, held=held).by_name()
    schools = School.objects.filter(pk__in=School.objects.with_published_programs())
    schools = every_word_in(schools, terms, ["name", "city"], held=held).order_by("name", "pk")
    schools = closest_names(schools[:SCHOOLS_READ], query or terms.text)
    return list(programs[: PROGRAMS_LIMIT + 1]), schools[: SCHOOLS_LIMIT + 1]


def search_certifications(terms: Terms) -> list:
    certifications = Certification.objects.select_related("organization")
    names = ["abbreviation", "name", "organization__name", "organization__abbreviation"]
    if not _on_postgresql():
        found = by_words(
            certifications,
            terms,
            names=[lambda c: c.abbreviation, lambda c: c.name],
            other=[lambda c: c.organization.name, lambda c: c.organization.abbreviation],
            main_name=lambda c: c.name,
            order=[lambda c: c.abbreviation],
        )
        return found[: CERTIFICATIONS_LIMIT + 1]
    certifications = ranked(
        certifications,
        terms,
        vector=SearchVector("abbreviation", "name", weight="A", config="english")
        + SearchVector(
            "organization__name", "organization__abbreviation", weight="B", config="english"
        ),
        names=names,
        main_name="name",
    )
    certifications = certifications.order_by("-score", "-closeness", "abbreviation", "pk")
    return list(certifications[: CERTIFICATIONS_LIMIT + 1])


def _on_postgresql():
    return connection.vendor == "postgresql"
