"""Programs and schools on PostgreSQL: each field of study and each candidate school scored once.

The rules are search/postgres.py's. A program is a field of study (its career and CIP title:
a few dozen at most) at a place (its school's name and city), so its scores are put together from
those of its field and its place instead of being computed per program, which at a million
programs would take seconds:

1. One query scores every field of study, and every candidate school (`is_candidate`, through
   the indexes of `School.search_place`): each query word's similarity to the names, the
   full-text rank and whether an excluded word is there, the phrase and the closeness.
   A school that is no candidate holds no word of the query, and no word comes within the
   candidates' threshold of it; such similarities count as 0, so its programs score as their
   field does.
2. One query reads
   - every published program at a candidate school. A word's similarity to a program is the
     better of its similarities to the field and the place. Full-text search, though, must see
     the program's whole document (the field's, then the place's), since "phlebotomist chicago"
     finds one word in each: it runs per program where the field holds a lexeme of the query
     (or of its excluded words). Where the field holds none, the place's own result is the
     program's: the field adds nothing full-text search looks at, and it comes first, so no
     position of the place's words moves;
   - for each matching field of study, its first programs by school name at the other schools
     (read in name order through the schools' name index). They all score as their field, so
     only the first of them could show.
3. Python puts the scores together per program, picks the best programs and, of the candidate
   schools with published programs, the best schools, and one query loads them (each school
   with one of its programs).

With the careers and the certifications that is five queries. Which programs stand for the fields
of study (one per field) comes with the vocabulary (search/vocabulary.py), which is rebuilt off
the request after an edit, not read on every search.
"""

import heapq
import re
from dataclasses import dataclass, replace
from functools import reduce
from operator import or_

from django.contrib.postgres.search import (
    CombinedSearchVector,
    SearchConfig,
    SearchVector,
    SearchVectorField,
    TrigramSimilarity,
    TrigramWordSimilarity,
)
from django.db.models import BooleanField, Case, F, FloatField, Q, TextField, Value, When
from django.db.models.functions import Cast

from programs.models import Program, School

from .postgres import best, excluded_query, full_text, is_candidate, score, text_query, word_scores
from .terms import Terms
from .vocabulary import vocabulary

# Full-text documents: a field of study weighs more (A) than a place (B).
FIELD_DOCUMENT = SearchVector("career__title", "cip_title", weight="A", config="english")
PLACE_DOCUMENT = SearchVector("search_place", weight="B", config="english")
# What the programs' query reads of each program.
PROGRAM_COLUMNS = ("pk", "school_id", "school__name", "career_id", "cip_title", "credential_level")
NO_FULL_TEXT = {
    "rank": Value(None, output_field=FloatField()),
    "excluded": Value(None, output_field=BooleanField()),
}
# Up to this many candidate schools are named by id in the programs' query; more (a word found
# in nearly every school's name) are found again by their conditions, for a shorter query.
LISTED_CANDIDATES = 10_000
# A lexeme in PostgreSQL's text form of a tsvector or a tsquery: in single quotes, '' for one.
LEXEME = re.compile(r"'(?:[^']|'')*'")


@dataclass(frozen=True)
class Scores:
    """How a field of study, or a place, compares with the query."""

    label: str  # the CIP title of a field of study; the name of a place
    order: int  # the career's order, for a field of study
    words: tuple[float, ...]  # each query word's best similarity to the names
    similarity: float  # their mean (Terms.mean_similarity)
    rank: float | None  # the full-text rank; None where full-text search does not match
    excluded: bool  # the document holds an excluded word
    phrase: float  # how well the whole query matches one of the names
    closeness: float  # how close the main name is to the whole query
    document: str = ""  # (fields) the full-text document, as text
    holds_query_lexemes: bool = False  # (fields) the document holds a lexeme of the query

    def score(self) -> float | None:
        """The score of the field of study, or the place, on its own; None if no match."""
        return score(self.similarity, self.phrase, self.rank, self.excluded)


def ranked_programs_and_schools(terms: Terms, *, programs_limit: int, schools_limit: int):
    """The best published programs, and schools with published programs, best first: at most
    `programs_limit` and `schools_limit` of them, in three queries (see the module docstring)."""
    fields, places = _fields_and_places(terms)
    programs, carriers = [], {}  # carriers: a published program of each candidate school
    rows = _program_rows(terms, fields, places, programs_limit)
    for pk, school_id, school_name, career_id, cip_title, level, candidate, rank, excluded in rows:
        field = fields.get((career_id, cip_title))
        if field is None:  # published since the first query
            continue
        place = places.get(school_id) if candidate else None
        if place is None:  # at a school that is no candidate
            similarity, rank, excluded = field.similarity, field.rank, field.excluded
        else:
            carriers.setdefault(school_id, pk)
            similarity = terms.mean_similarity(field.words, place.words)
            if not field.holds_query_lexemes:  # full-text search did not run: as the place's
                rank, excluded = place.rank, place.excluded
        if (program_score := score(similarity, field.phrase, rank, excluded)) is not None:
            programs.append((-program_score, -field.closeness, school_name, field.order, level, pk))
    schools = [
        (-school_score, -place.closeness, place.label, school_id)
        for school_id, place in places.items()
        if school_id in carriers and (school_score := place.score()) is not None
    ]
    # Ties in score and closeness go by school name in code point order (the C collation's).
    program_ids = [row[-1] for row in heapq.nsmallest(programs_limit, programs)]
    school_ids = [row[-1] for row in heapq.nsmallest(schools_limit, schools)]
    # for_listing() selects each program's school too: a school comes with one of its programs.
    # A row unpublished between the queries is left out, not an error.
    loaded = Program.objects.for_listing().in_bulk([*program_ids, *map(carriers.get, school_ids)])
    return (
        [loaded[pk] for pk in program_ids if pk in loaded],
        [loaded[carriers[pk]].school for pk in school_ids if carriers[pk] in loaded],
    )


