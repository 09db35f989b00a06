import csv
import hashlib
import io
import itertools
import math

from django.contrib import messages
from django.core.cache import cache
from django.core.exceptions import NON_FIELD_ERRORS
from django.http import HttpResponse, HttpResponseBadRequest, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.defaultfilters import pluralize
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.http import urlencode
from django.views.generic import DetailView, TemplateView, View
from django_filters.views import FilterView
from django_ratelimit import ALL

from careers.forms import PayLookupForm
from core.geography import state_name
from core.pagecache import PageCacheQueryMixin, content_version, normalised_text
from core.pages import PageMixin, crumb, safe_local_path, trail
from core.ratelimits import rate_limit, with_retry_after

from . import structured_data
from .compare import comparison_rows
from .filters import DEFAULT_RADIUS, STEPS, ProgramFilter
from .models import Program, School
from .resources import program_csv_rows
from .selections import COMPARE_LIMIT, compare_list, shortlist


def programs_crumb():
    return crumb("Programs", reverse("programs:program_list"))


class ProgramListView(PageCacheQueryMixin, PageMixin, FilterView):
    filterset_class = ProgramFilter
    template_name = "programs/program_list.html"
    paginate_by = 20
    strict = False  # the filterset reports invalid values itself and applies the rest

    def get(self, request, *args, **kwargs):
        """The filter form sends every field; redirect to the short URL worth sharing."""
        sent = [(name, value) for name, values in request.GET.lists() for value in values]
        kept = [
            (name, value)
            for name, value in sent
            if value != ""
            and not (
                name == "radius" and value == str(DEFAULT_RADIUS) and not request.GET.get("zip")
            )
        ]
        if kept != sent:
            return redirect(f"{request.path}?{urlencode(kept)}" if kept else request.path)
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        return Program.objects.for_listing()

    def get_paginator(self, queryset, per_page, **kwargs):
        """The total comes with the facet counts, so the paginator needn't COUNT again."""
        paginator = super().get_paginator(queryset, per_page, **kwargs)
        paginator.count = self.filterset.total
        return paginator

    def valid_filters(self):
        return self.filterset.valid

    def get_page_title(self):
        data = self.valid_filters()
        career, state = data.get("career"), data.get("state")
        title = (
            f"{self.filterset.careers[career].title} programs"
            if career
            else "Allied-health training programs"
        )
        return f"{title} in {state_name(state)}" if state else title

    def get_page_description(self):
        return (
            f"{self.get_page_title()}: real training programs from federal IPEDS data, "
            "with cost, length and graduates where reported."
        )

    def get_breadcrumbs(self):
        return trail(programs_crumb())

    def get_canonical_query(self):
        """A filtered listing is canonical as its career and state (and page), nothing else."""
        data = self.valid_filters()
        params = {name: data[name] for name in ("career", "state") if data.get(name)}
        page = self.request.GET.get("page", "")
        if page.isascii() and page.isdigit() and int(page) > 1:
            params["page"] = page
        return urlencode(params)

    def get_page_cache_query(self, context):
        """The one URL this page is stored under: the short URL the filter form leads to (its
        fields in order, none empty, a ZIP code with its radius, the keyword normalised, costs
        and lengths from the form's steps), then a page past the first. None if a value is
        invalid."""
        filterset = self.filterset
        if filterset.form.errors:
            return None
        steps = {name: values for name, _, values in STEPS}
        params = []
        for name in filterset.form.fields:
            value = filterset.valid.get(name)
            if value in (None, "") or (name == "radius" and not filterset.place):
                continue
            if name == "q":
                value = normalised_text(value)
            elif name == "zip":
                value = value.code
            elif name in steps:
                if value != int(value) or int(value) not in steps[name]:
                    return None
                value = int(value)
            params.append((name, value))
        if context["page_obj"].number > 1:
            params.append(("page", context["page_obj"].number))
        return urlencode(params)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        filterset = self.filterset
        filterset.facets()
        context.update(
            listing_title=context["page_title"],
            place=filterset.place,
            radius=filterset.radius_miles,
            sort_key=filterset.sort_key,
            chips=filterset.chips(self.request.GET),
            export_query=self.request.GET.urlencode(),
        )
        return context


