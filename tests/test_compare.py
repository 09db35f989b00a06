"""Compare (up to four, shareable) and the shortlist, both kept in the visitor's session."""

import csv
import io

import pytest

from careers.models import PublishStatus
from programs.models import Program

from .factories import ProgramFactory, SchoolFactory, ZipCodeFactory

pytestmark = pytest.mark.django_db


def add(client, kind, program, action="add", next_url="/programs/"):
    return client.post(
        f"/{kind}/update/",
        {"program": program.pk, "action": action, "next": next_url},
        follow=True,
    )


def test_compare_holds_up_to_four_and_explains_the_limit(client):
    programs = [ProgramFactory() for _ in range(5)]
    for program in programs[:4]:
        add(client, "compare", program)
    response = add(client, "compare", programs[4])
    page = response.content.decode()
    assert "You can compare up to 4 programs at a time" in page
    assert client.session["compare"] == [p.pk for p in programs[:4]]
    assert 'Compare<span class="count"> (4)' in page


def test_compare_page_lines_programs_up_and_its_link_reproduces_it(client):
    ZipCodeFactory()
    first = ProgramFactory(school=SchoolFactory(name="First College"), tuition_and_fees=9000)
    second = ProgramFactory(
        school=SchoolFactory(name="Second College", latitude=42.0451, longitude=-87.6877),
        tuition_and_fees=None,
        books_and_supplies=None,
    )
    add(client, "compare", first)
    add(client, "compare", second)
    response = client.get("/compare/")
    assert response.status_code == 302
    share = response["Location"]
    assert share == f"/compare/?programs={first.pk}%2C{second.pk}"

    # Anyone with the link (a new visitor, no session) sees the same comparison.
    from django.test import Client

    page = Client().get(f"{share}&zip=60601").content.decode()
    assert page.index("First College") < page.index("Second College")
    for row in ["Credential", "Length", "Months to complete", "Evening or weekend classes",
                "Cost", "What the cost includes", "Online (distance) programs",
                "Prepares for certification", "Graduates in 2023-24", "School type",
                "Federal student aid", "Distance from your ZIP code", "Data"]:  # fmt: skip
        assert f'<th scope="row">{row}</th>' in page
    assert "$10,200" in page  # 9,000 tuition + 1,200 books
    assert "Not reported: The school reported neither a price for this program nor a yearly" in page
    miles = Program.objects.with_distance(41.8858, -87.6181).get(pk=second.pk).distance_miles
    assert f"{miles:.1f} miles" in page
    assert "IPEDS 2023-24; not yet verified by our editors" in page


def test_compare_link_with_more_than_four_or_bad_ids_says_so(client):
    programs = [ProgramFactory() for _ in range(5)]
    ids = ",".join(str(p.pk) for p in programs)
    page = client.get(f"/compare/?programs={ids}").content.decode()
    assert "only the first 4 in the link are shown" in page
    assert page.count('<th scope="col"><a href=') == 4
    draft = ProgramFactory(status=PublishStatus.DRAFT)
    page = client.get(f"/compare/?programs={programs[0].pk},{draft.pk},abc,,-3").content.decode()
    assert page.count('<th scope="col"><a href=') == 1
    assert "1 program in this link is no longer listed" in page


def test_empty_compare_page_explains_how_to_add(client):
    assert "No programs to compare yet" in client.get("/compare/").content.decode()


def test_removing_from_compare(client):
    program = ProgramFactory()
    add(client, "compare", program)
    add(client, "compare", program, action="remove")
    assert client.session["compare"] == []


def test_unknown_program_or_bad_next_never_breaks(client):
    response = client.post(
        "/compare/update/", {"program": "999999", "next": "https://evil.example/"}, follow=True
    )
    assert response.status_code == 200
    assert "We couldn&#x27;t find that program." in response.content.decode()
    assert response.redirect_chain[-1][0] == "/"


def test_shortlist_saves_programs_and_shows_the_count(client):
    saved = ProgramFactory(school=SchoolFactory(name="Saved College"))
    ProgramFactory(school=SchoolFactory(name="Other College"))
    response = add(client, "shortlist", saved, next_url=f"/programs/#program-{saved.pk}")
    assert "Added Saved College to your shortlist (1)." in response.content.decode()
    page = client.get("/shortlist/").content.decode()
    assert "Saved College" in page and "Other College" not in page
    assert 'Shortlist<span class="count"> (1)' in page
    assert "Remove from shortlist" in page


def test_shortlist_moves_to_compare_in_one_click(client):
    programs = [ProgramFactory() for _ in range(6)]
    for program in programs:
        add(client, "shortlist", program)
    response = client.post("/shortlist/compare/", follow=True)
    page = response.content.decode()
    assert "Comparing the first 4 programs you saved." in page
    assert client.session["compare"] == [p.pk for p in programs[:4]]
    assert page.count('<th scope="col"><a href=') == 4


def test_csv_download_streams_the_filtered_listing_with_sources(client):
    ProgramFactory(school=SchoolFactory(name="Illinois College", state="IL"))
    ProgramFactory(school=SchoolFactory(name="Texas College", state="TX"), tuition_and_fees=None)
    response = client.get("/programs/export.csv?state=tx&sort=cost")
    assert response.status_code == 200
    assert response.streaming
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert [row["school"] for row in rows] == ["Texas College"]
    row = rows[0]
    assert row["data_source"] == "IPEDS" and row["data_year"] == "2023-24"
    assert row["total_cost_usd"] == ""
    assert row["program_url"].startswith("http://testserver/programs/")


def test_csv_of_the_whole_listing_has_a_header_and_every_program(client):
    for _ in range(3):
        ProgramFactory()
    content = b"".join(client.get("/programs/export.csv").streaming_content).decode()
    lines = content.strip().splitlines()
    assert lines[0].startswith("program_url,school,city,state,ipeds_unitid,career")
    assert len(lines) == 4
