"""Spreadsheet-safe cells for every CSV (or XLSX...) the site writes, and the way back on import.

A spreadsheet runs a text cell that starts with `=`, `+`, `-` or `@` (or a tab or carriage
return before one) as a formula: a school name corrected to `=HYPERLINK(...)` would become a
link, or worse, in an editor's spreadsheet. Following OWASP's advice on CSV injection, such a
cell is written with a leading `'`, which spreadsheets show as text. Real numbers (int, float,
Decimal) are left as they are, so a negative longitude stays a number.

Import takes back exactly the `'` added here and nothing else: a cell is changed only when, once
the quotes are removed, it starts with one of those characters. Text that already starts with
`'` before one of them (`'=x`) is written with one more (`''=x`), so a round trip gives back
every value as it was.
"""

import numbers
from decimal import Decimal

FORMULA_STARTS = "=+-@\t\r"
PREFIX = "'"
PLAIN_NUMBERS = {int, float, Decimal, bool}  # found without the slower ABC check


def needs_prefix(text: str) -> bool:
    first = text.lstrip(PREFIX)[:1]
    return first != "" and first in FORMULA_STARTS


def csv_safe(value):
    """`value` as a spreadsheet will read it as text: numbers and None unchanged, text that a
    spreadsheet would run as a formula with a leading `'`. (Called for every cell of an export,
    so text, the common case, is checked first.)"""
    kind = type(value)
    if kind is str:
        return PREFIX + value if needs_prefix(value) else value
    if value is None or kind in PLAIN_NUMBERS or isinstance(value, numbers.Number):
        return value
    text = str(value)
    return PREFIX + text if needs_prefix(text) else value


def csv_unescape(value):
    """Undo csv_safe on an imported cell: remove the one `'` it added, nothing else."""
    if isinstance(value, str) and value.startswith(PREFIX) and needs_prefix(value[1:]):
        return value[1:]
    return value
