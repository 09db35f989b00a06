"""Where each value on a public page comes from.

A record loaded from federal data (a school, a program) keeps `imported_values`, what the last
import wrote, and `field_sources`, for each field whose value came from somewhere else: who
(`Source`) and when. Every write path — the admin form, a CSV import, a correction, a school's
update, a data refresh, a revert — calls `values_record_source` for the fields it changed; the
public page reads `source_label`.
"""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.formats import date_format
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _


class Source(models.TextChoices):
    IMPORT = "import", "As the data source publishes it"
    EDITOR = "editor", "Updated by our editors"
    CORRECTION = "correction", "Corrected by our editors after a visitor's note"
    SCHOOL = "school", "Reported by the school, reviewed by our editors"


LABELS = {
    Source.EDITOR: gettext_lazy("Updated by our editors on %(date)s"),
    Source.CORRECTION: gettext_lazy("Corrected by our editors on %(date)s, after a visitor's note"),
    Source.SCHOOL: gettext_lazy("Reported by the school on %(date)s, reviewed by our editors"),
}


def _label_date(day) -> str:
    """English labels read "Mar 4, 2026" (as they always did); other languages use their
    DATE_FORMAT ("4 de marzo de 2026")."""
    if get_language() in (None, settings.LANGUAGE_CODE):
        return date_format(day, "M j, Y")
    return date_format(day, "DATE_FORMAT")


def plain_value(value):
    """A value as JSON stores it, so a database value and a remembered import compare equal."""
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if isinstance(value, models.Model):
        return value.pk
    return value


def values_record_source(obj, *, fields, source: Source, on=None) -> None:
    """Record on `obj` (not saved here) that `fields` now hold values from `source`.

    A value equal to what the last import wrote is the data source's own again, whoever wrote
    it back (a revert, a correction that confirms it, a refresh), so it shows that source.
    """
    day = (on or timezone.localdate()).isoformat()
    imported = getattr(obj, "imported_values", {}) or {}
    for name in fields:
        back_to_import = name in imported and plain_value(getattr(obj, name)) == imported[name]
        if source == Source.IMPORT or back_to_import:
            obj.field_sources.pop(name, None)
        else:
            obj.field_sources[name] = {"source": str(source), "date": day}


def values_record_edits(obj, *, source: Source, also=()) -> None:
    """For a save of a whole record (the admin form, a revert, a CSV import): record `source`
    for each of its values that differs from the stored row, and for the fields in `also`.

    What the last import wrote and where the other values came from are kept as stored: a
    revert to an earlier version never brings back old bookkeeping."""
    stored = type(obj)._base_manager.filter(pk=obj.pk).first() if obj.pk else None
    if stored is None:
        changed = list(obj.sourced_fields)
    else:
        obj.imported_values, obj.field_sources = stored.imported_values, dict(stored.field_sources)
        changed = [
            name
            for name in obj.sourced_fields
            if plain_value(getattr(stored, name)) != plain_value(getattr(obj, name))
        ]
    values_record_source(obj, fields=[*changed, *also], source=source)


def source_label(obj, field: str) -> str:
    """What the public page says about where `obj`'s `field` comes from."""
    entry = obj.field_sources.get(field)
    if not entry or entry.get("source") not in LABELS:
        return f"{obj.data_source} {obj.data_year}".strip()
    day = parse_date(entry.get("date") or "")
    return LABELS[entry["source"]] % {"date": _label_date(day) if day else _("an unknown date")}


def changed_source_label(obj, *fields: str) -> str:
    """The label of the first of `fields` that no longer holds the data source's value, or ""
    (for places where the data source is named once for a whole block)."""
    for field in fields:
        if field in obj.field_sources:
            return source_label(obj, field)
    return ""
