"""The program listing's active filters as removable chips: a label, and the URL without it."""

from django.utils.http import urlencode
from django.utils.translation import gettext as _

from core.geography import state_name
from core.i18n import translated
from core.templatetags.figures import dollars
from programs.models import CredentialLevel, Sector

from .filters import FLAGS


def filter_chips(filterset, query):
    """(label, URL without that filter) for each active filter of `filterset`; `query` is
    request.GET. Removing a filter also goes back to the first page, and a ZIP code takes its
    radius with it."""
    labels = {
        "q": lambda v: _("Keyword: %(keyword)s") % {"keyword": v},
        "career": lambda v: translated(filterset.careers[v], "title"),
        "zip": lambda v: (
            _("Within %(miles)s miles of %(zip)s")
            % {"miles": filterset.radius_miles, "zip": v.code}
        ),
        "state": lambda v: state_name(v),
        "credential": lambda v: CredentialLevel(v).label,
        "sector": lambda v: Sector(v).label,
        "cost_max": lambda v: (
            _("Whole-program cost up to %(amount)s") % {"amount": dollars(int(v))}
        ),
        "cost_unknown": lambda v: _("Also programs with no reported cost"),
        "tuition_max": lambda v: _("Yearly tuition up to %(amount)s") % {"amount": dollars(int(v))},
        "tuition_unknown": lambda v: _("Also schools with no yearly tuition reported"),
        "length_max": lambda v: _("Up to %(months)s months") % {"months": int(v)},
        "length_unknown": lambda v: _("Also programs with no reported length"),
        "certification": lambda v: (
            _("Prepares for %(certification)s")
            % {"certification": filterset.certifications[v].abbreviation}
        ),
        **{name: (lambda v, name=name: str(FLAGS[name][0])) for name in FLAGS},
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
