"""Site search: one box across careers, programs, schools and certifications.

This module is the one place that decides how search works. `site_search` runs
`search_careers`, `search_programs_and_schools` and `search_certifications`; each starts from the
kinds' reading rules (`Career.objects.published()`, `Program.objects.published()`,
`School.objects.with_published_programs()`) and narrows them with the query.

On PostgreSQL a row matches when either

- full-text search finds the whole query in the row's fields (websearch syntax: "quoted
  phrases", `or`, `-word`; English stemming, so "nursing" finds "Nurse"), or
- its query words are, on average, similar enough to the row's names (pg_trgm word
  similarity), so "flebotomy" finds "Phlebotomy" and "medcal asistant" finds "Medical Assistant".
  Each word scores its best similarity to any of the names; the row's similarity is the mean.
  A row with a word the query excludes ("-administrative") never matches this way.

Rows come best first by the higher of the full-text rank (rows that full-text search matched)
and the similarity, where the similarity is averaged with how well the whole query matches one
name (so "medcal asistant" puts Medical Assistant before Medical Administrative Assistant), then
by how close the main name is to the query as a whole, then in the kind's natural order.

Programs and schools are ranked by one SQL statement (`RANKING_SQL`) instead of ORM annotations:
its text functions run once per candidate school (found through trigram and full-text indexes)
and once per career and CIP title, and the scores are joined to the programs, where ORM
annotations would run them once per program (three to five times slower on the real data, and
linear in the number of programs: 13 s at a million). Schools reuse the same per-school scores.
Django's ORM cannot join a query to a derived table, hence the SQL; it reads the reading rules
from their compiled QuerySets, so they still live in one place.

Elsewhere (SQLite) every word of the query must appear in one of the kind's fields
(case-insensitive), no `-word` may, and rows come in the kind's natural order.
"""

import re
from dataclasses import dataclass, field
from functools import reduce
from operator import add, and_, or_

from django.contrib.postgres.search import (
    SearchQuery,
    SearchRank,
    SearchVector,
    TrigramSimilarity,
    TrigramWordSimilarity,
)
from django.db import connection
from django.db.models import Case, F, FloatField, Q, Value, When
from django.db.models.functions import Greatest
from django.db.models.lookups import GreaterThanOrEqual

from careers.models import Career, Certification
from programs.models import Program, School

# How many rows a group shows at most; careers are few, so they all show.
PROGRAMS_LIMIT = 20
SCHOOLS_LIMIT = 20
CERTIFICATIONS_LIMIT = 10

# A query is at most 100 characters (SearchForm); at most this many of its words are used.
MAX_WORDS = 8

# The mean word similarity (pg_trgm word_similarity, 0 to 1) a row needs to match without
# full-text search. Measured on the real data: a word with one letter wrong, missing or doubled
# scores 0.55 to 0.75 against the right name ("chicgo" 0.57, "sergical" 0.56, "farmacy" 0.63,
# "flebotomy" 0.70, "asistant" 0.73); "medcal" alone is 0.50, but "medcal asistant" averages
# 0.61. Names that only share a first letter or an ending score 0.50 or less: "sergical" against
# "Medical ... Secretary" is 0.50, so 0.5 would add 484 medical-secretary programs to it.
SIMILARITY_THRESHOLD = 0.55
# Words shorter than this are mostly abbreviations ("cma", "ekg", "lpn"). Three or four letters
# make only four or five trigrams, so half of them match by chance: "cma" scores 0.5 against any
# name with a word starting with "c" and one ending in "ma". A short word counts only when
# nearly all its trigrams are found (a prefix: "tech" in "Technician" scores 0.8; "cma" in
# "CMAA" 0.75); otherwise it counts 0.
SHORT_WORD_LENGTH = 5
SHORT_WORD_FLOOR = 0.75
# Words that say nothing about what to find (full-text search drops them too).
STOP_WORDS = frozenset({"and", "the", "for", "with", "near", "from", "into"})


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


