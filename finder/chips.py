"""The program listing's active filters as removable chips: a label, and the URL without it."""

from django.utils.http import urlencode

from core.geography import state_name
from programs.models import CredentialLevel, Sector

from .filters import FLAGS


def filter_chips(filterset, query):
    """(label, URL without that filter) for each active filter of `filterset`; `query` is
    request.GET. Removing a filter also goes back to the first page, and a ZIP code takes its
    radius with it."""
    labels = {
        "q": lambda v: f"Keyword: {v}",
        "career": lambda v: filterset.careers[v].title,
        "zip": lambda v: f"Within {filterset.radius_miles} miles of {v.code}",
        "state": lambda v: state_name(v),
        "credential": lambda v: CredentialLevel(v).label,
        "sector": lambda v: Sector(v).label,
        "cost_max": lambda v: f"Whole-program cost up to ${int(v):,}",
        "cost_unknown": lambda v: "Also programs with no reported cost",
        "tuition_max": lambda v: f"Yearly tuition up to ${int(v):,}",
        "tuition_unknown": lambda v: "Also schools with no yearly tuition reported",
        "length_max": lambda v: f"Up to {int(v)} months",
        "length_unknown": lambda v: "Also programs with no reported length",
        "certification": lambda v: f"Prepares for {filterset.certifications[v].abbreviation}",
        **{name: (lambda v, name=name: FLAGS[name][0]) for name in FLAGS},
    }
    chips = []
    for name, value in filterset.active().items():
        dropped = {name, "page"} | ({"radius"} if name == "zip" else set())
        remaining = [
            (key, item)
            for key, items in query.lists()
            if key not in dropped
            for item in items
            if item
        ]
        chips.append((labels[name](value), f"?{urlencode(remaining)}" if remaining else "?"))
    return chips
