"""Certification routes on public pages. The certification page belongs to careers, which may
not import programs; its template loads this library for the programs that lead to each route
(as every page loads corrections' footer form)."""

from django import template

from programs import certifications

register = template.Library()

register.filter("accreditation_phrase", certifications.accreditation_phrase)


@register.inclusion_tag("programs/includes/programs_by_route.html")
def programs_by_route(certification):
    """Per training route: how many published programs lead to it, the finder filtered to the
    certification, and the programs with most graduates."""
    return {"certification": certification, **certifications.programs_by_route(certification)}
