"""Reading the CSV files shipped in fixtures/: rows with their line numbers, and clear errors.

A malformed value raises DataFileError naming the file, the line and the reason, so an import can
stop before it writes anything.
"""

import csv
from collections.abc import Iterator
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.dispatch import Signal


class DataFileError(Exception):
    def __init__(self, path: Path, line: int, reason: str):
        self.path, self.line, self.reason = path, line, reason
        super().__init__(f"{path}, line {line}: {reason}")


def read_rows(path: Path, required_columns) -> Iterator[tuple[int, dict[str, str]]]:
    """Yield (line number, row) for each data row; the header is line 1."""
    try:
        f = open(path, newline="", encoding="utf-8")  # noqa: SIM115 - closed by the with below
    except OSError as exc:
        raise DataFileError(path, 0, f"cannot open the file ({exc.strerror})") from exc
    with f:
        reader = csv.DictReader(f)
        missing = set(required_columns) - set(reader.fieldnames or [])
        if missing:
            raise DataFileError(path, 1, f"missing column(s): {', '.join(sorted(missing))}")
        try:
            for row in reader:
                if None in row or None in row.values():
                    raise DataFileError(path, reader.line_num, "wrong number of fields")
                yield reader.line_num, {k: v.strip() for k, v in row.items()}
        except (csv.Error, UnicodeDecodeError) as exc:
            raise DataFileError(path, reader.line_num, f"unreadable CSV ({exc})") from exc


def parse_file(path: Path, columns, parse_row, *args) -> list[dict]:
    """Every row of a file through `parse_row(row, *args)`; a ValueError names the line."""
    rows = []
    for line, row in read_rows(path, columns):
        try:
            rows.append(parse_row(row, *args))
        except ValueError as exc:
            raise DataFileError(path, line, str(exc)) from exc
    return rows


# Parsers: "" (and the sources' "not available" marks) become None; anything else malformed
# raises ValueError with a reason that the caller wraps in a DataFileError.
MISSING = {"", "-", "—"}


def to_decimal(value: str, name: str) -> Decimal | None:
    if value in MISSING:
        return None
    try:
        number = Decimal(value)
    except InvalidOperation:
        raise ValueError(f"{name} is not a number: {value!r}") from None
    if not number.is_finite():
        raise ValueError(f"{name} is not a number: {value!r}")
    return number


def to_int(value: str, name: str) -> int | None:
    number = to_decimal(value, name)
    if number is None:
        return None
    if number != number.to_integral_value() or number < 0:
        raise ValueError(f"{name} is not a whole number of zero or more: {value!r}")
    return int(number)


def to_float_in(value: str, name: str, low: float, high: float) -> float | None:
    number = to_decimal(value, name)
    if number is None:
        return None
    if not low <= number <= high:
        raise ValueError(f"{name} {value} is outside {low}..{high}")
    return float(number)


def to_flag(value: str, name: str, yes: set[str], no: set[str]) -> bool | None:
    """A coded yes/no field; codes in neither set (not reported, not applicable) mean unknown."""
    if value in yes:
        return True
    if value in no:
        return False
    if value in MISSING or value.lstrip("-").isdigit():
        return None
    raise ValueError(f"{name} has an unknown code: {value!r}")


def require(value: str, name: str) -> str:
    if not value:
        raise ValueError(f"{name} is empty")
    return value


class Upserted:
    """Counts from one upsert, for the import's report."""

    def __init__(self, label: str):
        self.label = label
        self.created = self.updated = self.unchanged = self.not_in_source = 0

    def __str__(self):
        return (
            f"{self.label}: {self.created} new, {self.updated} changed, "
            f"{self.unchanged} unchanged, "
            f"{self.not_in_source} in the database but not in the source (left as they are)"
        )


def upsert(model, rows: list[dict], key: tuple[str, ...], *, label: str, progress=None, batch=500):
    """Create or update `model` rows from `rows` (field values keyed by attname) on a natural key.

    The bulk equivalent of update_or_create per row: one read of what exists, then bulk writes of
    only the new and changed rows, so running it again with the same data writes nothing.
    Call it inside transaction.atomic().
    """
    result = Upserted(label)
    existing = {tuple(getattr(obj, f) for f in key): obj for obj in model.objects.all()}
    seen, to_create, to_update, changed_fields = set(), [], [], set()
    for values in rows:
        k = tuple(values[f] for f in key)
        seen.add(k)
        obj = existing.get(k)
        if obj is None:
            to_create.append(model(**values))
            continue
        changed = [f for f, v in values.items() if getattr(obj, f) != v]
        for f in changed:
            setattr(obj, f, values[f])
        if changed:
            changed_fields.update(changed)
            to_update.append(obj)
    result.created, result.updated = len(to_create), len(to_update)
    result.unchanged = len(rows) - result.created - result.updated
    result.not_in_source = len(existing.keys() - seen)
    total, done = len(to_create) + len(to_update), 0
    for start in range(0, len(to_create), batch):
        model.objects.bulk_create(to_create[start : start + batch])
        done += len(to_create[start : start + batch])
        if progress:
            progress(label, done, total)
    for start in range(0, len(to_update), batch):
        model.objects.bulk_update(to_update[start : start + batch], sorted(changed_fields))
        done += len(to_update[start : start + batch])
        if progress:
            progress(label, done, total)
    return result


# Sent at the end of every bulk load (imports, seeding): apps above core that keep something
# built from the whole data (the bulk downloads, api/apps.py) listen to it.
bulk_loaded = Signal()


def after_bulk_load() -> None:
    """After a bulk load: cached pages are stale (bulk writes send no signals), and PostgreSQL's
    planner statistics need refreshing. Every table is analyzed, the small ones too: autovacuum
    never analyzes an 8-row table like the careers, and without statistics the planner took
    "published careers" for one row and joined 100,000 programs to their schools one by one."""
    from django.db import connection

    from .tags import pages_changed

    pages_changed()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    bulk_loaded.send(sender=None)
