"""Maps drawn on the server as SVG: U.S. state outlines with numbered points on them.

The outlines are U.S. Census Bureau state boundaries (public domain) from the npm package
us-atlas 3, already projected onto a 975x610 canvas with d3's `geoAlbersUsa().scale(1300)
.translate([487.5, 305])`; `fixtures/geo/build_state_shapes.py` trims them into
`fixtures/geo/us_states_albers.json`. Points go through `project()`, the same projection written
out in Python: a conic equal-area projection for the lower 48 states and two insets with their own
parameters for Alaska and Hawaii, each used only inside its box on the canvas (as d3 does).

Core knows no app: callers pass plain points (a key, a latitude and a longitude) and get back a
`MapView` the template `includes/results_map.html` draws.
"""

import json
import math
from dataclasses import dataclass, field
from functools import cache

from django.conf import settings

SCALE, TRANSLATE = 1300, (487.5, 305)
_EPSILON = 1e-6


class _ConicEqualArea:
    """d3's geoConicEqualArea with a rotation in longitude, a center, a scale and a translation,
    showing only points inside `clip` (x0, y0, x1, y1 on the canvas)."""

    def __init__(self, *, parallels, rotate, center, scale, translate, clip):
        sin0 = math.sin(math.radians(parallels[0]))
        self.n = (sin0 + math.sin(math.radians(parallels[1]))) / 2
        self.c = 1 + sin0 * (2 * self.n - sin0)
        self.r0 = math.sqrt(self.c) / self.n
        self.rotate, self.scale, self.translate, self.clip = rotate, scale, translate, clip
        self.center = self.raw(math.radians(center[0]), math.radians(center[1]))

    def raw(self, lam, phi):
        r = math.sqrt(self.c - 2 * self.n * math.sin(phi)) / self.n
        return r * math.sin(lam * self.n), self.r0 - r * math.cos(lam * self.n)

    def __call__(self, longitude, latitude):
        lam = math.radians(longitude + self.rotate)
        if lam > math.pi:
            lam -= 2 * math.pi
        elif lam < -math.pi:
            lam += 2 * math.pi
        px, py = self.raw(lam, math.radians(latitude))
        x = self.translate[0] + self.scale * (px - self.center[0])
        y = self.translate[1] - self.scale * (py - self.center[1])
        x0, y0, x1, y1 = self.clip
        return (x, y) if x0 <= x <= x1 and y0 <= y <= y1 else None


def albers_usa(scale=SCALE, translate=TRANSLATE):
    """d3.geoAlbersUsa().scale(scale).translate(translate) for points: (lon, lat) -> (x, y)."""
    k, (x, y), e = scale, translate, _EPSILON
    parts = [
        _ConicEqualArea(  # lower 48 (ESRI:102003)
            parallels=(29.5, 45.5),
            rotate=96,
            center=(-0.6, 38.7),
            scale=k,
            translate=(x, y),
            clip=(x - 0.455 * k, y - 0.238 * k, x + 0.455 * k, y + 0.238 * k),
        ),
        _ConicEqualArea(  # Alaska (EPSG:3338), at 0.35 of the scale
            parallels=(55, 65),
            rotate=154,
            center=(-2, 58.5),
            scale=0.35 * k,
            translate=(x - 0.307 * k, y + 0.201 * k),
            clip=(x - 0.425 * k + e, y + 0.120 * k + e, x - 0.214 * k - e, y + 0.234 * k - e),
        ),
        _ConicEqualArea(  # Hawaii (ESRI:102007)
            parallels=(8, 18),
            rotate=157,
            center=(-3, 19.9),
            scale=k,
            translate=(x - 0.205 * k, y + 0.212 * k),
            clip=(x - 0.214 * k + e, y + 0.166 * k + e, x - 0.115 * k - e, y + 0.234 * k - e),
        ),
    ]

    def projection(longitude, latitude):
        for part in parts:
            point = part(longitude, latitude)
            if point is not None:
                return point
        return None

    return projection


