"""The words search knows, read from the database once per content version and kept per process.

Spelling correction (search/understanding.py) compares each query word with `Vocabulary.targets`:
the distinct lower-case words of career titles, certification names and abbreviations,
organisation names, fields of study (programs' CIP titles), state names, and school names and
cities, in that order, so that of two equally close words the more telling one wins. Words are
kept, not rows: at a million programs (333,334 schools) the school words are a few thousand.

Places: `cities` maps a city's lower-case name to the cities of that name (ZIP code data) that
have a school or many ZIP codes, the one with the most ZIP codes first (a proxy for size:
Atlanta, GA before Atlanta, TX). A city is sent
to the finder as one ZIP code: of its ZIP codes, the one whose centre is nearest the centre of
them all, since the finder measures distance from a ZIP code's centre.

Synonyms (`search.models.Synonym`) are read with the rest. The whole is kept in the shared cache
with the versions of the `site` and `listings` tags it was built under (core/tags.py: any
edit of what public pages show, Synonym included, and every bulk import, moves one of them).
After an edit, searches use the vocabulary kept while a background task builds the new one
(search/tasks.py), so no visitor waits for it; with none kept at all, the search builds it.
The words of
many rows (schools, fields of study, ZIP codes' cities: `held_names`) take seconds to read at a
million programs, so they are kept in the shared cache under a signature of those rows and read
again only when it changes.
"""

import re
import threading
from collections import defaultdict
from dataclasses import dataclass
from typing import NamedTuple

from django.core.cache import cache
from django.db import connection
from django.db.models import Count, Func, Max, Min, Value
from django.db.models.functions import Lower

from careers.models import Career, Certification, Organization, ZipCode
from core.geography import STATES
from core.tags import LISTINGS, SITE, key_text, versions_of
from programs.models import Program, School

from .models import Synonym
from .terms import unaccented

WORD = re.compile(r"[a-z0-9]+")
LETTERS = re.compile(r"[a-z]+")
# The held names are read again at least this often, whatever their signature says.
HELD_NAMES_SECONDS = 24 * 3600
# Words students type around what they look for ("classes near me", "how to become"): never
# "corrected" into something else, and not searched when the query holds other words.
_COMMON_WORDS = """a an and are at be become best by can certificate certificates certification
    class classes college colleges community cost course courses degree degrees do for free from
    get good how
    in is it job jobs me my near nearby of on online or part program programs
    salary school schools the time to training what where with
    al ayuda barato barata cerca clase clases como con costo cuesta cursos curso de del el en
    escuela escuelas estudiar gratis la las los mejor mejores mi mis para programa programas que
    quiero salario ser sobre trabajo trabajos un una y"""
COMMON_WORDS = frozenset(_COMMON_WORDS.split())

# Words of school names that are also the names of small towns (College, AK; University, MS):
# a city whose name is only such words, or the words above, or a career's, is not a place.
_NOT_PLACES = """academy arts beauty career careers center health institute medical nursing science
    sciences state technical technology university"""
NOT_PLACES = frozenset(_NOT_PLACES.split())
# A city without a school is a place to search from when it has this many ZIP codes.
BIG_CITY_ZIPS = 10


class City(NamedTuple):
    name: str  # as the ZIP code data spells it
    state: str  # postal code
    zip: str  # the ZIP code nearest the centre of the city's ZIP codes


def packed_cities(cities: tuple[City, ...]) -> str:
    """The cities of one name as one string, a line each: a worker unpickles the 18,700 names'
    strings in 3.5 ms, where their cities as tuples took 40 ms (a million programs)."""
    return "\n".join("\t".join(city) for city in cities)


def unpacked_cities(packed: str) -> tuple[City, ...]:
    return tuple(City(*line.split("\t")) for line in packed.split("\n")) if packed else ()


@dataclass(frozen=True)
class Vocabulary:
    targets: tuple[str, ...]  # words a misspelt word may be corrected to, most telling first
    known: frozenset[str]  # words never corrected: the targets, every city's words, COMMON_WORDS
    subjects: frozenset[str]  # words of careers, certifications and fields of study
    program_text: str  # the words programs and schools hold, one a line (SQLite's match)
    synonyms: dict[tuple[str, ...], str]  # a term's words -> its expansion
    cities: dict[str, str]  # lower-case name -> cities of that name, largest first, packed
    field_programs: tuple[int, ...]  # the first published program of each field of study

    def cities_named(self, name: str) -> tuple[City, ...]:
        return unpacked_cities(self.cities.get(name, ""))


