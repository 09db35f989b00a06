"""Site search: one box across careers, programs, schools and certifications.

`site_search` is where the site's search starts. It reads the query once (`Terms`,
search/terms.py) and runs `search_careers`, `search_programs_and_schools` and
`search_certifications`; each starts from the kind's reading rules (`Career.objects.published()`,
`Program.objects.published()`, `School.objects.with_published_programs()`) and narrows them
with the query. Each group shows at most its limit below, best first.

How rows match and rank depends on the database:
- PostgreSQL: full-text search and trigram word similarity, best first. search/postgres.py holds
  the rules and ranks careers and certifications; search/programs_and_schools.py ranks programs
  and schools by the same rules, scoring each field of study and each candidate school once.
- Elsewhere (SQLite): every word of the query must appear in one of the kind's fields
  (case-insensitive), no `-word` may, and rows come in the kind's natural order (`_every_word_in`).

At most five queries a search, four on SQLite.
"""

from dataclasses import dataclass, field
from functools import reduce
from operator import and_, or_

from django.contrib.postgres.search import SearchVector
from django.db import connection
from django.db.models import Q

from careers.models import Career, Certification
from programs.models import Program, School

from .postgres import ranked
from .programs_and_schools import ranked_programs_and_schools
from .terms import Terms

# How many rows a group shows at most; careers are few, so they all show.
PROGRAMS_LIMIT = 20
SCHOOLS_LIMIT = 20
CERTIFICATIONS_LIMIT = 10


@dataclass
class SearchResults:
    query: str
    careers: list = field(default_factory=list)
    programs: list = field(default_factory=list)
    schools: list = field(default_factory=list)
    certifications: list = field(default_factory=list)
    # The kinds ("programs", "schools", "certifications") that had more matches than they show.
    more: frozenset = frozenset()

    @property
    def total(self):
        return len(self.careers) + len(self.programs) + len(self.schools) + len(self.certifications)


def site_search(query: str) -> SearchResults:
    """Published careers and programs, schools with published programs and certifications that
    match `query`, grouped by kind, best first. At most five queries (four on SQLite), or none
    when the query has no word of two or more characters."""
    terms = Terms.parse(query)
    if not terms:
        return SearchResults(query=query)
    programs, schools = search_programs_and_schools(terms)
    groups = {
        "programs": (programs, PROGRAMS_LIMIT),
        "schools": (schools, SCHOOLS_LIMIT),
        "certifications": (search_certifications(terms), CERTIFICATIONS_LIMIT),
    }
    return SearchResults(
        query=query,
        careers=search_careers(terms),
        **{kind: rows[:limit] for kind, (rows, limit) in groups.items()},
        more=frozenset(kind for kind, (rows, limit) in groups.items() if len(rows) > limit),
    )


# --- one function per kind: a list, best first (capped kinds: one more row than they show) ----


def search_careers(terms: Terms) -> list:
    careers = Career.objects.published()
    if not _on_postgresql():
        return list(_every_word_in(careers, terms, ["title", "summary"]))
    careers = ranked(
        careers,
        terms,
        vector=SearchVector("title", weight="A", config="english")
        + SearchVector("summary", weight="B", config="english"),
        names=["title"],
        main_name="title",
    )
    return list(careers.order_by("-score", "-closeness", "order", "title"))


def search_programs_and_schools(terms: Terms) -> tuple[list, list]:
    """Programs and schools together: on PostgreSQL they share the schools' scores."""
    if _on_postgresql():
        return ranked_programs_and_schools(
            terms, programs_limit=PROGRAMS_LIMIT + 1, schools_limit=SCHOOLS_LIMIT + 1
        )
    fields = ["career__title", "cip_title", "school__name", "school__city"]
    programs = _every_word_in(Program.objects.for_listing(), terms, fields).by_name()
    schools = School.objects.filter(pk__in=School.objects.with_published_programs())
    schools = _every_word_in(schools, terms, ["name", "city"]).order_by("name", "pk")
    return list(programs[: PROGRAMS_LIMIT + 1]), list(schools[: SCHOOLS_LIMIT + 1])


def search_certifications(terms: Terms) -> list:
    certifications = Certification.objects.select_related("organization")
    names = ["abbreviation", "name", "organization__name", "organization__abbreviation"]
    if not _on_postgresql():
        certifications = _every_word_in(certifications, terms, names).order_by("abbreviation")
        return list(certifications[: CERTIFICATIONS_LIMIT + 1])
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


# --- SQLite and others: every word somewhere ---------------------------------------------------


def _every_word_in(queryset, terms: Terms, fields):
    """Rows where each word appears in one of `fields` and no excluded word does (icontains
    escapes % and _ itself)."""

    def anywhere(word):
        return reduce(or_, (Q(**{f"{name}__icontains": word}) for name in fields))

    condition = reduce(and_, (anywhere(word) for word in terms.words), Q())
    for word in terms.excluded:
        condition &= ~anywhere(word)
    return queryset.filter(condition)


def _on_postgresql():
    return connection.vendor == "postgresql"
