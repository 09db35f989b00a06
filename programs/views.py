import csv
import logging

from django.conf import settings
from django.contrib import messages
from django.db import transaction
from django.http import StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.http import urlencode
from django.views.generic import CreateView, DetailView, TemplateView, View
from django_filters.views import FilterView
from django_ratelimit.decorators import ratelimit

from careers.forms import PayLookupForm
from careers.geography import state_name
from careers.pages import PageMixin, crumb, trail

from . import structured_data
from .compare import comparison_rows
from .filters import DEFAULT_RADIUS, ProgramFilter
from .forms import CorrectionForm, SearchForm, safe_local_path
from .models import Program, School
from .representatives import representatives_tell_about_correction
from .search import site_search
from .selections import COMPARE_LIMIT, compare_list, shortlist

spam_log = logging.getLogger("directory.spam")


def programs_crumb():
    return crumb("Programs", reverse("programs:program_list"))


class ProgramListView(PageMixin, FilterView):
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


class ProgramExportView(View):
    """The current filtered listing as CSV, streamed, with the source and year of each row."""

    COLUMNS = [
        ("program_url", lambda p, r: r.build_absolute_uri(p.get_absolute_url())),
        ("school", lambda p, r: p.school.name),
        ("city", lambda p, r: p.school.city),
        ("state", lambda p, r: p.school.state),
        ("ipeds_unitid", lambda p, r: p.school.unitid),
        ("career", lambda p, r: p.career.title),
        ("credential", lambda p, r: p.get_credential_level_display()),
        ("cip_code", lambda p, r: p.cip_code),
        ("total_cost_usd", lambda p, r: p.total_cost),
        ("tuition_and_fees_usd", lambda p, r: p.tuition_and_fees),
        ("books_and_supplies_usd", lambda p, r: p.books_and_supplies),
        ("cost_note", lambda p, r: p.get_cost_gap_display()),
        ("months_to_complete", lambda p, r: p.months_to_complete),
        ("length", lambda p, r: p.length),
        ("length_unit", lambda p, r: p.get_length_unit_display()),
        ("graduates_2023_24", lambda p, r: p.graduates_per_year),
        ("school_type", lambda p, r: p.school.get_sector_display()),
        ("federal_student_aid", lambda p, r: p.school.federal_aid_eligible),
        ("school_offers_distance_education", lambda p, r: p.school.distance_education),
        ("school_offers_evening_weekend", lambda p, r: p.school.evening_weekend),
        ("open_admission", lambda p, r: p.school.open_admission),
        ("distance_miles", lambda p, r: getattr(p, "distance_miles", None)),
        ("data_source", lambda p, r: p.data_source),
        ("data_year", lambda p, r: p.data_year),
        ("last_verified", lambda p, r: p.last_verified),
    ]

    def get(self, request):
        filterset = ProgramFilter(request.GET or None, queryset=Program.objects.for_listing())
        programs = filterset.qs
        writer = csv.writer(Echo())

        def rows():
            yield writer.writerow([name for name, _ in self.COLUMNS])
            for program in programs.iterator(chunk_size=500):
                yield writer.writerow(
                    ["" if (v := cell(program, request)) is None else v for _, cell in self.COLUMNS]
                )

        response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="programs.csv"'
        return response


class Echo:
    """A file-like object whose write() hands the line back, for streaming CSV."""

    def write(self, value):
        return value


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


@method_decorator(
    ratelimit(
        key="ip",
        rate=lambda group, request: settings.CORRECTIONS_RATE_LIMIT,
        method="POST",
        block=False,
    ),
    name="post",
)
class CorrectionCreateView(PageMixin, CreateView):
    """Stores a visitor's correction; errors come back on a page that keeps what they typed."""

    form_class = CorrectionForm
    template_name = "programs/correction_form.html"
    page_title = "Suggest an update"
    page_description = "Tell our editors what is wrong or out of date on a page."
    robots = "noindex"

    def post(self, request, *args, **kwargs):
        self.object = None
        if getattr(request, "limited", False):
            # Too many notes from this client: say so, keep what they typed, store nothing.
            context = self.get_context_data(form=self.get_form(), rate_limited=True)
            return self.render_to_response(context, status=429)
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        if form.is_spam:
            spam_log.info("honeypot field filled; note not stored")
            return redirect(reverse("programs:correction_thanks"))
        response = super().form_valid(form)
        correction = self.object
        transaction.on_commit(
            lambda: representatives_tell_about_correction(
                correction=correction, absolute_url=self.request.build_absolute_uri
            )
        )
        return response

    def get_initial(self):
        return {
            "page_url": safe_local_path(self.request.GET.get("page")),
            "target": self.request.GET.get("target", ""),
        }

    def get_page_title(self):
        return "Check your note" if self.request.method == "POST" else self.page_title

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["page_url"] = safe_local_path(context["form"]["page_url"].value())
        return context

    def get_success_url(self):
        query = urlencode({"page": self.object.page_url})
        return f"{reverse('programs:correction_thanks')}?{query}"


class CorrectionThanksView(PageMixin, TemplateView):
    template_name = "programs/correction_thanks.html"
    page_title = "Thank you"
    robots = "noindex"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            back_to=safe_local_path(self.request.GET.get("page")), **kwargs
        )


class SearchView(PageMixin, TemplateView):
    """One box across careers, programs, schools and certifications, results grouped by kind."""

    template_name = "programs/search.html"
    page_title = "Search"
    robots = "noindex"

    def get_context_data(self, **kwargs):
        form = SearchForm(self.request.GET or None)
        results = site_search(form.cleaned_data["q"]) if form.is_valid() else None
        return super().get_context_data(form=form, results=results, **kwargs)


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