def words_of(*texts) -> list[str]:
    return [word for text in texts if text for word in WORD.findall(unaccented(text))]


# (versions, Vocabulary): 1.2 MB at a million programs. "v2": cities packed as strings.
VOCABULARY_KEY = "search:vocabulary:v2"
VERSIONS_KEY = "search:vocabulary:v2:versions"  # the versions it was built under: a small read
# A rebuild asked for at most this often for the same versions (a failed task is asked again).
REBUILD_GUARD_SECONDS = 5 * 60

_lock = threading.Lock()
_held: tuple[tuple, Vocabulary] | None = None  # this process's (versions, vocabulary)


def vocabulary() -> Vocabulary:
    """The vocabulary of the current versions, from this process's memory; after an edit, the
    one held until the shared cache has the new one."""
    global _held
    current = versions_of(SITE, LISTINGS)
    held = _held
    if held is not None and held[0] == current:
        return held[1]
    with _lock:
        if _held is None or _held[0] != current:
            _held = refreshed(current, _held)
        return _held[1]


def refreshed(current, held):
    """(versions, vocabulary): the shared one when it is current or nothing is held (read only
    then: 1.2 MB, 5.5 ms to unpickle at a million programs); otherwise a rebuild is asked for and
    the one held is used meanwhile; built here only when there is none at all."""
    shared = cache.get(VERSIONS_KEY)
    if shared is not None and (held is None or shared == current):
        held = cache.get(VOCABULARY_KEY) or held
    if held is None:
        return rebuilt(current)
    # Built already when tasks run at once: the small versions read says whether to read it.
    if held[0] != current and asked_for_rebuild(current) and cache.get(VERSIONS_KEY) == current:
        held = cache.get(VOCABULARY_KEY) or held
    return held


def asked_for_rebuild(current) -> bool:
    from .tasks import rebuild_vocabulary  # the task builds with this module

    guard = f"{VOCABULARY_KEY}:rebuilding:{key_text(current)}"
    if not cache.add(guard, True, REBUILD_GUARD_SECONDS):
        return False  # asked already
    rebuild_vocabulary.enqueue()
    return True


def rebuilt(current):
    kept = (current, build())  # eight queries, four more when the held names are read again
    cache.set(VOCABULARY_KEY, kept, timeout=HELD_NAMES_SECONDS)
    cache.set(VERSIONS_KEY, current, timeout=HELD_NAMES_SECONDS)
    return kept


def build() -> Vocabulary:
    careers = words_of(
        *(
            text
            for row in Career.objects.published().values_list("title", "title_es")
            for text in row
        )
    )
    certifications = words_of(
        *(text for row in Certification.objects.values_list("name", "abbreviation") for text in row)
    )
    organizations = words_of(
        *(text for row in Organization.objects.values_list("name", "abbreviation") for text in row)
    )
    synonyms = {
        tuple(words_of(term)): expansion
        for term, expansion in Synonym.objects.values_list("term", "expansion")
        if words_of(term)
    }
    names = held_names()
    states = words_of(*STATES.values())
    targets = _distinct(careers, certifications, organizations, names.fields, states, names.schools)
    subjects = frozenset((*careers, *certifications, *names.fields))
    cities = {
        name: packed_cities(found)
        for name, found in names.cities.items()
        if not set(name.split()) <= {*NOT_PLACES, *COMMON_WORDS, *subjects}
    }
    synonym_words = {word for term in synonyms for word in term}
    return Vocabulary(
        targets=tuple(word for word in targets if len(word) > 2 and not word.isdigit()),
        known=frozenset((*targets, *names.city_words, *synonym_words, *COMMON_WORDS)),
        subjects=subjects,
        program_text="\n".join(sorted({*careers, *names.fields, *names.schools})),
        synonyms=synonyms,
        cities=cities,
        field_programs=tuple(
            Program.objects.published()
            .values("career_id", "cip_title")
            .annotate(first=Min("pk"))
            .values_list("first", flat=True)
        ),
    )


