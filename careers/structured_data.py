"""schema.org data for career guides, built only from figures we hold."""

SCHEMA = "https://schema.org"


def occupation(request, career, wage, projection, *, url=None, place=None) -> dict:
    """An Occupation with the BLS pay for `place` (the whole country unless given)."""
    data = {
        "@context": SCHEMA,
        "@type": "Occupation",
        "name": career.title,
        "description": career.summary,
        "url": request.build_absolute_uri(url or career.get_absolute_url()),
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
        data["occupationLocation"] = [place or {"@type": "Country", "name": "United States"}]
    return data


def credential(request, certification) -> dict:
    organization = certification.organization
    return {
        "@context": SCHEMA,
        "@type": "EducationalOccupationalCredential",
        "name": f"{certification.name} ({certification.abbreviation})",
        "url": request.build_absolute_uri(certification.get_absolute_url()),
        "credentialCategory": "certification",
        "recognizedBy": {
            "@type": "Organization",
            "name": organization.name,
            "url": organization.website,
        },
        "about": [career.title for career in certification.careers.all()],
    }
