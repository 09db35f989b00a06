"""What a query means before it is searched: misspellings corrected, short forms expanded, places
found.

`understand(query)` reads the query against the vocabulary (search/vocabulary.py):

1. **Spelling.** A word of four or more letters that the vocabulary does not know is replaced by
   the closest word it does (`rapidfuzz.process.extractOne`, scorer `fuzz.ratio`: the Indel
   similarity, 0 to 100, ties to the more telling word), if that scores CORRECTION_CUTOFF or
   more. Measured on the real data (docs/search.md has the table and the command): 21 typos
   students make score 80.0 to 96.3 against the right word ("farmacy" and "nurce" 80.0,
   "flebotomy" 84.2, "sergical" 87.5, "asistant" 94.1), always the best score. Of 19 correct
   words we hold nothing for, 17 are left alone (too short, or 55.6 to 76.9 against their
   closest word: "nights" → heights 76.9) and two pass: "caregiver" → carnegie 82.4, "xray" →
   ray 85.7. The page
   says "Did you mean …" whenever a word was corrected, so such a miss is seen and undone.
2. **Synonyms.** Editors' terms (`Synonym`: "lpn", "pharm tech"), found as whole words after
   correction, longest first, are replaced by their expansions.
3. **Places.** A five-digit word that is a ZIP code (one query), a state's name or postal code,
   or a city's name (with a state after it to choose among cities of that name) becomes a link
   to the program finder. A ZIP code is then dropped from what is searched (no name holds it),
   and so is a state when the query names a career or a field too ("phlebotomy texas" searches
   phlebotomy, and the link filters Texas); a city stays (schools are found by their city).
4. **Words around the subject** ("classes", "near", "me", "how to become": `COMMON_WORDS`) are
   not searched when other words are left ("phlebotomy classes near me" searches phlebotomy).

The result says what was searched (`text`), what was corrected and expanded, and the place.
"""

from dataclasses import dataclass

from rapidfuzz import fuzz, process

from careers.models import ZipCode
from core.geography import STATES

from .terms import unaccented
from .vocabulary import COMMON_WORDS, WORD, City, Vocabulary, vocabulary, words_of

CORRECTION_CUTOFF = 80
# Words shorter than this are never corrected: too few letters to tell a typo from another word.
SHORTEST_CORRECTED = 4
# Postal codes that are also everyday words in English or Spanish ("cerca de mi", "en la
# escuela"), or the synonyms' (MA: medical assistant): a state is recognised by these only
# through its name.
AMBIGUOUS_STATE_CODES = frozenset(
    {"in", "or", "me", "ok", "hi", "oh", "id", "as", "de", "ma", "al", "la", "mi"}
)
PUNCTUATION = "\"'.,;:!?()"
# States whose Spanish names differ from the English ("clases de flebotomia en nueva york").
SPANISH_STATE_NAMES = {
    "NY": "Nueva York",
    "NJ": "Nueva Jersey",
    "NM": "Nuevo Mexico",
    "NC": "Carolina del Norte",
    "SC": "Carolina del Sur",
    "ND": "Dakota del Norte",
    "SD": "Dakota del Sur",
    "WV": "Virginia Occidental",
    "PA": "Pensilvania",
    "LA": "Luisiana",
    "MS": "Misisipi",
    "HI": "Hawai",
    "DC": "Distrito de Columbia",
}
STATE_NAMES = {
    tuple(words_of(name)): code for code, name in [*STATES.items(), *SPANISH_STATE_NAMES.items()]
}


@dataclass(frozen=True)
class Place:
    """Where the finder should look: one ZIP code (`zip`) or one state (`state`, postal code)."""

    label: str  # "30303 (Atlanta, GA)", "Atlanta, GA", "Texas"
    zip: str = ""
    state: str = ""
    near: bool = True  # "near" a ZIP code or a city, "in" a state
    city_words: tuple[str, ...] = ()  # the words that named the city, if a city

    def params(self) -> dict:
        return {"zip": self.zip} if self.zip else {"state": self.state.lower()}


@dataclass(frozen=True)
class Understood:
    query: str  # as typed
    text: str  # what is searched
    subject_text: str = ""  # what careers and certifications are searched by: no city in it
    corrections: tuple[tuple[str, str], ...] = ()  # (typed word, the word searched instead)
    expansions: tuple[tuple[str, str], ...] = ()  # (synonym term, its expansion)
    place: Place | None = None
    names_a_subject: bool = False  # a word of a career, certification or field of study

    @property
    def corrected_query(self) -> str:
        """The query as typed, with each corrected word replaced (for "Did you mean …")."""
        fixes = dict(self.corrections)
        words = [fixes.get(token.lower().strip(PUNCTUATION), token) for token in self.query.split()]
        return " ".join(words)


