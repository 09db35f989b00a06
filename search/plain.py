"""How site search matches and ranks rows without PostgreSQL (SQLite): plain matches, same words.

The query has been read already (search/understanding.py: misspellings corrected, synonyms
expanded), so the words here are the vocabulary's. Then:

- Careers and certifications are few: every row is read and scored in Python (`by_words`). A
  word counts 1 when one of the row's names holds it, 1/2 when only its other text does (a
  career's summary). A row matches when it holds every word, or when its names hold at least two
  of them and two thirds of the score ("certified medical assistant" finds Medical Assistant;
  "medical assistant atlanta" too). Rows come by score, then by how close the main name is to the
  whole query (`fuzz.ratio`), then in the kind's order.
- Programs and schools: every word must appear in one of the kind's fields (case-insensitive),
  and no `-word` may; but a word that no program or school holds at all ("classes", "certified")
  is left out, since it could only rule every row out. Programs come in name order; schools
  by how close their names are to the whole query (`closest_names`: "best care college" puts
  Best Care College before the other schools holding "care"), then by name.
"""

from functools import reduce
from operator import and_, or_

from django.db.models import Q
from rapidfuzz import fuzz

from .terms import Terms

# The share of the query's words (1 for each the names hold, 1/2 for the other text) a row that
# does not hold them all needs.
PARTIAL_MATCH = 2 / 3
# A school's name this close to the whole query (0 to 100) is put first: "bay mills" against "Bay
# Mills Community College" is 50, "stanbridge" against "Stanbridge University" 64.5, "chicago"
# against any school 15 to 25.
CLOSE_NAME = 50


def by_words(rows, terms: Terms, *, names, other=(), main_name, order=()):
    """The rows that match `terms`, best first (see the module docstring); `names` and `other`
    are functions of a row giving text, `main_name` the name closeness is measured on."""
    words = [word.lower() for word in terms.words]
    excluded = [word.lower() for word in terms.excluded]
    text = terms.text.lower()
    ranked = []
    for row in rows:
        name_text = " ".join(name(row) or "" for name in names).lower()
        other_text = " ".join(part(row) or "" for part in other).lower()
        if any(word in name_text or word in other_text for word in excluded):
            continue
        in_names = sum(word in name_text for word in words)
        elsewhere = sum(word not in name_text and word in other_text for word in words)
        score = (in_names + elsewhere / 2) / len(words)
        if in_names + elsewhere < len(words) and (in_names < 2 or score < PARTIAL_MATCH):
            continue
        closeness = fuzz.ratio(main_name(row).lower(), text)
        ranked.append((-score, -closeness, *(key(row) for key in order), row.pk, row))
    return [entry[-1] for entry in sorted(ranked, key=lambda entry: entry[:-1])]


def every_word_in(queryset, terms: Terms, fields, *, held: str | None = None):
    """Rows where each word appears in one of `fields` and no excluded word does (icontains
    escapes % and _ itself). With `held` (the words the kind's rows hold, one a line), words it
    does not hold are left out; if none is left, no row."""
    words = terms.words
    if held is not None:
        words = [word for word in words if word.lower() in held]
        if not words:
            return queryset.none()

    def anywhere(word):
        return reduce(or_, (Q(**{f"{name}__icontains": word}) for name in fields))

    condition = reduce(and_, (anywhere(word) for word in words), Q())
    for word in terms.excluded:
        condition &= ~anywhere(word)
    return queryset.filter(condition)


def closest_names(schools, query: str) -> list:
    """The schools whose names are close to `query` (`fuzz.ratio` at least CLOSE_NAME), closest
    first, then the others in name order (a city's schools, say)."""
    query = query.lower()

    def closeness(school):
        score = fuzz.ratio(school.name.lower(), query)
        return -score if score >= CLOSE_NAME else 0

    return sorted(schools, key=lambda school: (closeness(school), school.name))
