"""The program search's parameters in the OpenAPI document, read from the finder's FilterSet
(finder.filters.ProgramFilter) so that the document lists exactly the filters it applies."""

from django.utils import translation
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter

from finder.filters import FLAGS, SORTS, ProgramFilter
from finder.up_to import UP_TO

WHOLE_NUMBER = {"type": "string", "pattern": r"^[0-9]+$"}
DESCRIPTIONS = {
    "q": "Keyword, up to 100 characters: every word in the school's name or city, the career "
    "or the field of study.",
    "career": "A published career's slug (/api/v1/careers/).",
    "certification": "A certification's slug (/api/v1/certifications/): programs preparing for it.",
    "zip": "A five-digit ZIP code: programs within `radius` miles, nearest first by default.",
    "radius": "Miles around `zip` (default 25); ignored without `zip`.",
    "state": "A state's two-letter postal code, in lower case as the finder sends it.",
    "sort": "The order; `distance` needs `zip`. Default: `distance` with `zip`, else `name`. "
    "Programs without the figure sorted on come last.",
}


def _parameter(name, field) -> OpenApiParameter:
    with translation.override("en"):
        label = str(field.label or name)
    description = DESCRIPTIONS.get(name, label)
    enum = None
    kind = OpenApiTypes.STR
    if name in FLAGS or name in {up_to.include_param for up_to in UP_TO.values()}:
        enum, description = ["1"], f"{label}: `1` for yes."
    elif name in ("radius", "credential", "sector"):
        enum = [value for value, _label in field.extra["choices"]]
    elif name == "sort":
        enum = list(SORTS)
    elif name in UP_TO:
        kind = OpenApiTypes.INT
        description = f"{label}. A whole number, {field.extra['min_value']} to "
        description += f"{field.extra['max_value']}."
    return OpenApiParameter(name, kind, enum=enum, description=description)


SEARCH_PARAMETERS = [_parameter(name, field) for name, field in ProgramFilter.base_filters.items()]