_projection = albers_usa()


def project(latitude, longitude) -> tuple[float, float] | None:
    """A place on the canvas of the shipped outlines, or None where the map has no room for it
    (outside the 50 states and DC: Puerto Rico and the territories, abroad) or no coordinates."""
    if latitude is None or longitude is None:
        return None
    return _projection(float(longitude), float(latitude))


@cache
def state_shapes() -> dict:
    """The shipped outlines: {"width", "height", "states": {code: {"name", "bbox", "d"}}}."""
    path = settings.BASE_DIR / "fixtures" / "geo" / "us_states_albers.json"
    return json.loads(path.read_text(encoding="utf-8"))


def _n(value) -> str:
    """A canvas number for an SVG attribute: two decimals at most, no trailing zeros."""
    return f"{value:.2f}".rstrip("0").rstrip(".")


@dataclass
class Mark:
    key: object
    label: str
    x: float  # where the mark is drawn: moved off a neighbour it would hide
    y: float
    at_x: float  # the place itself
    at_y: float

    @property
    def moved(self) -> bool:
        return (self.x, self.y) != (self.at_x, self.at_y)

    def attrs(self):
        return {name: _n(getattr(self, name)) for name in ("x", "y", "at_x", "at_y")}


@dataclass
class MapView:
    """What includes/results_map.html draws; every number is in canvas units."""

    box: tuple[float, float, float, float]  # x, y, width, height
    marks: list[Mark]
    mark_radius: float
    highlight: str = ""  # a state's postal code
    home: tuple[float, float] | None = None  # the place searched from
    ring: float | None = None  # radius of the search distance around `home`
    place_code: str = ""
    radius_miles: int | None = None
    states: list[dict] = field(init=False)

    def __post_init__(self):
        x, y, w, h = self.box
        self.states = []
        for code, state in state_shapes()["states"].items():
            x0, y0, x1, y1 = state["bbox"]
            if x0 <= x + w and x1 >= x and y0 <= y + h and y1 >= y:
                self.states.append({"code": code, "name": state["name"], "d": state["d"]})
        self.states.sort(key=lambda state: state["code"] == self.highlight)  # drawn last, on top

    @property
    def viewbox(self) -> str:
        return " ".join(_n(value) for value in self.box)

    @property
    def numbers(self) -> dict:
        """Sizes and places as SVG attribute strings, for the template."""
        x, y, w, h = self.box
        r = self.mark_radius
        home = self.home
        return {
            "x": _n(x),
            "y": _n(y),
            "w": _n(w),
            "h": _n(h),
            "r": _n(r),
            "font": _n(r * 1.15),
            "dot": _n(r * 0.3),
            "home_x": _n(home[0]) if home else "",
            "home_y": _n(home[1]) if home else "",
            "home_d": _diamond(home, r * 1.1) if home else "",
            "ring": _n(self.ring) if self.ring else "",
        }

    @property
    def highlight_name(self) -> str:
        return next((s["name"] for s in self.states if s["code"] == self.highlight), "")


def _diamond(center, size) -> str:
    x, y = center
    corners = [(x, y - size), (x + size, y), (x, y + size), (x - size, y)]
    return "M" + "L".join(f"{_n(cx)} {_n(cy)}" for cx, cy in corners) + "Z"


ASPECT = 1.5  # width / height of every map
RESULTS_MIN_WIDTH = 32  # canvas units (about 100 miles): land around a cluster far from its ZIP
RESULTS_MARK_SHARE = 0.035  # a mark's radius as a share of the map's width
PLACE_MIN_WIDTH = 60
PLACE_MARK_SHARE = 0.03
MILES_PER_DEGREE = 69.05  # of latitude


