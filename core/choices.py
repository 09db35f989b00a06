"""`get_FOO_display()` without re-translating every choice on every call.

Django's own builds a dict of the field's choices on each call, hashing each (value, label)
pair, and hashing a lazy label translates it: a program page asked for ten labels and paid for
about forty translations. Here the dict is made once per field, keyed by value only, and just
the one label shown is translated (in the active language, as before).
"""

from functools import cache

from django.utils.encoding import force_str
from django.utils.hashable import make_hashable


@cache
def labels_of(field) -> dict:
    return {make_hashable(value): label for value, label in field.flatchoices}


class ChoiceLabels:
    """Mixed into a model: its `get_FOO_display()` reads `labels_of(field)`."""

    def _get_FIELD_display(self, field):
        value = getattr(self, field.attname)
        return force_str(labels_of(field).get(make_hashable(value), value), strings_only=True)
