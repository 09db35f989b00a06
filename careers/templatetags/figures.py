"""Showing figures exactly as the sources give them, never rounded in a way that changes them."""

from decimal import Decimal

from django import template
from django.contrib.humanize.templatetags.humanize import intcomma

register = template.Library()


@register.filter
def dollars(value):
    """12345 -> "$12,345"; None stays None so templates can say why it is missing."""
    if value is None or value == "":
        return None
    return f"${intcomma(value)}"


@register.filter
def from_thousands(value):
    """BLS projections are in thousands: 811.0 -> "811,000"."""
    if value is None:
        return None
    return intcomma(int(Decimal(value) * 1000))


@register.filter
def signed_percent(value):
    if value is None:
        return None
    return f"{'+' if value > 0 else ''}{value}%"
