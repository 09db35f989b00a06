"""schema.org data for program and school pages; a figure we don't hold is left out, not guessed."""

from django.utils.translation import gettext as _

from core.i18n import translated

SCHEMA = "https://schema.org"


def school_organization(request, school) -> dict:
    # IPEDS sectors: "…, 4-year or above" and "…, 2-year" are colleges; "less-than 2-year" are not.
    degree_granting = school.sector_detail.endswith(("4-year or above", ", 2-year"))
    data = {
        "@type": "CollegeOrUniversity" if degree_granting else "EducationalOrganization",
        "name": school.name,
        "url": request.build_absolute_uri(school.get_absolute_url()),
        "address": {
            "@type": "PostalAddress",
            "streetAddress": school.address,
            "addressLocality": school.city,
            "addressRegion": school.state,
            "postalCode": school.zip_code,
            "addressCountry": "US",
        },
    }
    if school.website:
        data["sameAs"] = school.website
    if school.latitude is not None and school.longitude is not None:
        data["geo"] = {
            "@type": "GeoCoordinates",
            "latitude": school.latitude,
            "longitude": school.longitude,
        }
    return data


def school(request, school) -> dict:
    return {"@context": SCHEMA, **school_organization(request, school)}


def program(request, program) -> dict:
    credential = program.get_credential_level_display()
    data = {
        "@context": SCHEMA,
        "@type": "EducationalOccupationalProgram",
        "name": _("%(career)s: %(credential)s")
        % {"career": translated(program.career, "title"), "credential": credential},
        "url": request.build_absolute_uri(program.get_absolute_url()),
        "provider": school_organization(request, program.school),
        "educationalCredentialAwarded": credential,
        "occupationalCategory": program.career.soc_code,
    }
    if program.months_to_complete:
        data["timeToComplete"] = f"P{program.months_to_complete}M"
    if program.total_cost is not None:
        data["offers"] = {
            "@type": "Offer",
            "price": program.total_cost,
            "priceCurrency": "USD",
            "category": _(
                "Published whole-program tuition, fees, books and supplies (IPEDS %(year)s)"
            )
            % {"year": program.data_year},
        }
    return data
