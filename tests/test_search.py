import re

import pytest
from django.conf import settings
from django.db import connection
from django.utils.html import escape
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from careers.models import PublishStatus
from core.tags import pages_changed
from programs.models import School
from search.models import Synonym
from search.postgres import is_candidate
from search.ranking import PROGRAMS_LIMIT, site_search
from search.terms import Terms
from search.understanding import correct, understand
from search.vocabulary import vocabulary

from .factories import (
    CareerFactory,
    CertificationFactory,
    OrganizationFactory,
    ProgramFactory,
    SchoolFactory,
    ZipCodeFactory,
)

pytestmark = pytest.mark.django_db

# Escaped, MARKER reads `&lt;zq&quot;...`; the raw `<zq"` must never come back in a page.
MARKER = "<zq\"'&>"
RAW_MARKER = '<zq"'

ON_POSTGRESQL = settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"
postgresql_only = pytest.mark.skipif(
    not ON_POSTGRESQL,
    reason="full-text search and trigram similarity need PostgreSQL (run with DATABASE_URL)",
)
sqlite_only = pytest.mark.skipif(
    ON_POSTGRESQL, reason="the simple word match is what SQLite and other databases use"
)


@pytest.fixture
def directory():
    """A small directory: three careers (one a draft), schools in two cities, certifications."""
    assistant = CareerFactory()  # Medical Assistant
    phlebotomy = CareerFactory(
        slug="phlebotomy-technician",
        title="Phlebotomy Technician",
        soc_code="31-9097",
        cip_codes=["51.1009"],
        summary="Phlebotomy technicians draw blood for tests and donations.",
        order=1,
    )
    CareerFactory(
        slug="medical-administrative-assistant",
        title="Medical Administrative Assistant",
        summary="Medical administrative assistants run the front office.",
        order=2,
    )
    CareerFactory(
        slug="surgical-technologist",
        title="Surgical Technologist",
        summary="Surgical technologists keep the operating room sterile.",
        status=PublishStatus.DRAFT,
        order=6,
    )
    loop = SchoolFactory(name="Loop Medical Institute", city="Chicago", state="IL")
    ProgramFactory(school=loop, career=assistant)
    ProgramFactory(
        school=SchoolFactory(name="Lakeshore Blood Draw Academy", city="Chicago", state="IL"),
        career=phlebotomy,
        cip_code="51.1009",
        cip_title="Phlebotomy Technician/Phlebotomist.",
    )
    ProgramFactory(
        school=SchoolFactory(name="Prairie Valley College", city="Springfield", state="IL"),
        career=phlebotomy,
        cip_code="51.1009",
        cip_title="Phlebotomy Technician/Phlebotomist.",
    )
    ProgramFactory(
        school=SchoolFactory(name="Hidden Draft College", city="Chicago", state="IL"),
        career=assistant,
        status=PublishStatus.DRAFT,
    )
    SchoolFactory(name="Empty Shell College", city="Chicago", state="IL")  # no programs at all
    CertificationFactory()  # CMA (AAMA), Certified Medical Assistant
    CertificationFactory(
        slug="cpt-nha",
        abbreviation="CPT",
        name="Certified Phlebotomy Technician",
        organization=OrganizationFactory(
            slug="nha", name="National Healthcareer Association", abbreviation="NHA"
        ),
    )
    return {"assistant": assistant, "phlebotomy": phlebotomy, "loop": loop}


def titles(results):
    return {
        "careers": [career.title for career in results.careers],
        "programs": [f"{p.career.title} at {p.school.name}" for p in results.programs],
        "schools": [school.name for school in results.schools],
        "certifications": [certification.abbreviation for certification in results.certifications],
    }


def search_page(client, query):
    response = client.get("/search/", {"q": query})
    assert response.status_code == 200
    return response.content.decode()


# --- on every database ------------------------------------------------------------------------


