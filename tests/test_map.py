"""The maps: d3's geoAlbersUsa in Python, the shipped state outlines, the numbered results map on
a ZIP search (mark n is card n) and the small map on a school page."""

import math
import re
from html.parser import HTMLParser

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.maps import albers_usa, project, state_shapes
from tests.factories import ProgramFactory, SchoolFactory, ZipCodeFactory

# d3-geo's own test of geoAlbersUsa() at its defaults (scale 1070, translate [480, 250]).
D3_DEFAULTS = [
    ((-122.4194, 37.7749), (107.4, 214.1)),  # San Francisco
    ((-74.0059, 40.7128), (794.6, 176.5)),  # New York
    ((-95.9928, 36.1540), (488.8, 298.0)),  # Tulsa
    ((-149.9003, 61.2181), (171.2, 446.9)),  # Anchorage, in the Alaska inset
    ((-157.8583, 21.3069), (298.5, 451.0)),  # Honolulu, in the Hawaii inset
]

CAPITALS = {  # state: (latitude, longitude)
    "GA": (33.749, -84.388),
    "IL": (39.7817, -89.6501),
    "CA": (38.5816, -121.4944),
    "TX": (30.2672, -97.7431),
    "NY": (42.6526, -73.7562),
    "CO": (39.7392, -104.9903),
    "ME": (44.3106, -69.7795),
    "FL": (30.4383, -84.2807),
    "WA": (47.0379, -122.9007),
    "RI": (41.824, -71.4128),
    "DC": (38.8951, -77.0364),
    "AK": (58.3019, -134.4197),
    "HI": (21.3069, -157.8583),
}


@pytest.mark.parametrize(("lonlat", "expected"), D3_DEFAULTS)
def test_projection_matches_d3_at_its_defaults(lonlat, expected):
    x, y = albers_usa(1070, (480, 250))(*lonlat)
    assert x == pytest.approx(expected[0], abs=0.1)
    assert y == pytest.approx(expected[1], abs=0.1)


def test_places_off_the_map_have_no_point():
    assert project(48.8566, 2.3522) is None  # Paris
    assert project(18.4655, -66.1057) is None  # San Juan, Puerto Rico: not in the insets
    assert project(None, -87.6) is None


def rings(d):
    """The rings of a shipped path ("M x y l dx dy ... z", repeated) as absolute points."""
    for move, steps in re.findall(r"M([^l]+)l([^z]*)z", d):
        x, y = map(float, move.split())
        numbers = [float(n) for n in re.findall(r"-?[\d.]+", steps)]
        ring = [(x, y)]
        for dx, dy in zip(numbers[::2], numbers[1::2], strict=True):
            x, y = x + dx, y + dy
            ring.append((x, y))
        yield ring


def inside(point, d):
    """Even-odd rule over every ring of the path, as SVG fills it."""
    px, py = point
    crossings = 0
    for ring in rings(d):
        for (ax, ay), (bx, by) in zip(ring, ring[1:] + ring[:1], strict=True):
            if (ay > py) != (by > py) and px < ax + (py - ay) * (bx - ax) / (by - ay):
                crossings += 1
    return crossings % 2 == 1


@pytest.mark.parametrize("state", CAPITALS)
def test_a_capital_falls_inside_its_state_on_the_shipped_outlines(state):
    point = project(*CAPITALS[state])
    shape = state_shapes()["states"][state]
    x0, y0, x1, y1 = shape["bbox"]
    assert x0 <= point[0] <= x1 and y0 <= point[1] <= y1
    assert inside(point, shape["d"])
    others = [code for code, s in state_shapes()["states"].items() if code != state]
    assert not any(inside(point, state_shapes()["states"][code]["d"]) for code in others)


def test_the_shipped_outlines_are_small_and_whole():
    path = settings.BASE_DIR / "fixtures" / "geo" / "us_states_albers.json"
    assert path.stat().st_size < 150_000
    shapes = state_shapes()
    assert (shapes["width"], shapes["height"]) == (975, 610)
    assert len(shapes["states"]) == 51  # 50 states and DC
    assert "Census" in shapes["source"]


class MapPage(HTMLParser):
    """The cards' program ids and the map's marks (program id, number), in page order."""

    def __init__(self, html):
        super().__init__()
        self.cards, self.marks, self.maps, self.labels, self.highlighted = [], [], 0, [], 0
        self._mark = None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        classes = (attrs.get("class") or "").split()
        if tag == "li" and "program-card" in classes:
            self.cards.append(attrs["id"].removeprefix("program-"))
        elif tag == "svg" and "map-svg" in classes:
            self.maps += 1
            self.labels.append(attrs.get("aria-label"))
            assert attrs.get("role") == "img"
        elif tag == "g" and "map-mark" in classes:
            self._mark = [attrs.get("data-program"), ""]
            self.marks.append(self._mark)
        elif tag == "path" and "map-state-here" in classes:
            self.highlighted += 1

    def handle_endtag(self, tag):
        if tag == "g":
            self._mark = None

    def handle_data(self, data):
        if self._mark is not None:
            self._mark[1] += data.strip()