def understand(query: str, vocab: Vocabulary | None = None) -> Understood:
    vocab = vocab or vocabulary()
    tokens, corrections = [], {}
    for token in query.replace("\x00", " ").split()[:20]:
        plain = unaccented(token).strip(PUNCTUATION)
        if token.startswith("-") or not WORD.fullmatch(plain):
            tokens.append(token)  # an excluded word, or one of several parts: left as typed
            continue
        corrected = correct(plain, vocab)
        if corrected != plain:
            corrections[plain] = corrected
        tokens.append(corrected)
    tokens, expansions = _expand(tokens, vocab)
    names_a_subject = any(token.lower() in vocab.subjects for token in _words(tokens))
    tokens, place = _place(tokens, vocab, names_a_subject)
    telling = [token for token in tokens if token.lower() not in COMMON_WORDS]
    if telling:
        tokens = telling
    city_words = place.city_words if place else ()
    subject = [token for token in tokens if token.lower().strip(",") not in city_words]
    return Understood(
        query=query,
        text=" ".join(tokens),
        subject_text=" ".join(subject or tokens),
        corrections=tuple(corrections.items()),
        expansions=tuple(expansions),
        place=place,
        names_a_subject=names_a_subject,
    )


def correct(word: str, vocab: Vocabulary) -> str:
    """The word, or the vocabulary's closest word if the word is unknown and a typo of it."""
    if word in vocab.known or len(word) < SHORTEST_CORRECTED or not word.isalpha():
        return word
    found = process.extractOne(
        word, vocab.targets, scorer=fuzz.ratio, score_cutoff=CORRECTION_CUTOFF
    )
    return found[0] if found else word


def _words(tokens):
    return [word for token in tokens for word in words_of(token)]


def _expand(tokens: list[str], vocab: Vocabulary) -> tuple[list[str], list]:
    """Synonym terms (whole words, longest first) replaced by their expansions."""
    if not vocab.synonyms:
        return tokens, []
    longest = max(len(term) for term in vocab.synonyms)
    out, expansions, i = [], [], 0
    while i < len(tokens):
        for size in range(min(longest, len(tokens) - i), 0, -1):
            term = tuple(token.lower() for token in tokens[i : i + size])
            if term in vocab.synonyms:
                expansions.append((" ".join(term), vocab.synonyms[term]))
                out.append(vocab.synonyms[term])
                i += size
                break
        else:
            out.append(tokens[i])
            i += 1
    return out, expansions


def _place(tokens: list[str], vocab: Vocabulary, names_a_subject: bool):
    """The first place the tokens name, and the tokens left to search."""
    lower = [token.lower() for token in tokens]
    for i, token in enumerate(lower):
        if len(token) == 5 and token.isdigit():
            zip_code = ZipCode.objects.filter(code=token).first()
            if zip_code is not None:
                label = f"{zip_code.code} ({zip_code.city}, {zip_code.state})"
                return tokens[:i] + tokens[i + 1 :], Place(label=label, zip=zip_code.code)
    state_at = _state(lower)
    if state_at is not None:
        start, size, code = state_at
        rest = tokens[:start] + tokens[start + size :]
        city = _city(lower[:start], vocab, state=code)
        if city is not None:
            return rest, city
        place = Place(label=STATES[code], state=code, near=False)
        return (rest if names_a_subject and rest else tokens), place
    return tokens, _city(lower, vocab)


def _state(lower: list[str]):
    """(start, number of words, postal code) of the last state the words name, or None."""
    for start in range(len(lower) - 1, -1, -1):
        for size in (3, 2, 1):
            name = tuple(lower[start : start + size])
            if len(name) == size and name in STATE_NAMES:
                return start, size, STATE_NAMES[name]
        code = lower[start].strip(",").upper()
        if len(code) == 2 and code in STATES and code.lower() not in AMBIGUOUS_STATE_CODES:
            return start, 1, code
    return None


def _city(lower: list[str], vocab: Vocabulary, state: str = ""):
    """A place for the last city the words name (in `state` if given), or None."""
    lower = [token.strip(",") for token in lower]
    for start in range(len(lower) - 1, -1, -1):
        for size in (3, 2, 1):
            name = " ".join(lower[start : start + size])
            if size > len(lower) - start or name in vocab.subjects:
                continue
            cities = [c for c in vocab.cities_named(name) if not state or c.state == state]
            if cities:
                return _city_place(cities[0], name)
    return None


def _city_place(city: City, name: str) -> Place:
    return Place(label=f"{city.name}, {city.state}", zip=city.zip, city_words=tuple(name.split()))
