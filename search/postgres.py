"""How site search matches and ranks rows on PostgreSQL: full-text search and trigram similarity.

A row (a career, a certification, a program, a school) matches the query when either

- full-text search finds the whole query in the row's document (websearch syntax: "quoted
  phrases", `or`, `-word`; English stemming, so "nursing" finds "Nurse"), or
- its query words are, on average, similar enough to the row's names (pg_trgm word similarity,
  at least SIMILARITY_THRESHOLD), so "flebotomy" finds "Phlebotomy" and "medcal asistant" finds
  "Medical Assistant". Each word scores its best similarity to any of the names, 0 below its
  floor (search/terms.py); the row's similarity is the mean. A row whose document holds a word
  the query excludes ("-administrative") never matches this way.

Rows come best first by their score (`score`): the higher of the full-text rank, for rows that
full-text search matched, and the similarity averaged with how well the whole query matches one
of the names (the "phrase", so "medcal asistant" puts Medical Assistant before Medical
Administrative Assistant); then by how close the main name is to the whole query; then in the
kind's natural order.

Careers and certifications are few: `ranked` annotates their querysets with these rules.
Programs are many (a million in the scale tests), so search/programs_and_schools.py scores each
field of study and each candidate school once and combines the scores in Python. A school is a
candidate when its name and city (`School.search_place`, a stored column) hold a query word or
come close to one (`is_candidate`); both conditions are answered by that column's indexes
(programs migration 0012), and `set_candidate_threshold` sets how close is close.

No SQL text is written here: every condition and score is an ORM expression.
"""

from functools import reduce
from operator import add, or_

from django.contrib.postgres.lookups import TrigramWordSimilar
from django.contrib.postgres.search import (
    SearchQuery,
    SearchRank,
    SearchVector,
    SearchVectorExact,
    TrigramSimilarity,
    TrigramWordSimilarity,
)
from django.db.models import BooleanField, Case, ExpressionWrapper, F, FloatField, Q, Value, When
from django.db.models.functions import Greatest
from django.db.models.lookups import GreaterThanOrEqual

from .terms import SIMILARITY_THRESHOLD, Terms

# A school is a candidate when one query word is at least this similar to its name and city (or
# full-text search finds a word there); below it, a word's similarity to the school counts as 0.
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


def text_query(text: str) -> SearchQuery:
    return SearchQuery(text, search_type="websearch", config="english")


def excluded_query(terms: Terms) -> SearchQuery:
    """Any of the words the query excludes (call only if it excludes some)."""
    return text_query(" or ".join(terms.excluded))


def score(similarity: float, phrase: float, rank: float | None, excluded: bool) -> float | None:
    """A row's score from its parts, None if the row does not match; `rank` is None where
    full-text search does not match, `excluded` says the row holds an excluded word."""
    if rank is not None or (similarity >= SIMILARITY_THRESHOLD and not excluded):
        return max(rank or 0.0, (similarity + phrase) / 2)
    return None


# --- careers and certifications: the rules as annotations -------------------------------------


def ranked(queryset, terms: Terms, *, vector, names, main_name):
    """The rows of `queryset` that match, annotated with `score` and `closeness`: the rules of
    `score` as SQL expressions, for a kind with few rows."""
    query = text_query(terms.text)
    phrase = best(*(TrigramWordSimilarity(terms.text, name) for name in names))
    # Full-text search itself leaves out rows with an excluded word; similar rows must too.
    wanted = ~Q(document=excluded_query(terms)) if terms.excluded else Q()
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


def _mean_similarity(terms: Terms, names):
    """Each word's best similarity to any of `names` (0 below its floor), averaged."""
    if not terms.similar_words:
        return Value(0.0)
    scores = []
    for floor, similarity in zip(terms.floors, word_scores(terms, names).values(), strict=True):
        if floor:
            similarity = Case(
                When(GreaterThanOrEqual(similarity, floor), then=similarity),
                default=Value(0.0),
                output_field=FloatField(),
            )
        scores.append(similarity)
    return reduce(add, scores) / Value(float(len(scores)))


# --- expressions the kinds share ----------------------------------------------------------------


def best(*expressions):
    return Greatest(*expressions) if len(expressions) > 1 else expressions[0]


def word_scores(terms: Terms, names) -> dict:
    """Columns word0, word1...: each query word's best similarity to any of `names`."""
    return {
        f"word{i}": best(*(TrigramWordSimilarity(word, name) for name in names))
        for i, word in enumerate(terms.similar_words)
    }


def full_text(terms: Terms, document, only: Q | None = None) -> dict:
    """Columns `rank` (None where full-text search does not match `document`) and `excluded`
    (the document holds an excluded word); if `only` is given, for the rows it selects only
    (None in the others)."""
    query = text_query(terms.text)
    matches = Q(SearchVectorExact(document, query))
    excluded = Value(False)
    if terms.excluded:
        excluded = Q(SearchVectorExact(document, excluded_query(terms)))
        excluded = excluded if only is None else Case(When(only, then=excluded))
    return {
        "rank": Case(
            When(matches if only is None else only & matches, then=SearchRank(document, query))
        ),
        "excluded": ExpressionWrapper(excluded, output_field=BooleanField()),
    }


def is_candidate(terms: Terms, school="") -> Q:
    """The school (`school`: the path to it) holds a word of the query or comes close to one:
    the conditions its `search_place` indexes answer (`to_tsvector('english', search_place) @@
    query`, `search_place %> word`)."""
    place = F(f"{school}search_place")
    # Excluded words too: a school that holds one must be looked at, to be left out.
    any_word = text_query(" or ".join((*terms.words, *terms.excluded)))
    return reduce(
        or_,
        (Q(TrigramWordSimilar(place, word)) for word in terms.similar_words),
        Q(SearchVectorExact(SearchVector(place, config="english"), any_word)),
    )
