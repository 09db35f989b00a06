"""The read-only JSON API, /api/v1/ (docs/api.md): careers, certifications, schools, programs and
the program search, which is the finder's own FilterSet and queryset rules
(finder.filters.ProgramFilter over Program.objects.for_listing(), as finder/views.py's
ProgramListView), so it lists the same programs in the same order as /programs/.

Every view: English labels, keyset pages (pagination.py), an ETag and `Cache-Control: public,
max-age=60` on each 200 (304 for a matching If-None-Match), a rate limit per client address and
JSON errors (errors.py). Queries per request are constant: each list reads its page and then
each related list once."""

from django.db.models import Prefetch
from django.http import Http404, HttpResponseNotModified
from django.utils import translation
from drf_spectacular.renderers import OpenApiJsonRenderer2
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from drf_spectacular.views import SpectacularAPIView
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from careers.models import Career, Certification, Projection, WageEstimate
from core.pagecache import etag_of, not_modified
from finder.filters import ProgramFilter
from programs.models import Program, School

from . import serializers as api
from . import serializers_programs as program_json
from .errors import (
    ClientAddressRateLimit,
    DetailSerializer,
    ParameterError,
    ParameterErrorsSerializer,
    RateLimitedSerializer,
    api_exception_handler,
    form_errors,
)
from .pagination import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, KeysetPage
from .schema import SEARCH_PARAMETERS

CACHE_CONTROL = "public, max-age=60"
BIGINT_MAX = 2**63 - 1  # Program ids (BigAutoField)
INTEGER_MAX = 2**31 - 1  # School unit IDs


class ApiView(APIView):
    """What every API view shares (see the module docstring)."""

    throttle_classes = [ClientAddressRateLimit]

    def get_exception_handler(self):
        return api_exception_handler

    def dispatch(self, request, *args, **kwargs):
        with translation.override("en"):
            return super().dispatch(request, *args, **kwargs)

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        if request.method in ("GET", "HEAD") and response.status_code == 200:
            response.render()
            etag = etag_of(response.content)
            if not_modified(request, etag):
                response = HttpResponseNotModified()
            response["ETag"] = etag
            response["Cache-Control"] = CACHE_CONTROL
        return response


def page_of(item):
    """The serializer of a page of `item`s: {"next": URL or null, "results": [...]}."""
    name = item.__name__.removesuffix("Serializer")
    return type(
        f"{name}PageSerializer",
        (serializers.Serializer,),
        {
            "__module__": __name__,
            "next": serializers.URLField(
                allow_null=True, help_text="The next page (also in the Link header), or null."
            ),
            "results": item(many=True),
        },
    )


PAGE_PARAMETERS = [
    OpenApiParameter(
        "cursor",
        str,
        description="Opaque: the `cursor` of the `next` link. Absent: the first page.",
    ),
    OpenApiParameter(
        "page_size",
        int,
        description=f"Rows per page, 1 to {MAX_PAGE_SIZE} (default {DEFAULT_PAGE_SIZE}).",
    ),
]
RATE_LIMITED = OpenApiResponse(RateLimitedSerializer, description="Past the rate limit.")
BAD_PARAMETER = OpenApiResponse(ParameterErrorsSerializer, description="Invalid parameters.")
NOT_FOUND = OpenApiResponse(DetailSerializer, description="No such public record.")


def list_schema(item, operation_id, *, parameters=(), description=""):
    return extend_schema(
        operation_id=operation_id,
        parameters=[*parameters, *PAGE_PARAMETERS],
        responses={200: page_of(item), 400: BAD_PARAMETER, 429: RATE_LIMITED},
        description=description,
    )


def detail_schema(item, operation_id, *, parameters=(), description=""):
    return extend_schema(
        operation_id=operation_id,
        parameters=list(parameters),
        responses={200: item, 404: NOT_FOUND, 429: RATE_LIMITED},
        description=description,
    )


def paged(request, queryset, scope, serializer_class, rows_read=None):
    """A page of `queryset` as `serializer_class` rows; `rows_read(rows)` adds to the context
    what the rows need that they don't hold (one query per kind, whatever the page size)."""
    page = KeysetPage(request, queryset, scope)
    context = {"request": request, **(rows_read(page.rows) if rows_read else {})}
    rows = serializer_class(page.rows, many=True, context=context).data
    body = {"next": page.next, "results": rows}
    return Response(body, headers=page.headers())


def whole_number(text, most) -> int | None:
    """`text` as a whole number from 0 to `most`, or None (never int() of a huge string)."""
    if not (text.isascii() and text.isdigit() and len(text) <= len(str(most))):
        return None
    return int(text) if int(text) <= most else None


# Careers


def careers():
    return Career.objects.published().prefetch_related(
        Prefetch("certifications", queryset=Certification.objects.order_by("abbreviation", "pk"))
    )