@dataclass(frozen=True)
class Terms:
    """A query read once: the text for full-text search and the words for the other matches."""

    text: str  # the whole query, as full-text search reads it (websearch syntax)
    words: tuple[str, ...]  # words of two or more characters that must appear
    excluded: tuple[str, ...]  # words after a minus sign ("-administrative")
    similar_words: tuple[str, ...]  # lower-case runs of letters and digits, 3+ characters

    @classmethod
    def parse(cls, query: str) -> "Terms":
        # PostgreSQL refuses NUL in text (the site already answers 400 to one in a query string).
        text = query.replace("\x00", " ").strip()[:100]
        words, excluded = [], []
        for token in text.split():
            token = token.strip('"')  # "quoted phrase" marks, not part of any word
            if token.startswith("-") and len(token.lstrip("-")) > 1:
                excluded.append(token.lstrip("-"))
            elif len(token) > 1:
                words.append(token)
        letters_and_digits = "".join(c if c.isalnum() else " " for c in " ".join(words).lower())
        similar_words = [
            word for word in letters_and_digits.split() if len(word) > 2 and word not in STOP_WORDS
        ]
        return cls(
            text=text,
            words=_distinct(words)[:MAX_WORDS],
            excluded=_distinct(excluded)[:MAX_WORDS],
            similar_words=_distinct(similar_words)[:MAX_WORDS],
        )

    def __bool__(self):
        return bool(self.words)

    @staticmethod
    def floor(word: str) -> float:
        """Below its floor a word's similarity counts as 0 (see SHORT_WORD_FLOOR)."""
        return SHORT_WORD_FLOOR if len(word) < SHORT_WORD_LENGTH else 0.0


def _distinct(words) -> tuple[str, ...]:
    seen = {}
    for word in words:
        seen.setdefault(word.lower(), word)
    return tuple(seen.values())


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
    ranked = _ranked(
        careers,
        terms,
        vector=SearchVector("title", weight="A", config="english")
        + SearchVector("summary", weight="B", config="english"),
        names=["title"],
        main_name="title",
    )
    return list(ranked.order_by("-score", "-closeness", "order", "title"))