def test_results_are_grouped_by_kind_with_links_and_counts(client, directory):
    found = titles(site_search("medical"))
    assert found["careers"][0] == "Medical Assistant"
    assert "Medical Assistant at Loop Medical Institute" in found["programs"]
    assert found["schools"] == ["Loop Medical Institute"]
    assert found["certifications"] == ["CMA (AAMA)"]

    page = search_page(client, "medical")
    headings = re.findall(r"<h2 id=\"(\w+)-heading\">", page)
    assert headings[:4] == ["careers", "programs", "schools", "certifications"]
    assert 'href="/careers/medical-assistant/"' in page
    assert f'href="{directory["loop"].get_absolute_url()}"' in page
    assert "Loop Medical Institute</a>" in page
    assert "Chicago, IL" in page
    assert 'href="/certifications/cma-aama/"' in page
    assert 'Schools <span class="muted">(1)</span>' in page


def test_the_search_box_keeps_the_query(client, directory):
    page = search_page(client, "Loop Medical")
    assert 'value="Loop Medical"' in page
    assert '<label for="id_q">Search the directory</label>' in page


def test_drafts_never_appear(directory):
    assert titles(site_search("surgical"))["careers"] == []  # a draft career
    found = titles(site_search("hidden draft"))  # a school with only a draft program
    assert found["programs"] == []
    assert found["schools"] == []
    all_programs = titles(site_search("chicago"))["programs"]
    assert all("Hidden" not in program for program in all_programs)


def test_schools_without_published_programs_do_not_appear(directory):
    found = titles(site_search("college"))
    assert "Prairie Valley College" in found["schools"]
    assert "Empty Shell College" not in found["schools"]
    assert "Hidden Draft College" not in found["schools"]


def test_a_query_with_no_results_says_so_and_suggests_what_to_try(client, directory):
    assert site_search("zyxwvut").total == 0
    page = search_page(client, "zyxwvut")
    assert "No results for “zyxwvut”" in page
    assert "Check the spelling" in page
    assert 'href="/programs/"' in page
    assert 'href="/#careers"' in page
    assert 'value="zyxwvut"' in page


def test_an_empty_query_shows_the_form_and_no_results(client, directory):
    page = search_page(client, "")
    assert "This field is required." in page
    assert "No results" not in page
    page = client.get("/search/").content.decode()  # no query at all: just the form
    assert "<h1>Search the directory</h1>" in page
    assert "This field is required." not in page


@pytest.mark.parametrize(
    "query",
    [
        "%",
        "%%",
        "_",
        "__",
        "100%",
        "med_cal",
        "'",
        "''",
        '"',
        '"medical',
        "O'Brien",
        "\\",
        "\\\\",
        "medical\\",
        "-",
        "--medical",
        "-medical",
        "medical or",
        "!medical & (assistant | :*)",
        MARKER,
        "   ",
        "a",
        "é",
        "数据",
        "x" * 100,
        "medical " * 12,
    ],
)
def test_odd_queries_never_break_and_are_escaped(client, directory, query):
    page = search_page(client, query)  # a 200, not a 500
    assert RAW_MARKER not in page
    if query.strip():
        assert f'value="{escape(query)}"' in page  # kept in the box, escaped


@hypothesis_settings(
    max_examples=60,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    query=st.one_of(
        st.text(max_size=120),
        st.builds(lambda a, b: a + MARKER + b, st.text(max_size=40), st.text(max_size=40)),
    )
)
def test_any_query_is_answered_safely(client, directory, query):
    response = client.get("/search/", {"q": query})
    assert response.status_code in {200, 400}  # 400: NUL in the query string
    assert RAW_MARKER not in response.content.decode()
    site_search(query[:100])  # called directly too: never a database error


@pytest.mark.parametrize("query", ["%%", "__", "%_%", "\\\\"])
def test_wildcards_are_matched_literally(directory, query):
    assert site_search(query).total == 0


def test_markup_in_the_query_is_escaped_in_the_page(client, directory):
    page = search_page(client, '<script>alert("x")</script>')
    assert "<script>alert" not in page
    assert "No results for “&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;”" in page
    assert 'value="&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;"' in page


def test_a_too_long_query_is_refused_politely(client, directory):
    page = search_page(client, "x" * 150)
    assert "at most 100 characters" in page
    assert "No results" not in page


def test_nul_in_the_query_string_is_a_400_and_site_search_copes_with_it(client, directory):
    assert client.get("/search/?q=medical%00").status_code == 400
    # Called directly, the search drops NUL instead of sending it to the database.
    assert site_search("medical\x00").careers[0].title == "Medical Assistant"


