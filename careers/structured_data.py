"""schema.org data for career guides, built only from figures we hold, in the page's language."""

from django.conf import settings
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from core.i18n import translated

SCHEMA = "https://schema.org"


def page_language() -> str:
    """The language of the page being built: "en" or "es"."""
    return get_language() or settings.LANGUAGE_CODE


def about_page(url: str) -> dict:
    """The page of ours that describes the thing (schema.org `mainEntityOfPage`), with its
    language: Occupation and credentials have no `inLanguage` of their own."""
    return {"@type": "WebPage", "@id": url, "url": url, "inLanguage": page_language()}


def occupation(request, career, wage, projection, *, url=None, place=None) -> dict:
    """An Occupation with the BLS pay for `place` (the whole country unless given)."""
    page_url = request.build_absolute_uri(url or career.get_absolute_url())
    data = {
        "@context": SCHEMA,
        "@type": "Occupation",
        "name": translated(career, "title"),
        "description": translated(career, "summary"),
        "url": page_url,
        "mainEntityOfPage": about_page(page_url),
        "occupationalCategory": career.soc_code,
    }
    if projection and projection.typical_education:
        data["educationRequirements"] = projection.typical_education
    if wage and wage.annual_median is not None:
        distribution = {
            "@type": "MonetaryAmountDistribution",
            "name": f"{wage.SOURCE}, {wage.PERIOD}",
            "currency": "USD",
            "duration": "P1Y",
            "percentile10": wage.annual_p10,
            "percentile25": wage.annual_p25,
            "median": wage.annual_median,
            "percentile75": wage.annual_p75,
            "percentile90": wage.annual_p90,
        }
        data["estimatedSalary"] = [{k: v for k, v in distribution.items() if v is not None}]
        data["occupationLocation"] = [place or {"@type": "Country", "name": _("United States")}]
    return data


def credential(request, certification) -> dict:
    organization = certification.organization
    page_url = request.build_absolute_uri(certification.get_absolute_url())
    return {
        "@context": SCHEMA,
        "@type": "EducationalOccupationalCredential",
        "name": f"{certification.name} ({certification.abbreviation})",
        "url": page_url,
        "mainEntityOfPage": about_page(page_url),
        "credentialCategory": "certification",
        "recognizedBy": {
            "@type": "Organization",
            "name": organization.name,
            "url": organization.website,
        },
        "about": [translated(career, "title") for career in certification.careers.all()],
    }