# --- the names of many rows: read when they change, shared between processes ------------------


@dataclass(frozen=True)
class HeldNames:
    """The words of fields of study and of schools' names and cities, and the cities."""

    fields: tuple[str, ...]
    schools: tuple[str, ...]  # sorted; letters only (not "school 329609")
    cities: dict[str, tuple[City, ...]]
    city_words: frozenset[str]


def held_names() -> HeldNames:
    """Read from the shared cache, else from the database (two seconds at a million programs),
    under a signature of the rows they come from: the last school, the last change to a school
    in its history (the admin, corrections and the IPEDS import all write it), the last program
    (a field of study's title is NCES's for its CIP code: it comes with new programs), the
    number of ZIP codes and the last one. An edit elsewhere (a guide, a synonym, a program's
    cost) moves the content version but not this. Called once per content version and process.
    """
    key = "search:held-names:" + ":".join(map(str, _signature()))
    names = cache.get(key)
    if names is None:
        names = _read_held_names()
        cache.set(key, names, timeout=HELD_NAMES_SECONDS)
    return names


def _signature() -> tuple:
    """Each a lookup in an index: counting a million rows would take 100 ms."""
    return (
        School.objects.aggregate(last=Max("pk"))["last"],
        School.history.aggregate(last=Max("history_id"))["last"],
        Program.objects.aggregate(last=Max("pk"))["last"],
        *ZipCode.objects.aggregate(n=Count("pk"), last=Max("pk")).values(),
    )


def _read_held_names() -> HeldNames:
    fields = words_of(*Program.objects.order_by().values_list("cip_title", flat=True).distinct())
    school_cities = {
        (" ".join(words_of(city)), state)
        for city, state in School.objects.order_by().values_list("city", "state").distinct()
    }
    cities, city_words = _cities(school_cities)
    return HeldNames(
        fields=tuple(_distinct(fields)),
        schools=tuple(sorted(_school_words())),
        cities=cities,
        city_words=frozenset(city_words),
    )


def _school_words() -> set[str]:
    """The distinct words of schools' names and cities: counted by PostgreSQL where it runs."""
    schools = School.objects.order_by()
    if connection.vendor == "postgresql":
        split = Func(Lower("search_place"), Value("[^a-z]+"), function="regexp_split_to_table")
        return set(schools.annotate(word=split).values_list("word", flat=True).distinct()) - {""}
    words = set()
    for place in schools.values_list("search_place", flat=True).iterator(5000):
        words.update(LETTERS.findall(place.lower()))
    return words


def _distinct(*groups) -> list[str]:
    seen = {}
    for group in groups:
        for word in group:
            seen.setdefault(word, None)
    return list(seen)


def _cities(school_cities: set) -> tuple[dict[str, tuple[City, ...]], set[str]]:
    """Each city name's cities, the one with most ZIP codes first, with its central ZIP code:
    the cities with a school, or with at least BIG_CITY_ZIPS ZIP codes (small towns share their
    names with people and words: Malcolm, AL is not what "malcolm x college" means); and the
    words of every city's name, which are never corrected."""
    points = defaultdict(list)
    for code, city, state, latitude, longitude in ZipCode.objects.order_by().values_list(
        "code", "city", "state", "latitude", "longitude"
    ):
        points[city, state].append((code, latitude, longitude))
    by_name, city_words = defaultdict(list), set()
    for (city, state), zips in points.items():
        latitude = sum(z[1] for z in zips) / len(zips)
        longitude = sum(z[2] for z in zips) / len(zips)
        central = min(zips, key=lambda z: ((z[1] - latitude) ** 2 + (z[2] - longitude) ** 2, z[0]))
        name = " ".join(words_of(city))
        city_words.update(name.split())
        if (name, state) in school_cities or len(zips) >= BIG_CITY_ZIPS:
            by_name[name].append((len(zips), City(city, state, central[0])))
    cities = {
        name: tuple(city for _, city in sorted(found, key=lambda f: (-f[0], f[1].state)))
        for name, found in by_name.items()
    }
    return cities, city_words