# The export's finished CSV is kept per filter combination; its key holds the content version,
# so an edit makes it stale at once and this is only a backstop.
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
    finished CSV is kept in the shared cache per filter combination and content version, so a
    repeat costs a cache read and an edit shows in the next download.
    """

    def get(self, request):
        if request.limited:
            return export_refused_too_many(request.retry_after)
        filterset = ProgramFilter(request.GET or None, queryset=Program.objects.for_listing())
        if filterset.is_bound and not filterset.form.is_valid():
            return export_refused_invalid(filterset.form.errors)
        origin = request.build_absolute_uri("/").removesuffix("/")
        version = content_version()  # before the rows are read, as the page cache does
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
    (the rows hold absolute addresses) and content version."""
    combination = sorted((name, str(value)) for name, value in filterset.active().items())
    combination.append(("sort", filterset.sort_key))
    if filterset.place:
        combination.append(("radius", str(filterset.radius_miles)))
    digest = hashlib.sha256(repr((origin, combination)).encode()).hexdigest()
    return f"export:{version}:{digest}"


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
    lines = [
        f"{'filters' if name == NON_FIELD_ERRORS else name}: {' '.join(problems)}"
        for name, problems in errors.items()
    ]
    return HttpResponseBadRequest(
        "No CSV was made: these filters have values we can't use.\n\n"
        + "\n".join(lines)
        + "\n\nFix or remove them and download again.\n",
        content_type="text/plain; charset=utf-8",
    )


def export_refused_too_many(seconds_left):
    minutes = max(math.ceil(seconds_left / 60), 1)
    response = HttpResponse(
        "Too many downloads from your address. Please try again in "
        f"{minutes} minute{pluralize(minutes)}.\n",
        status=429,
        content_type="text/plain; charset=utf-8",
    )
    return with_retry_after(response, seconds_left)


class ProgramDetailView(PageMixin, DetailView):
    template_name = "programs/program_detail.html"

    def get_queryset(self):
        # Staff who can view programs in the admin may preview drafts; everyone else can't.
        programs = Program.objects.all()
        if not self.request.user.has_perm("programs.view_program"):
            programs = programs.published()
        return programs.select_related("school", "career").prefetch_related(
            "certifications__organization"
        )

    def get_page_title(self):
        program = self.object
        return (
            f"{program.career.title} {program.get_credential_level_display().lower()} "
            f"at {program.school.name}"
        )

    def get_page_description(self):
        school = self.object.school
        return (
            f"{self.object.career.title} training at {school.name} in {school.city}, "
            f"{school.state}: credential, length, cost and graduates as reported to IPEDS "
            f"{self.object.data_year}."
        )

    def get_breadcrumbs(self):
        program = self.object
        return trail(
            programs_crumb(),
            crumb(program.school.name, program.school.get_absolute_url()),
            crumb(program.career.title, program.get_absolute_url()),
        )

    def get_structured_data(self):
        return [structured_data.program(self.request, self.object)]

    def get_context_data(self, **kwargs):
        program = self.object
        other_programs = (
            program.school.programs.published()
            .exclude(pk=program.pk)
            .select_related("career")
            .order_by("cip_title", "credential_level")
        )
        return super().get_context_data(
            other_programs=other_programs,
            state_name=state_name(program.school.state),
            correction_about=program,
            **kwargs,
        )


class SchoolDetailView(PageMixin, DetailView):
    template_name = "programs/school_detail.html"

    def get_object(self, queryset=None):
        return get_object_or_404(School, unitid=self.kwargs["unitid"])

    def get(self, request, *args, **kwargs):
        self.object = self.get_object()
        if self.kwargs["slug"] != self.object.slug:
            return redirect(self.object, permanent=True)
        return self.render_to_response(self.get_context_data(object=self.object))

    def get_page_title(self):
        school = self.object
        return f"{school.name}, {school.city}, {school.state}: allied-health programs"

    def get_page_description(self):
        school = self.object
        return (
            f"Allied-health programs at {school.name} in {school.city}, "
            f"{state_name(school.state)}, with cost, length and graduates from IPEDS."
        )

    def get_breadcrumbs(self):
        return trail(programs_crumb(), crumb(self.object.name, self.object.get_absolute_url()))

    def get_structured_data(self):
        return [structured_data.school(self.request, self.object)]

    def get_context_data(self, **kwargs):
        programs = (
            self.object.programs.published()
            .select_related("career")
            .order_by("career__order", "cip_title", "credential_level")
        )
        return super().get_context_data(
            programs=programs,
            state_name=state_name(self.object.state),
            correction_about=self.object,
            **kwargs,
        )