def search_programs_and_schools(terms: Terms) -> tuple[list, list]:
    """Programs and schools together: on PostgreSQL they share their schools' scores."""
    if _on_postgresql():
        program_ids, school_ids = _ranked_program_and_school_ids(terms)
        programs = Program.objects.for_listing().in_bulk(program_ids) if program_ids else {}
        schools = School.objects.in_bulk(school_ids) if school_ids else {}
        # A row unpublished between the two queries is left out, not an error.
        return (
            [programs[pk] for pk in program_ids if pk in programs],
            [schools[pk] for pk in school_ids if pk in schools],
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
    ranked = _ranked(
        certifications,
        terms,
        vector=SearchVector("abbreviation", "name", weight="A", config="english")
        + SearchVector(
            "organization__name", "organization__abbreviation", weight="B", config="english"
        ),
        names=names,
        main_name="name",
    )
    ranked = ranked.order_by("-score", "-closeness", "abbreviation", "pk")
    return list(ranked[: CERTIFICATIONS_LIMIT + 1])


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


# --- PostgreSQL: full-text search and trigram word similarity ----------------------------------


def _on_postgresql():
    return connection.vendor == "postgresql"


def _ranked(queryset, terms: Terms, *, vector, names, main_name):
    """Rows that match (see the module docstring), annotated with `score` and `closeness`."""
    query = SearchQuery(terms.text, search_type="websearch", config="english")
    phrase = _best(*(TrigramWordSimilarity(terms.text, name) for name in names))
    # Full-text search itself leaves out rows with an excluded word; similar rows must too.
    wanted = Q()
    if terms.excluded:
        excluded = " or ".join(terms.excluded)
        wanted = ~Q(document=SearchQuery(excluded, search_type="websearch", config="english"))
    return (
        queryset.alias(document=vector, similarity=_mean_similarity(terms, names))
        .annotate(
            score=Greatest(
                Case(
                    When(document=query, then=SearchRank(F("document"), query)),
                    default=Value(0.0),
                ),
                (F("similarity") + phrase) / Value(2.0),
            ),
            closeness=TrigramSimilarity(main_name, terms.text),
        )
        .filter(Q(document=query) | (Q(similarity__gte=SIMILARITY_THRESHOLD) & wanted))
    )


def _best(*expressions):
    return Greatest(*expressions) if len(expressions) > 1 else expressions[0]


def _mean_similarity(terms: Terms, names):
    """Each word's best similarity to any of `names` (0 below its floor), averaged."""
    if not terms.similar_words:
        return Value(0.0)
    scores = []
    for word in terms.similar_words:
        best = _best(*(TrigramWordSimilarity(word, name) for name in names))
        if floor := terms.floor(word):
            best = Case(
                When(GreaterThanOrEqual(best, floor), then=best),
                default=Value(0.0),
                output_field=FloatField(),
            )
        scores.append(best)
    return reduce(add, scores) / Value(float(len(scores)))


# Programs and schools: the rules of `_ranked`, in one statement, with every text function run
# once per candidate school (`places`) and once per career and CIP title (`fields_of_study`: ten
# rows), and only column arithmetic per program. For programs, the phrase and the closeness
# compare the query with the career and CIP titles: what the program trains for.
#
# Candidate schools are found through indexes (migration 0009) rather than by scoring every
# school: those whose name and city hold one of the query's words (full-text) or come close to
# one (trigram word similarity above CANDIDATE_SIMILARITY). A school that is no candidate cannot
# match, and adds nothing to its programs' scores but similarities below that floor, which are
# counted as 0: its programs match, or not, on their field of study alone, so they are ranked
# per field (`field_only`) and only the best of them are joined to their schools.
#
# {Placeholders} are filled in by `_ranked_program_and_school_ids` with fixed SQL and the
# compiled reading rules; every value is a query parameter. The answer is ("program", id) rows,
# then ("school", id) rows, best first.
RANKING_SQL = """
WITH query AS MATERIALIZED (
    SELECT websearch_to_tsquery('english', %(text)s) AS tsquery,
           websearch_to_tsquery('english', %(excluded)s) AS excluded,  -- NULL: none
           websearch_to_tsquery('english', %(any_word)s) AS any_word
),
published AS NOT MATERIALIZED ({published_programs}),
fields_of_study AS MATERIALIZED (
    SELECT f.career_id, f.cip_title, c."order" AS career_order,
           {field_words}
           setweight(to_tsvector('english', c.title || ' ' || f.cip_title), 'A') AS document,
           GREATEST(word_similarity(%(text)s, c.title), word_similarity(%(text)s, f.cip_title))
               AS phrase,
           similarity(c.title, %(text)s) AS closeness
    FROM (SELECT DISTINCT career_id, cip_title FROM published) AS f
    JOIN careers_career AS c ON c.id = f.career_id
),
places AS MATERIALIZED (
    SELECT s.id, s.name, s.city,
           {place_words}
           setweight(to_tsvector('english', s.name || ' ' || s.city), 'B') AS document
    FROM programs_school AS s, query AS q
    WHERE s.id IN ({schools_with_published_programs})
      AND (to_tsvector('english', (s.name || ' ' || s.city)) @@ q.any_word
           {candidate_words})
),
field_only AS (
    SELECT fs.*, {field_mean} AS similarity FROM fields_of_study AS fs
),
programs AS (
    SELECT p.id, p.credential_level, pl.name AS school_name, fs.career_order, fs.phrase,
           fs.closeness, fs.document || pl.document AS document, {program_mean} AS similarity
    FROM published AS p
    JOIN fields_of_study AS fs ON fs.career_id = p.career_id AND fs.cip_title = p.cip_title
    JOIN places AS pl ON pl.id = p.school_id
    UNION ALL
    -- Per matching field, its first programs by school name at schools that are no candidates
    -- (read in name order through the schools' name index, so a common field stays fast).
    SELECT best.*
    FROM field_only AS fo
    CROSS JOIN query AS q
    CROSS JOIN LATERAL (
        SELECT p.id, p.credential_level, s.name AS school_name, fo.career_order, fo.phrase,
               fo.closeness, fo.document, fo.similarity
        FROM programs_school AS s
        JOIN published AS p ON p.school_id = s.id
        WHERE p.career_id = fo.career_id AND p.cip_title = fo.cip_title
          AND NOT EXISTS (SELECT 1 FROM places AS pl WHERE pl.id = s.id)
        ORDER BY s.name, p.credential_level, p.id
        LIMIT %(programs_limit)s
    ) AS best
    WHERE fo.document @@ q.tsquery
       OR (fo.similarity >= %(threshold)s AND NOT coalesce(fo.document @@ q.excluded, false))
),
schools AS (
    SELECT pl.id, pl.name, pl.city, pl.document, {place_mean} AS similarity
    FROM places AS pl
)
(
    SELECT 'program' AS kind, p.id
    FROM programs AS p, query AS q
    WHERE p.document @@ q.tsquery
       OR (p.similarity >= %(threshold)s
           AND NOT coalesce(p.document @@ q.excluded, false))
    ORDER BY GREATEST(
                 CASE WHEN p.document @@ q.tsquery THEN ts_rank(p.document, q.tsquery) ELSE 0 END,
                 (p.similarity + p.phrase) / 2
             ) DESC,
             p.closeness DESC, p.school_name, p.career_order, p.credential_level, p.id
    LIMIT %(programs_limit)s
)
UNION ALL
(
    SELECT 'school' AS kind, s.id
    FROM schools AS s, query AS q
    WHERE s.document @@ q.tsquery
       OR (s.similarity >= %(threshold)s
           AND NOT coalesce(s.document @@ q.excluded, false))
    ORDER BY GREATEST(
                 CASE WHEN s.document @@ q.tsquery THEN ts_rank(s.document, q.tsquery) ELSE 0 END,
                 (s.similarity
                  + GREATEST(word_similarity(%(text)s, s.name), word_similarity(%(text)s, s.city))
                 ) / 2
             ) DESC,
             similarity(s.name, %(text)s) DESC, s.name, s.id
    LIMIT %(schools_limit)s
)
"""
# A school is scored when one query word is at least this similar to its name or city (or full-
# text search finds a word there); below it, a word's similarity to the school counts as 0.
CANDIDATE_SIMILARITY = 0.4


def set_candidate_threshold(sender, connection, **kwargs):
    """On each new PostgreSQL connection: the threshold of pg_trgm's %> operator, which finds the
    candidate schools through their trigram index (connection_created receiver)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT set_config('pg_trgm.word_similarity_threshold', %s, false)",
                [str(CANDIDATE_SIMILARITY)],
            )


def _ranked_program_and_school_ids(terms: Terms) -> tuple[list[int], list[int]]:
    """The ids of the best programs and schools, one more of each than their groups show."""
    params = {
        "text": terms.text,
        "excluded": " or ".join(terms.excluded) or None,
        # Excluded words too: a school that holds one must be looked at, to be left out.
        "any_word": " or ".join((*terms.words, *terms.excluded)),
        "threshold": SIMILARITY_THRESHOLD,
        "programs_limit": PROGRAMS_LIMIT + 1,
        "schools_limit": SCHOOLS_LIMIT + 1,
    }
    field_words, place_words, candidate_words = [], [], []
    program_words, field_only_words, school_words = [], [], []
    for i, word in enumerate(terms.similar_words):
        params[f"word{i}"], params[f"floor{i}"] = word, terms.floor(word)
        field_words.append(_word_column(i, "c.title", "f.cip_title"))
        place_words.append(_word_column(i, "s.name", "s.city"))
        candidate_words.append(f"OR (s.name || ' ' || s.city) %%> %(word{i})s")
        program_words.append(_floored(f"GREATEST(fs.word{i}, pl.word{i})", i))
        field_only_words.append(_floored(f"fs.word{i}", i))
        school_words.append(_floored(f"pl.word{i}", i))
    sql = RANKING_SQL.format(
        published_programs=_compiled(
            Program.objects.published(),
            ["id", "school_id", "career_id", "cip_title", "credential_level"],
            "published",
            params,
        ),
        schools_with_published_programs=_compiled(
            School.objects.with_published_programs(), ["id"], "schools", params
        ),
        field_words="\n           ".join(field_words),
        place_words="\n           ".join(place_words),
        candidate_words="\n           ".join(candidate_words),
        program_mean=_mean(program_words),
        field_mean=_mean(field_only_words),
        place_mean=_mean(school_words),
    )
    ids = {"program": [], "school": []}
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for kind, pk in cursor.fetchall():
            ids[kind].append(pk)
    return ids["program"], ids["school"]


def _word_column(i, *columns):
    """Query word i's best word_similarity to `columns`, as column word{i}."""
    best = ", ".join(f"word_similarity(%(word{i})s, {column})" for column in columns)
    return f"GREATEST({best}) AS word{i},"


def _floored(similarity, i):
    return f"CASE WHEN {similarity} >= %(floor{i})s THEN {similarity} ELSE 0 END"


def _mean(similarities):
    return f"({' + '.join(similarities)}) / {len(similarities)}" if similarities else "0.0"


def _compiled(queryset, fields, name, params) -> str:
    """The SQL of `queryset.values(*fields)`, its parameters added to `params` as name0, name1..."""
    sql, values = queryset.order_by().values(*fields).query.sql_with_params()
    names = [f"{name}{i}" for i in range(len(values))]
    params.update(zip(names, values, strict=True))
    placeholders = iter(names)
    return re.sub(r"%%|%s", lambda m: m[0] if m[0] == "%%" else f"%({next(placeholders)})s", sql)