def test_a_minus_sign_excludes_a_word(directory):
    found = titles(site_search("medical -administrative"))
    assert "Medical Assistant" in found["careers"]
    assert "Medical Administrative Assistant" not in found["careers"]


def test_programs_are_capped_and_the_page_says_more_match(client, directory):
    for n in range(PROGRAMS_LIMIT + 2):
        ProgramFactory(
            school=SchoolFactory(name=f"Phlebotomy School {n:02}"), career=directory["phlebotomy"]
        )
    results = site_search("phlebotomy")
    assert len(results.programs) == PROGRAMS_LIMIT
    assert "programs" in results.more
    page = search_page(client, "phlebotomy")
    assert f'Programs <span class="muted">({PROGRAMS_LIMIT} closest)</span>' in page
    assert "More programs match" in page


def test_search_runs_a_constant_number_of_queries(client, directory, django_assert_max_num_queries):
    ZipCodeFactory(code="60601", city="Chicago", state="IL")
    vocabulary()  # read once per content version, by the first search that needs it
    with django_assert_max_num_queries(6):
        small = site_search("medical")
    for n in range(30):
        ProgramFactory(school=SchoolFactory(name=f"Medical College {n:02}"))
    vocabulary()
    with django_assert_max_num_queries(6):
        large = site_search("medical")
    assert small.total < large.total
    with django_assert_max_num_queries(6):  # a ZIP code is looked up: one query more
        assert site_search("medical 60601").finder_link is not None
    with django_assert_max_num_queries(6):
        site_search("flebotomy lpn chicago")  # corrections, synonyms, places: in memory
    with django_assert_max_num_queries(0):
        site_search("%")  # nothing to look for: no query at all
    with django_assert_max_num_queries(6):  # the page adds none
        client.get("/search/", {"q": "medical"})
    pages_changed()  # an edit: the next search reads the vocabulary again, eight queries
    with django_assert_max_num_queries(6 + 8):
        site_search("medical")


# --- on every database: misspellings, synonyms, places ----------------------------------------


def test_a_misspelled_career_finds_the_career_and_its_programs(client, directory):
    page = search_page(client, "flebotomy")
    assert 'href="/careers/phlebotomy-technician/"' in page
    assert 'Did you mean <a href="/search/?q=phlebotomy"><strong>phlebotomy</strong></a>?' in page
    assert "The results below are for “phlebotomy”." in page
    found = titles(site_search("flebotomy"))
    assert found["careers"] == ["Phlebotomy Technician"]
    assert set(found["programs"]) == {
        "Phlebotomy Technician at Lakeshore Blood Draw Academy",
        "Phlebotomy Technician at Prairie Valley College",
    }
    assert found["certifications"] == ["CPT"]


def test_a_query_spelled_right_is_not_corrected(client, directory):
    assert site_search("phlebotomy").understood.corrections == ()
    assert "Did you mean" not in search_page(client, "phlebotomy")


def test_two_misspelled_words_find_the_closest_career_first(directory):
    results = site_search("medcal asistant")
    assert results.understood.corrected_query == "medical assistant"
    found = titles(results)
    assert found["careers"][0] == "Medical Assistant"
    assert found["programs"][0] == "Medical Assistant at Loop Medical Institute"
    assert found["certifications"] == ["CMA (AAMA)"]


def test_words_are_corrected_only_to_close_known_words(directory):
    vocab = vocabulary()
    assert correct("flebotomy", vocab) == "phlebotomy"  # 84 of 100 similar
    assert correct("sergical", vocab) == "sergical"  # no surgical career is published here
    assert correct("evening", vocab) == "evening"  # nothing close: left alone
    assert correct("cmaa", vocab) == "cmaa"  # too short to correct
    assert correct("chicgo", vocab) == "chicago"  # a school's city
    assert correct("springfield", vocab) == "springfield"  # known as it is


