"""Showing figures exactly as the sources give them, never rounded in a way that changes them."""

from decimal import Decimal

from django import template

register = template.Library()


@register.filter
def grouped(value):
    """12345 -> "12,345"; None stays None. The site is in US English: no per-number locale
    lookup, which made humanize's intcomma the slowest part of pages full of figures."""
    if value is None or value == "":
        return None
    if isinstance(value, str):
        value = Decimal(value)
    return f"{value:,}"


@register.filter
def dollars(value):
    """12345 -> "$12,345"; None stays None so templates can say why it is missing."""
    amount = grouped(value)
    return None if amount is None else f"${amount}"


@register.filter
def from_thousands(value):
    """BLS projections are in thousands: 811.0 -> "811,000"."""
    if value is None:
        return None
    return grouped(int(Decimal(value) * 1000))


@register.filter
def signed_percent(value):
    if value is None:
        return None
    return f"{'+' if value > 0 else ''}{value}%"
