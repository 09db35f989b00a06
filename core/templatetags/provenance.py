from django import template

from core.provenance import changed_source_label, source_label

register = template.Library()


@register.simple_tag
def provenance(record, field):
    """Where a program's or school's value comes from: the data source, our editors, a
    visitor's correction or the school (core/provenance.py)."""
    return source_label(record, field)


@register.simple_tag
def changed_source(record, *fields):
    """Where the first of `fields` that changed since the data import comes from, or ""."""
    return changed_source_label(record, *fields)
