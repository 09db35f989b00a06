"""The careers app's models, in two modules: the guides editors write (guides.py) and the
figures imported from public sources (figures.py). Everything is re-exported here, so
`from careers.models import Career` and the app label, tables and migrations are unchanged."""

from .figures import (
    CipSocLink,
    OnetSkill,
    OnetTask,
    OnetTechnology,
    Projection,
    WageEstimate,
    WageEstimateQuerySet,
    ZipCode,
)
from .guides import (
    Accreditor,
    Career,
    CareerQuerySet,
    Certification,
    CertificationRoute,
    GuideSection,
    GuideSectionQuerySet,
    Organization,
    PublishStatus,
)

__all__ = [
    "Accreditor",
    "Career",
    "CareerQuerySet",
    "Certification",
    "CertificationRoute",
    "CipSocLink",
    "GuideSection",
    "GuideSectionQuerySet",
    "OnetSkill",
    "OnetTask",
    "OnetTechnology",
    "Organization",
    "Projection",
    "PublishStatus",
    "WageEstimate",
    "WageEstimateQuerySet",
    "ZipCode",
]