def test_a_synonym_reaches_its_career_and_its_certification(client, directory):
    Synonym.objects.update_or_create(
        term="cma", defaults={"expansion": "Certified Medical Assistant"}
    )
    found = titles(site_search("cma"))
    assert found["certifications"][0] == "CMA (AAMA)"
    assert found["careers"][0] == "Medical Assistant"
    assert "“cma” is searched as “Certified Medical Assistant”." in search_page(client, "CMA")


def test_a_synonym_an_editor_adds_works_on_the_next_search(directory):
    Synonym.objects.filter(term="phleb").delete()
    assert site_search("phleb").understood.expansions == ()
    Synonym.objects.create(term="phleb", expansion="Phlebotomy")  # moves the content version
    results = site_search("phleb")
    assert results.understood.expansions == (("phleb", "Phlebotomy"),)
    assert titles(results)["careers"] == ["Phlebotomy Technician"]


def test_a_zip_code_leads_to_the_finder_near_it(client, directory):
    ZipCodeFactory(code="30303", city="Atlanta", state="GA")
    results = site_search("30303")
    assert results.finder_link.label == "Programs near 30303 (Atlanta, GA)"
    assert results.finder_link.url == "/programs/?zip=30303"
    page = search_page(client, "30303")
    assert '<a href="/programs/?zip=30303"><strong>Programs near 30303 (Atlanta, GA)' in page
    assert "No results" not in page
    assert site_search("99999").finder_link is None  # not a ZIP code we know


def test_a_city_leads_to_the_finder_at_its_most_central_zip_code(directory):
    ZipCodeFactory(code="60601", city="Chicago", state="IL", latitude=41.886, longitude=-87.618)
    ZipCodeFactory(code="60608", city="Chicago", state="IL", latitude=41.849, longitude=-87.671)
    ZipCodeFactory(code="60625", city="Chicago", state="IL", latitude=41.973, longitude=-87.702)
    ZipCodeFactory(code="62701", city="Chicago", state="OH", latitude=40.0, longitude=-83.0)
    ZipCodeFactory(code="62702", city="Malcolm", state="AL", latitude=31.1, longitude=-88.0)
    SchoolFactory(name="Buckeye Institute", city="Chicago", state="OH")  # a city with a school
    results = site_search("phlebotomy chicago")
    assert results.finder_link.label == "Phlebotomy Technician programs near Chicago, IL"
    assert results.finder_link.url == "/programs/?career=phlebotomy-technician&zip=60601"
    assert titles(results)["programs"] == ["Phlebotomy Technician at Lakeshore Blood Draw Academy"]
    assert site_search("chicago, ohio").finder_link.url == "/programs/?zip=62701"
    assert site_search("malcolm").finder_link is None  # no school there, and small


@pytest.mark.parametrize(
    ("query", "label", "url"),
    [
        ("texas", "Programs in Texas", "/programs/?state=tx"),
        ("TX", "Programs in Texas", "/programs/?state=tx"),
        ("new york", "Programs in New York", "/programs/?state=ny"),
        (
            "phlebotomy texas",
            "Phlebotomy Technician programs in Texas",
            "/programs/?career=phlebotomy-technician&state=tx",
        ),
        ("flebotomy in tx", None, "/programs/?career=phlebotomy-technician&state=tx"),
    ],
)
def test_a_state_leads_to_the_finder_in_it(directory, query, label, url):
    link = site_search(query).finder_link
    assert link.url == url
    assert label is None or link.label == label


def test_a_state_is_not_searched_when_the_query_names_a_career(client, directory):
    results = site_search("phlebotomy illinois")
    assert results.understood.text == "phlebotomy"
    assert len(results.programs) == 2
    page = search_page(client, "phlebotomy illinois")
    assert "4 results for “phlebotomy” in every state, closest matches first." in page
    # Without a career it stays: it may be part of a school's name.
    assert site_search("university of illinois").understood.text == "university illinois"


def test_words_around_the_subject_are_not_searched(directory):
    results = site_search("phlebotomy classes near me")
    assert results.understood.text == "phlebotomy"
    assert titles(results)["careers"] == ["Phlebotomy Technician"]
    assert understand("community college").text == "community college"


# --- PostgreSQL: full-text search and trigram similarity --------------------------------------


