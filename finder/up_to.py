"""The "up to" filters of the program listing (cost, yearly tuition, length): what each compares,
and what the listing says of the programs that have no figure for it, which such a filter never
hides silently: it leaves them out and says how many, or lets them in (its `*_unknown`
parameter)."""

from django.utils.translation import ngettext_lazy

from core.templatetags.figures import grouped
from programs.querysets import COST_FIELD, LENGTH_FIELD, YEARLY_TUITION_FIELD


class UpTo:
    """What an "up to" filter compares, and how the listing speaks of programs without it."""

    def __init__(self, method, include_param, field, left_out, included):
        self.method = method  # the ProgramQuerySet method that applies it
        self.include_param = include_param  # the URL parameter that lets unknowns in
        self.field = field  # the figure compared (programs/querysets.py)
        # What the listing says of the programs that have no figure, when they are left out and
        # when they are let in (ngettext_lazy: "%(count)s" is how many, grouped).
        self.left_out, self.included = left_out, included

    def unknowns_text(self, count: int, included: bool) -> str:
        """ "12 programs with no reported length in months were left out." (or "Including…")"""
        text = self.included if included else self.left_out
        return text % {"number": count, "count": grouped(count)}


# Whole sentences, so that each is translated whole.
UP_TO = {
    "cost_max": UpTo(
        "costing_at_most",
        "cost_unknown",
        COST_FIELD,
        left_out=ngettext_lazy(
            "%(count)s program with no reported whole-program cost was left out.",
            "%(count)s programs with no reported whole-program cost were left out.",
            "number",
        ),
        included=ngettext_lazy(
            "Including %(count)s program with no reported whole-program cost.",
            "Including %(count)s programs with no reported whole-program cost.",
            "number",
        ),
    ),
    "tuition_max": UpTo(
        "with_yearly_tuition_at_most",
        "tuition_unknown",
        YEARLY_TUITION_FIELD,
        left_out=ngettext_lazy(
            "%(count)s program with no yearly tuition reported by its school was left out.",
            "%(count)s programs with no yearly tuition reported by their school were left out.",
            "number",
        ),
        included=ngettext_lazy(
            "Including %(count)s program with no yearly tuition reported by its school.",
            "Including %(count)s programs with no yearly tuition reported by their school.",
            "number",
        ),
    ),
    "length_max": UpTo(
        "lasting_at_most",
        "length_unknown",
        LENGTH_FIELD,
        left_out=ngettext_lazy(
            "%(count)s program with no reported length in months was left out.",
            "%(count)s programs with no reported length in months were left out.",
            "number",
        ),
        included=ngettext_lazy(
            "Including %(count)s program with no reported length in months.",
            "Including %(count)s programs with no reported length in months.",
            "number",
        ),
    ),
}