def _frame(points, min_width, padding_share):
    """The box around `points`, padded, at least `min_width` wide, ASPECT wide to one high."""
    xs, ys = [p[0] for p in points], [p[1] for p in points]
    width = max(max(xs) - min(xs), (max(ys) - min(ys)) * ASPECT)
    width = max(width * (1 + 2 * padding_share), min_width)
    height = width / ASPECT
    cx, cy = (min(xs) + max(xs)) / 2, (min(ys) + max(ys)) / 2
    return (cx - width / 2, cy - height / 2, width, height)


def _place_marks(points, radius, keep_clear):
    """Marks in order, each moved to the nearest free spot around its place when an earlier mark
    (programs at one school, schools next door) or the spot `keep_clear` is there, so every
    number, and the place searched from, stays in sight."""
    placed = []
    gap = 2.15 * radius

    def free(spot):
        taken = [keep_clear, *((m.x, m.y) for m in placed)]
        return all(math.dist(spot, other) >= gap for other in taken)

    for key, label, (x, y) in points:
        spot, ring = (x, y), 0
        while not free(spot):
            ring += 1
            around = [
                (x + ring * gap * math.sin(turn), y - ring * gap * math.cos(turn))
                for turn in (2 * math.pi * slot / (6 * ring) for slot in range(6 * ring))
            ]
            spot = next((s for s in around if free(s)), spot)
        placed.append(Mark(key=key, label=label, x=spot[0], y=spot[1], at_x=x, at_y=y))
    return placed


def results_map(*, place, points, radius_miles=None) -> MapView | None:
    """A map of listed results around a searched `place` (anything with .latitude, .longitude
    and .code, e.g. a ZIP code): `points` are (key, latitude, longitude) in the list's order and
    are numbered from 1 in that order. Framed on the results and the place, not the country.
    None when the place is off the map."""
    home = project(place.latitude, place.longitude)
    if home is None:
        return None
    located = [
        (key, str(number), spot)
        for number, (key, latitude, longitude) in enumerate(points, start=1)
        if (spot := project(latitude, longitude)) is not None
    ]
    ring = None
    if radius_miles:
        north = project(place.latitude + radius_miles / MILES_PER_DEGREE, place.longitude)
        ring = math.dist(home, north) if north is not None else None
    framed = [home] + [spot for _, _, spot in located]
    if ring and ring * 2 <= RESULTS_MIN_WIDTH:  # a close search: frame its whole circle
        (hx, hy), least = home, RESULTS_MIN_WIDTH / 3
        framed += [(hx - ring, hy - ring), (hx + ring, hy + ring)]
    else:
        least = RESULTS_MIN_WIDTH
    box = _frame(framed, least, 0.04)
    radius = box[2] * RESULTS_MARK_SHARE
    marks = _place_marks(located, radius, keep_clear=home)
    # Marks at the edge, or moved past it, are kept whole: widen the frame around them.
    x, y, width, height = box
    pad = radius * 1.3
    corners = [(x, y), (x + width, y + height)]
    corners += [(m.x + d, m.y + d) for m in marks for d in (-pad, pad)]
    box = _frame(corners, width, 0.0)
    if ring and ring * 2 > box[2] * 1.1:
        ring = None  # drawn only when most of it is in the frame
    return MapView(
        box=box,
        marks=marks,
        mark_radius=radius,
        home=home,
        ring=ring,
        place_code=place.code,
        radius_miles=radius_miles,
    )


def place_map(*, latitude, longitude, state) -> MapView | None:
    """A small map of one place (a school) in its state, the state drawn out from its
    neighbours. None when the place is off the map or its state isn't among the outlines."""
    spot = project(latitude, longitude)
    shape = state_shapes()["states"].get(state)
    if spot is None or shape is None:
        return None
    x0, y0, x1, y1 = shape["bbox"]
    box = _frame([(x0, y0), (x1, y1), spot], PLACE_MIN_WIDTH, 0.06)
    return MapView(
        box=box,
        marks=[Mark(key=None, label="", x=spot[0], y=spot[1], at_x=spot[0], at_y=spot[1])],
        mark_radius=box[2] * PLACE_MARK_SHARE,
        highlight=state,
    )