@postgresql_only
def test_the_exact_career_comes_before_a_longer_one_pg(directory):
    assert titles(site_search("medical assistant"))["careers"] == [
        "Medical Assistant",
        "Medical Administrative Assistant",
    ]


@postgresql_only
def test_words_can_match_different_fields_and_stems(directory):
    found = titles(site_search("phlebotomist chicago"))
    assert found["programs"][0] == "Phlebotomy Technician at Lakeshore Blood Draw Academy"
    assert "Phlebotomy Technician" in titles(site_search("drawing blood"))["careers"]


# --- SQLite and others: every word somewhere --------------------------------------------------


@sqlite_only
def test_the_simple_match_needs_every_word(directory):
    found = titles(site_search("loop medical"))
    assert found["schools"] == ["Loop Medical Institute"]
    assert found["programs"] == ["Medical Assistant at Loop Medical Institute"]
    assert found["careers"] == []
    assert titles(site_search("CHICAGO"))["schools"] == [
        "Lakeshore Blood Draw Academy",
        "Loop Medical Institute",
    ]
    # A word no program holds does not rule programs out; words they hold must all be there.
    assert titles(site_search("loop medical classes"))["programs"] == found["programs"]
    assert titles(site_search("loop phlebotomy"))["programs"] == []


def test_a_misspelled_city_finds_its_schools(directory):
    # "chicgo" is 0.57 similar to "Chicago": a candidate at the 0.4 threshold each connection
    # sets (pg_trgm's own default, 0.6, would miss it), then a match at 0.55.
    assert {school.city for school in site_search("chicgo").schools} == {"Chicago"}


# --- the search column a school is found by ---------------------------------------------------


def test_a_school_is_found_by_its_name_and_city_as_they_are_now(directory):
    loop = directory["loop"]
    assert School.objects.get(pk=loop.pk).search_place == "Loop Medical Institute Chicago"
    School.objects.filter(pk=loop.pk).update(city="Evanston")  # kept by the database itself
    assert School.objects.get(pk=loop.pk).search_place == "Loop Medical Institute Evanston"
    assert titles(site_search("evanston"))["schools"] == ["Loop Medical Institute"]
    history = School.history.model
    assert "search_place" not in {field.name for field in history._meta.get_fields()}


@postgresql_only
def test_candidate_schools_are_found_through_the_search_place_indexes(directory):
    # The migration's indexes must match the expressions the ORM compiles, or search reads
    # every school. A table this small is read whole unless the planner may not.
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
    plan = School.objects.filter(is_candidate(Terms.parse("chicgo college"))).order_by().explain()
    assert "school_search_place_trgm" in plan
    assert "school_search_place_text" in plan


@postgresql_only
def test_the_planner_knows_what_the_trigram_match_costs():
    """search 0002: at cost 1, a table of a few thousand schools was scanned whole, computing
    the similarity for each, rather than read through the trigram index."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT procost FROM pg_proc WHERE proname = 'word_similarity_commutator_op'"
        )
        assert cursor.fetchone()[0] == 100


@postgresql_only
def test_a_minus_sign_excludes_programs_and_schools(directory):
    assert titles(site_search("college"))["schools"] == ["Prairie Valley College"]
    found = titles(site_search("college -prairie"))
    assert found["schools"] == found["programs"] == []
    assert titles(site_search("phlebotomy -prairie"))["programs"] == [
        "Phlebotomy Technician at Lakeshore Blood Draw Academy"
    ]


# --- synonyms are the editors' ------------------------------------------------------------------


def test_editors_keep_the_synonyms_in_the_admin(client, django_user_model, directory):
    from django.contrib.auth.models import Group

    user = django_user_model.objects.create_user(
        "ed", "ed@example.org", "pw-long-enough", is_staff=True
    )
    user.groups.add(Group.objects.get(name="Editor"))
    client.force_login(user)
    assert client.get("/admin/search/synonym/").status_code == 200
    response = client.post(
        "/admin/search/synonym/add/",
        {"term": "  Blood  Tech ", "expansion": "Phlebotomy Technician"},
    )
    assert response.status_code == 302
    assert Synonym.objects.get(term="blood tech").expansion == "Phlebotomy Technician"
    assert titles(site_search("blood tech"))["careers"] == ["Phlebotomy Technician"]