def _fields_and_places(terms: Terms) -> tuple[dict, dict]:
    """`Scores` of every published field of study, by (career id, CIP title), and of every
    candidate school, by id: one query."""
    query = text_query(terms.text)
    if terms.excluded:
        query |= excluded_query(terms)
    field_columns = {
        "kind": Value("field"),
        "key": F("career_id"),
        "label": F("cip_title"),
        "order": F("career__order"),
        **_scores(terms, names=["career__title", "cip_title"], main_name="career__title"),
        # The lexemes the field holds, and those the query (with its excluded words) looks for.
        "document_text": Cast("document", TextField()),
        "query_text": Cast(query, TextField()),
    }
    fields = (
        Program.objects.published()
        .filter(pk__in=vocabulary().field_programs)
        .alias(document=FIELD_DOCUMENT)
        .order_by()
        .values(**field_columns)
    )
    places = (
        School.objects.filter(is_candidate(terms))
        .alias(document=PLACE_DOCUMENT)
        .order_by()
        .values(
            kind=Value("place"),
            key=F("pk"),
            label=F("name"),
            order=Value(0),
            **_scores(terms, names=["name", "city"], main_name="name"),
            document_text=Value(""),
            query_text=Value(""),
        )
    )
    found = {"field": {}, "place": {}}
    rows = fields.union(places, all=True).order_by().values_list(*field_columns)
    for kind, key, label, order, *words, rank, excluded, phrase, closeness, document, query in rows:
        similarity = terms.mean_similarity(words)
        scores = Scores(label, order, tuple(words), similarity, rank, excluded, phrase, closeness)
        if kind == "field":
            holds = not _lexemes(document).isdisjoint(_lexemes(query))
            found["field"][key, label] = replace(
                scores, document=document, holds_query_lexemes=holds
            )
        else:
            found["place"][key] = scores
    return found["field"], found["place"]


def _lexemes(text: str) -> set[str]:
    return set(LEXEME.findall(text))


def _scores(terms: Terms, *, names, main_name) -> dict:
    """The columns of `Scores` read from the database, for a queryset with a `document` alias:
    `names` are the names compared with the words, `main_name` the one closeness is of."""
    return {
        **word_scores(terms, names),
        **full_text(terms, F("document")),
        "phrase": best(*(TrigramWordSimilarity(terms.text, name) for name in names)),
        "closeness": TrigramSimilarity(main_name, terms.text),
    }


def _program_rows(terms: Terms, fields: dict, places: dict, limit: int):
    """Rows of PROGRAM_COLUMNS, `candidate` (at a candidate school), `rank` and `excluded`, for
    - every published program at a candidate school, full-text search run on its document if
      its field of study holds a lexeme of the query (else None), and
    - each matching field of study's first `limit` programs by school name at the other
      schools (None).
    One query."""
    at_candidate = _at_candidate(terms, places)
    at_candidates = (
        Program.objects.published()
        .filter(at_candidate)
        .order_by()
        .values(*PROGRAM_COLUMNS, candidate=Value(True), **_full_text_of_programs(terms, fields))
    )
    field_only = [
        Program.objects.published()
        .filter(career_id=career_id, cip_title=cip_title)
        .exclude(at_candidate)
        .order_by("school__name", "credential_level", "pk")
        .values(*PROGRAM_COLUMNS, candidate=Value(False), **NO_FULL_TEXT)[:limit]
        for (career_id, cip_title), field in fields.items()
        if field.score() is not None
    ]
    rows = at_candidates.union(*field_only, all=True).order_by()
    return rows.values_list(*PROGRAM_COLUMNS, "candidate", "rank", "excluded")


def _at_candidate(terms: Terms, places: dict) -> Q:
    """Programs at the candidate schools: named by id, which is cheaper for each program than
    the schools' conditions, unless there are more of them than LISTED_CANDIDATES."""
    if len(places) <= LISTED_CANDIDATES:
        return Q(school_id__in=list(places))
    return is_candidate(terms, school="school__")


def _full_text_of_programs(terms: Terms, fields: dict) -> dict:
    """`rank` and `excluded` of the programs whose field of study holds a lexeme of the query
    (None for the others). A field's part of the document is sent back as the first query read
    it, a constant: only the place's part is computed per program."""
    holding = {key: field for key, field in fields.items() if field.holds_query_lexemes}
    if not holding:
        return NO_FULL_TEXT
    field_documents = Case(
        *(
            When(career_id=career_id, cip_title=cip_title, then=_tsvector(field.document))
            for (career_id, cip_title), field in holding.items()
        ),
        output_field=SearchVectorField(),
    )
    document = CombinedSearchVector(
        field_documents,
        SearchVector.ADD,
        SearchVector("school__search_place", weight="B", config="english"),
        SearchConfig("english"),
    )
    in_holding = reduce(or_, (Q(career_id=career, cip_title=title) for career, title in holding))
    return full_text(terms, document, only=in_holding)


def _tsvector(text: str):
    return Cast(Value(text), SearchVectorField())
