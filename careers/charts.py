"""Server-rendered SVG charts (no JavaScript, no chart library), sized for phones."""

from dataclasses import dataclass

WIDTH = 360
LABEL_WIDTH = 34
VALUE_WIDTH = 62
BAR_HEIGHT = 14
GAP = 5
TOP = 6


@dataclass
class Bar:
    label: str
    value: int
    y: float
    width: float
    text_y: float
    value_x: float


def horizontal_bars(items: list[tuple[str, int]], reference: int | None = None) -> dict:
    """Geometry for a horizontal bar chart of (label, value) pairs; values share one scale."""
    if not items:
        return {"bars": [], "height": 0, "width": WIDTH}
    track = WIDTH - LABEL_WIDTH - VALUE_WIDTH
    largest = max(value for _, value in items)
    bars = []
    for index, (label, value) in enumerate(items):
        y = TOP + index * (BAR_HEIGHT + GAP)
        width = track * value / largest
        bars.append(Bar(label, value, y, width, y + BAR_HEIGHT - 3, LABEL_WIDTH + width + 4))
    height = TOP + len(items) * (BAR_HEIGHT + GAP)
    chart = {
        "bars": bars,
        "height": height,
        "width": WIDTH,
        "label_width": LABEL_WIDTH,
        "bar_height": BAR_HEIGHT,
    }
    if reference:
        chart["reference_x"] = LABEL_WIDTH + track * reference / largest
    return chart


# A small column chart of one count per year (graduates 2019-20 to 2023-24).
COLUMNS_WIDTH = 320
COLUMNS_TOP = 18  # room above the tallest column for its value
COLUMNS_TRACK = 72  # the tallest column
COLUMNS_BOTTOM = 20  # room under the baseline for the year
SMALLEST_COLUMN = 2  # a reported 0 (or a count far below the largest) still shows


@dataclass
class Column:
    label: str  # the year, under the baseline
    text: str  # the value above its column: "1,204", "0", or `missing`
    x: float
    y: float
    width: float
    height: float  # 0: nothing reported, so no column is drawn
    center: float
    text_y: float


def yearly_columns(items: list[tuple[str, int | None]], missing: str = "–") -> dict:
    """Geometry for a column chart of (year, count) pairs on one scale from 0. A reported 0 is a
    stub on the baseline; a year with nothing reported (None) has no column, only `missing`."""
    baseline = COLUMNS_TOP + COLUMNS_TRACK
    chart = {
        "columns": [],
        "width": COLUMNS_WIDTH,
        "height": baseline + COLUMNS_BOTTOM,
        "baseline_y": baseline,
        "label_y": baseline + COLUMNS_BOTTOM - 5,
    }
    if not items:
        return chart
    slot = COLUMNS_WIDTH / len(items)
    largest = max((value for _, value in items if value), default=1)
    for index, (label, value) in enumerate(items):
        height = 0 if value is None else max(COLUMNS_TRACK * value / largest, SMALLEST_COLUMN)
        x = index * slot + slot * 0.2
        chart["columns"].append(
            Column(
                label=label,
                text=missing if value is None else f"{value:,}",
                x=x,
                y=baseline - height,
                width=slot * 0.6,
                height=height,
                center=x + slot * 0.3,
                text_y=baseline - height - 5,
            )
        )
    return chart