def viewbox(html):
    return [float(n) for n in re.search(r'class="map-svg" viewBox="([^"]+)"', html)[1].split()]


@pytest.fixture
def chicago(db):
    """Programs around the Chicago Loop: two at one school, and more than a page of them."""
    ZipCodeFactory()  # 60601
    loop = SchoolFactory(name="Loop School", latitude=41.886, longitude=-87.62)
    ProgramFactory(school=loop)
    ProgramFactory(school=loop, credential_level="associate")
    ProgramFactory(school=SchoolFactory(name="Evanston School", latitude=42.0451, longitude=-87.69))
    for n in range(20):
        ProgramFactory(
            school=SchoolFactory(
                name=f"South Side {n:02}", latitude=41.75 - n * 0.01, longitude=-87.65
            )
        )


@pytest.mark.django_db
def test_a_zip_search_maps_each_card_as_a_numbered_mark_in_card_order(client, chicago):
    html = client.get("/programs/?zip=60601").content.decode()
    page = MapPage(html)
    assert page.maps == 1
    assert len(page.cards) == 20
    assert [program for program, _ in page.marks] == page.cards
    assert [number for _, number in page.marks] == [str(n) for n in range(1, 21)]
    assert page.labels == [
        "Map of the 20 programs on this page near 60601; "
        "the list below has the same programs, in the same order"
    ]
    assert 'class="map-home"' in html and "Center of ZIP code 60601" in html
    assert "U.S. Census Bureau (public domain), via us-atlas" in html
    # The two programs at Loop School both show, one moved beside the other with a leader line;
    # no mark hides another, or the ZIP code's center.
    assert html.count('class="map-leader"') >= 1
    circles = re.findall(
        r'class="map-mark"[^>]*><circle cx="([^"]+)" cy="([^"]+)" r="([^"]+)"', html
    )
    centers = [(float(x), float(y)) for x, y, _ in circles]
    radius = float(circles[0][2])
    home = project(41.8858, -87.6181)
    for n, center in enumerate(centers):
        assert all(math.dist(center, other) >= 2 * radius for other in [home, *centers[:n]])
    # Framed on Chicago, not the whole country.
    x, y, width, height = viewbox(html)
    cx, cy = project(41.886, -87.62)
    assert x < cx < x + width and y < cy < y + height
    assert width < 100 and width / height == pytest.approx(1.5, rel=1e-3)


@pytest.mark.django_db
def test_the_second_page_numbers_its_own_cards_from_1(client, chicago):
    page = MapPage(client.get("/programs/?zip=60601&page=2").content.decode())
    assert len(page.cards) == 3
    assert [program for program, _ in page.marks] == page.cards
    assert [number for _, number in page.marks] == ["1", "2", "3"]


def count_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.django_db
def test_the_map_costs_no_queries(client):
    ZipCodeFactory()
    ProgramFactory()
    count_queries(client, "/programs/?zip=60601&sort=name")  # reads the career list once
    ProgramFactory()  # an edit: the counts are made again, as they will be below
    few = count_queries(client, "/programs/?zip=60601&sort=name")
    for n in range(15):
        ProgramFactory(school=SchoolFactory(latitude=41.8 + n * 0.01, longitude=-87.7))
    assert count_queries(client, "/programs/?zip=60601&sort=name") == few


@pytest.mark.django_db
def test_no_map_without_a_zip_or_off_the_map(client, chicago):
    assert MapPage(client.get("/programs/").content.decode()).maps == 0
    assert MapPage(client.get("/programs/?zip=99999").content.decode()).maps == 0
    ZipCodeFactory(code="00901", city="San Juan", state="PR", latitude=18.46, longitude=-66.1)
    html = client.get("/programs/?zip=00901").content.decode()
    assert "San Juan" in html and MapPage(html).maps == 0


@pytest.mark.django_db
def test_a_school_page_shows_the_school_in_its_state(client):
    school = SchoolFactory(name="Peach College", state="GA", latitude=33.749, longitude=-84.388)
    ProgramFactory(school=school)
    html = client.get(school.get_absolute_url()).content.decode()
    page = MapPage(html)
    assert page.maps == 1 and page.highlighted == 1
    assert page.labels == ["Map of Georgia showing where Peach College is"]
    assert page.marks == [[None, ""]]  # one unnumbered dot
    assert "U.S. Census Bureau (public domain)" in html
    x, y, width, height = viewbox(html)
    x0, y0, x1, y1 = state_shapes()["states"]["GA"]["bbox"]
    assert x <= x0 and x1 <= x + width and y <= y0 and y1 <= y + height


@pytest.mark.django_db
def test_a_school_without_coordinates_has_no_map(client):
    school = SchoolFactory(latitude=None, longitude=None)
    assert MapPage(client.get(school.get_absolute_url()).content.decode()).maps == 0
