"""A search query, read once: what full-text search reads and the words the other matches use.

`Terms.parse` turns what a visitor typed into
- `text`: the whole query, cleaned, for PostgreSQL's full-text search (websearch syntax: "quoted
  phrases", `or`, `-word`),
- `words`: the words that must appear (SQLite's plain match) or that find candidate schools,
- `excluded`: the words after a minus sign, which no result may hold,
- `similar_words`: lower-case runs of letters and digits of three or more characters, without
  stop words, which PostgreSQL compares with names by trigram word similarity.

The thresholds below say how similar is similar enough; search/postgres.py applies them.
"""

import unicodedata
from dataclasses import dataclass
from functools import cached_property

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
STOP_WORDS = frozenset(
    {"and", "the", "for", "with", "near", "from", "into", "del", "las", "los", "para", "con", "una"}
)


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

    @cached_property
    def floors(self) -> tuple[float, ...]:
        return tuple(self.floor(word) for word in self.similar_words)

    def mean_similarity(self, scores, other_scores=None) -> float:
        """The mean over `similar_words` of each word's similarity in `scores` (one a word), or
        of the better of its two if `other_scores` are given too; 0 below the word's floor."""
        if not self.similar_words:
            return 0.0
        if other_scores is not None:
            scores = map(max, scores, other_scores)
        total = sum(
            score for score, floor in zip(scores, self.floors, strict=True) if score >= floor
        )
        return total / len(self.similar_words)


def _distinct(words) -> tuple[str, ...]:
    seen = {}
    for word in words:
        seen.setdefault(word.lower(), word)
    return tuple(seen.values())


def unaccented(text: str) -> str:
    """Lower case without accents: "Técnico de Farmacia" -> "tecnico de farmacia", so that Spanish
    typed with or without accents finds the same words."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))
