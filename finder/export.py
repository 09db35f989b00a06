"""The program listing as CSV, /programs/export.csv: the filtered programs, in the public
columns of PROGRAM_CSV_COLUMNS (resources.py, which the admin's program file reads too), each
cell spreadsheet-safe. Refused with a 400 for an invalid filter and a 429 past
EXPORT_RATE_LIMIT; the finished file is kept in the shared cache."""

import csv
import hashlib
import io
import itertools
import math

from django.core.cache import cache
from django.core.exceptions import NON_FIELD_ERRORS
from django.db.models import FloatField, Value
from django.http import HttpResponse, HttpResponseBadRequest, StreamingHttpResponse
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _
from django.views.generic import View
from django_ratelimit import ALL

from core.csvsafe import csv_safe
from core.ratelimits import rate_limit, with_retry_after
from core.tags import LISTINGS, SITE, key_text, versions_of
from programs.costs import cost_basis_expression
from programs.models import Program
from programs.resources import PUBLIC_COLUMNS

from .filters import ProgramFilter

# The export's finished CSV is kept per filter combination; its key holds the versions of the
# `site` and `listings` tags, so an edit makes it stale at once and this is only a backstop.
EXPORT_CACHE_SECONDS = 60 * 60
EXPORT_CACHE_MAX_BYTES = 4 * 1024 * 1024  # a larger export is made afresh each time
EXPORT_CHUNK_ROWS = 500
EXPORT_CHUNK_BYTES = 64 * 1024


@method_decorator(
    rate_limit(group="export", key="ip", rate="EXPORT_RATE_LIMIT", method=ALL), name="get"
)
class ProgramExportView(View):
    """The current filtered listing as CSV, with the source and year of each row.

    An invalid filter value is refused with a 400 naming it (the listing shows such an error
    beside its field; a download has nowhere to, and would otherwise hold every program), and
    more than EXPORT_RATE_LIMIT downloads from one address get a 429 with Retry-After. The
    finished CSV is kept in the shared cache per filter combination and tag versions, so a
    repeat costs a cache read and an edit shows in the next download.
    """

    def get(self, request):
        if request.limited:
            return export_refused_too_many(request.retry_after)
        filterset = ProgramFilter(request.GET or None, queryset=Program.objects.for_listing())
        if filterset.is_bound and not filterset.form.is_valid():
            return export_refused_invalid(filterset.form.errors)
        origin = request.build_absolute_uri("/").removesuffix("/")
        # Before the rows are read, as the page cache does.
        version = key_text(versions_of(SITE, LISTINGS))
        key = export_cache_key(filterset, origin, version)
        body = cache.get(key)
        if body is not None:
            chunks = (
                body[start : start + EXPORT_CHUNK_BYTES]
                for start in range(0, len(body), EXPORT_CHUNK_BYTES)
            )
        else:
            chunks = kept_in_cache(key, csv_chunks(program_csv_rows(filterset.qs, origin)))
        response = StreamingHttpResponse(chunks, content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="programs.csv"'
        return response


def export_cache_key(filterset, origin, version):
    """One key per set of valid filters and order (however the URL spells them), site origin
    (the rows hold absolute addresses) and tag versions."""
    combination = [*filterset.combination(), ("sort", filterset.sort_key)]
    # The language too: the rows link to the program pages in the language downloaded from.
    digest = hashlib.sha256(repr((origin, get_language(), combination)).encode()).hexdigest()
    return f"export:{version}:{digest}"


URL_PLACEHOLDER = 918273645


def program_csv_rows(programs, origin):
    """The header and then one row per program, read as plain values (no model instances) in
    the queryset's order; `origin` ("https://example.org"), worked out once per request, makes
    each program page's address absolute. Cells are csv_safe."""
    if "distance_miles" not in programs.query.annotations:
        programs = programs.annotate(distance_miles=Value(None, output_field=FloatField()))
    programs = programs.annotate(cost_basis=cost_basis_expression())
    url = reverse("programs:program_detail", kwargs={"pk": URL_PLACEHOLDER})
    before, after = url.split(str(URL_PLACEHOLDER))
    before = origin + before
    shows = [
        (lambda pk: f"{before}{pk}{after}") if column.name == "program_url" else column.show
        for column in PUBLIC_COLUMNS
    ]
    yield [column.name for column in PUBLIC_COLUMNS]
    paths = [column.path for column in PUBLIC_COLUMNS]
    for values in programs.values_list(*paths).iterator(chunk_size=2000):
        yield [
            csv_safe(show(value) if show else value)
            for show, value in zip(shows, values, strict=True)
        ]


def csv_chunks(rows):
    """Rows as encoded CSV text, EXPORT_CHUNK_ROWS rows to a chunk."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for batch in itertools.batched(rows, EXPORT_CHUNK_ROWS):
        writer.writerows(batch)
        yield buffer.getvalue().encode()
        buffer.seek(0)
        buffer.truncate()


def kept_in_cache(key, chunks):
    """Pass the chunks on, and keep the whole CSV under `key` once it is complete, unless it
    grew past EXPORT_CACHE_MAX_BYTES."""
    kept, size = [], 0
    for chunk in chunks:
        yield chunk
        if kept is not None:
            size += len(chunk)
            if size <= EXPORT_CACHE_MAX_BYTES:
                kept.append(chunk)
            else:
                kept = None
    if kept is not None:
        cache.set(key, b"".join(kept), EXPORT_CACHE_SECONDS)


def export_refused_invalid(errors):
    whole_form = _("filters")
    lines = [
        f"{whole_form if name == NON_FIELD_ERRORS else name}: {' '.join(problems)}"
        for name, problems in errors.items()
    ]
    return HttpResponseBadRequest(
        _("No CSV was made: these filters have values we can't use.")
        + "\n\n"
        + "\n".join(lines)
        + "\n\n"
        + _("Fix or remove them and download again.")
        + "\n",
        content_type="text/plain; charset=utf-8",
    )


def export_refused_too_many(seconds_left):
    minutes = max(math.ceil(seconds_left / 60), 1)
    response = HttpResponse(
        ngettext(
            "Too many downloads from your address. Please try again in %(minutes)s minute.",
            "Too many downloads from your address. Please try again in %(minutes)s minutes.",
            minutes,
        )
        % {"minutes": minutes}
        + "\n",
        status=429,
        content_type="text/plain; charset=utf-8",
    )
    return with_retry_after(response, seconds_left)