def pay_and_outlook(careers_shown) -> dict:
    """{"wages": {SOC: national wage}, "projections": {SOC: projection}}: one query each."""
    codes = {career.soc_code for career in careers_shown}
    if not codes:
        return {"wages": {}, "projections": {}}
    wages = WageEstimate.objects.national().filter(soc_code__in=codes).order_by("-pk")
    projections = Projection.objects.filter(soc_code__in=codes)
    return {
        "wages": {wage.soc_code: wage for wage in wages},  # the first row per SOC code wins
        "projections": {p.soc_code: p for p in projections},
    }


class CareerListView(ApiView):
    @list_schema(
        api.CareerSerializer, "careers_list", description="Published careers, in the site's order."
    )
    def get(self, request):
        queryset = careers().order_by("order", "title", "pk")
        return paged(request, queryset, "careers", api.CareerSerializer, rows_read=pay_and_outlook)


class CareerDetailView(ApiView):
    @detail_schema(
        api.CareerSerializer, "careers_retrieve", description="A published career, by slug."
    )
    def get(self, request, slug):
        career = careers().filter(slug=slug).first()
        if career is None:
            raise Http404
        context = {"request": request, **pay_and_outlook([career])}
        return Response(api.CareerSerializer(career, context=context).data)


# Certifications


def certifications():
    return Certification.objects.select_related("organization").prefetch_related(
        "routes", Prefetch("careers", queryset=Career.objects.published())
    )


class CertificationListView(ApiView):
    @list_schema(
        api.CertificationSerializer,
        "certifications_list",
        description="Certifications, by abbreviation.",
    )
    def get(self, request):
        queryset = certifications().order_by("abbreviation", "pk")
        return paged(request, queryset, "certifications", api.CertificationSerializer)


class CertificationDetailView(ApiView):
    @detail_schema(
        api.CertificationSerializer,
        "certifications_retrieve",
        description="A certification, by slug.",
    )
    def get(self, request, slug):
        certification = certifications().filter(slug=slug).first()
        if certification is None:
            raise Http404
        context = {"request": request}
        return Response(api.CertificationSerializer(certification, context=context).data)


# Schools


def school_list():
    """The schools list's rows, in its order (bench/api.py pages through it too)."""
    return School.objects.with_published_programs().order_by("name", "pk")


class SchoolListView(ApiView):
    @list_schema(
        api.SchoolSerializer,
        "schools_list",
        description="Schools with published programs, by name.",
    )
    def get(self, request):
        return paged(request, school_list(), "schools", api.SchoolSerializer)


class SchoolDetailView(ApiView):
    @detail_schema(
        api.SchoolDetailSerializer,
        "schools_retrieve",
        parameters=[OpenApiParameter("unitid", int, OpenApiParameter.PATH)],
        description="A school with published programs, by IPEDS unit ID, and those programs.",
    )
    def get(self, request, unitid):
        number = whole_number(unitid, INTEGER_MAX)
        school = None
        if number is not None:
            programs = Program.objects.published().select_related("career")
            school = (
                School.objects.with_published_programs()
                .prefetch_related(Prefetch("programs", queryset=programs))
                .filter(unitid=number)
                .first()
            )
        if school is None:
            raise Http404
        return Response(api.SchoolDetailSerializer(school, context={"request": request}).data)


# Programs


def with_certifications(queryset):
    return queryset.prefetch_related(
        Prefetch("certifications", queryset=Certification.objects.order_by("abbreviation", "pk"))
    )


def program_filterset(params) -> ProgramFilter:
    """The finder's own filters and order over the listing's programs (bench/api.py too)."""
    return ProgramFilter(params or None, queryset=Program.objects.for_listing())


class ProgramSearchView(ApiView):
    @list_schema(
        program_json.ProgramSerializer,
        "programs_search",
        parameters=SEARCH_PARAMETERS,
        description="The finder's search (/programs/): the same filters, sorts and order. Any "
        "invalid value is a 400 naming it; parameters not listed here are ignored.",
    )
    def get(self, request):
        filterset = program_filterset(request.GET)
        if filterset.is_bound and not filterset.form.is_valid():
            raise ParameterError(form_errors(filterset.form.errors))
        queryset = with_certifications(filterset.qs)
        return paged(
            request, queryset, f"programs:{filterset.sort_key}", program_json.ProgramSerializer
        )


class ProgramDetailView(ApiView):
    @detail_schema(
        program_json.ProgramSerializer,
        "programs_retrieve",
        parameters=[OpenApiParameter("id", int, OpenApiParameter.PATH)],
        description="A published program, by id.",
    )
    def get(self, request, id):
        number = whole_number(id, BIGINT_MAX)
        program = None
        if number is not None:
            program = with_certifications(Program.objects.for_listing()).filter(pk=number).first()
        if program is None:
            raise Http404
        return Response(program_json.ProgramSerializer(program, context={"request": request}).data)


class SchemaView(ApiView, SpectacularAPIView):
    """The OpenAPI 3.1 document, as JSON."""

    renderer_classes = [OpenApiJsonRenderer2]
