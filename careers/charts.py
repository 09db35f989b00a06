"""Server-rendered SVG bar charts (no JavaScript, no chart library), sized for phones."""

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