def program_ids(text: str) -> list[int]:
    """ "12,7,31" -> [12, 7, 31]; anything that is not a plain number is dropped."""
    ids = []
    for part in text.split(","):
        part = part.strip()
        if part.isascii() and part.isdigit() and len(part) < 12 and int(part) not in ids:
            ids.append(int(part))
    return ids


class SelectionUpdateView(View):
    """Add a program to, or remove it from, the visitor's shortlist or compare list (POST)."""

    selection = None  # compare_list or shortlist
    noun = ""

    def post(self, request):
        ids = program_ids(request.POST.get("program", ""))
        program = Program.objects.published().filter(pk__in=ids[:1]).first()
        back = safe_local_path(request.POST.get("next") or reverse("programs:program_list"))
        if program is None:
            messages.error(request, "We couldn't find that program.")
            return redirect(back)
        selection = self.selection(request.session)
        if request.POST.get("action") == "remove":
            selection.remove(program.pk)
            messages.success(request, f"Removed {program.school.name} from your {self.noun}.")
        elif selection.add(program.pk):
            messages.success(
                request, f"Added {program.school.name} to your {self.noun} ({len(selection)})."
            )
        else:
            messages.warning(
                request,
                f"You can compare up to {COMPARE_LIMIT} programs at a time. Remove one from the "
                "compare page first, or save this one to your shortlist.",
            )
        return redirect(back)


class CompareView(PageMixin, TemplateView):
    """Up to four programs side by side; the URL alone reproduces the comparison."""

    template_name = "programs/compare.html"
    page_title = "Compare programs"
    robots = "noindex"

    def get(self, request, *args, **kwargs):
        if "programs" not in request.GET and len(compare_list(request.session)):
            ids = ",".join(map(str, compare_list(request.session).ids))
            return redirect(f"{reverse('programs:compare')}?{urlencode({'programs': ids})}")
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        requested = program_ids(self.request.GET.get("programs", ""))
        zip_form = PayLookupForm(self.request.GET if "zip" in self.request.GET else None)
        place = zip_form.cleaned_data["zip"] if zip_form.is_bound and zip_form.is_valid() else None
        programs = Program.objects.for_listing().prefetch_related("certifications")
        if place:
            programs = programs.with_distance(place.latitude, place.longitude)
        found = programs.in_bulk(requested[:COMPARE_LIMIT])
        shown = [found[pk] for pk in requested[:COMPARE_LIMIT] if pk in found]
        return super().get_context_data(
            programs=shown,
            rows=comparison_rows(shown),
            too_many=len(requested) > COMPARE_LIMIT,
            missing=len([pk for pk in requested[:COMPARE_LIMIT] if pk not in found]),
            limit=COMPARE_LIMIT,
            zip_form=zip_form,
            place=place,
            share_url=self.request.build_absolute_uri(self.request.get_full_path()),
            **kwargs,
        )


class ShortlistView(PageMixin, TemplateView):
    template_name = "programs/shortlist.html"
    page_title = "Your shortlist"
    robots = "noindex"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            programs=shortlist(self.request.session).programs(), limit=COMPARE_LIMIT, **kwargs
        )


class ShortlistToCompareView(View):
    """One click: the first four saved programs become the compare list."""

    def post(self, request):
        saved = shortlist(request.session).programs()
        chosen = [program.pk for program in saved[:COMPARE_LIMIT]]
        compare_list(request.session).replace(chosen)
        if len(saved) > COMPARE_LIMIT:
            messages.info(request, f"Comparing the first {COMPARE_LIMIT} programs you saved.")
        query = urlencode({"programs": ",".join(map(str, chosen))})
        return redirect(f"{reverse('programs:compare')}?{query}")
