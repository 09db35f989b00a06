from django import template
from django.utils.dateformat import format as date_format
from django.utils.dateparse import parse_date

from programs.forms import CorrectionForm, correction_target

register = template.Library()


@register.inclusion_tag("programs/includes/correction_form.html", takes_context=True)
def correction_form(context, about=None):
    """The "Notice an update we should make?" form, tied to this page and what it shows."""
    request = context.get("request")
    if request is None:  # error pages rendered without a request (500, CSRF failure)
        return {}
    form = CorrectionForm(
        initial={
            "page_url": request.get_full_path(),
            "target": correction_target(about) if about else "",
        },
        auto_id="correction_%s",
    )
    return {"form": form, "request": request, "csrf_token": context.get("csrf_token")}


@register.simple_tag
def open_corrections():
    from programs.admin import open_corrections_summary

    return open_corrections_summary()


@register.simple_tag
def provenance(program, field):
    """Where a program's value came from: the school, a correction, or IPEDS."""
    source = program.field_sources.get(field)
    if not source:
        return f"{program.data_source} {program.data_year}".strip()
    when = date_format(parse_date(source["date"]), "M j, Y") if source.get("date") else ""
    if source.get("source") == "school":
        return f"Reported by the school on {when}, reviewed by our editors"
    return f"Corrected on {when}"
