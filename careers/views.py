from django.conf import settings
from django.db.models import prefetch_related_objects
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.http import urlencode
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.generic import DetailView, ListView, TemplateView

from core.geography import STATE_CHOICES, STATES, state_name
from core.i18n import translated
from core.pagecache import PageCacheQueryMixin
from core.pages import PageMixin, crumb, trail
from core.tags import SITE, kept, versions_of

from . import structured_data
from .charts import horizontal_bars
from .facts import key_facts, program_counts
from .forms import PayLookupForm
from .guides import guide_sections
from .models import (
    Career,
    Certification,
    CipSocLink,
    OnetSkill,
    OnetTask,
    OnetTechnology,
    Organization,
    WageEstimate,
)
from .pay import medians_by_state, pay_near

ONET_TASKS_SHOWN = 10
ONET_SKILLS_SHOWN = 8
ONET_TECHNOLOGY_SHOWN = 10


class HomeView(PageCacheQueryMixin, PageMixin, TemplateView):
    template_name = "careers/home.html"
    page_title = gettext_lazy("Honest allied-health career guides and real training programs")

    def get_context_data(self, **kwargs):
        careers = list(Career.objects.published())
        facts = key_facts(careers)
        return super().get_context_data(
            careers=[(career, facts[career.pk]) for career in careers],
            state_choices=STATE_CHOICES,
            **kwargs,
        )

    def get_page_cache_query(self, context):
        """Not stored while program counts it shows are being counted again."""
        return "" if all(facts.counts_current for _career, facts in context["careers"]) else None


class GuideBody:
    """What a guide's cached fragments show besides the career itself (the template's
    `guide-top` and `guide-bottom`), read from the database only when one is made again."""

    def __init__(self, career, *, preview: bool):
        self.career, self.preview = career, preview

    @cached_property
    def sections(self):
        # Pay and outlook come from BLS data and sit between the steps and the career paths.
        career = self.career
        prefetch_related_objects(
            [career],
            "sections",
            "certifications__organization",
            "organizations",
            "leads_to",
            "leads_from",
        )
        return guide_sections(career.sections.all(), preview=self.preview)

    @property
    def sections_before_pay(self):
        return self.sections[0]

    @property
    def sections_after_pay(self):
        return self.sections[1]

    @cached_property
    def state_medians(self):
        return list(medians_by_state(self.career.soc_code))

    @cached_property
    def state_chart(self):
        wage = self.career.national_wage
        return horizontal_bars(
            [(w.states, w.annual_median) for w in self.state_medians],
            reference=wage.annual_median if wage else None,
        )

    @property
    def program_count(self):
        return self.facts.programs

    @cached_property
    def facts(self):
        return key_facts([self.career])[self.career.pk]

    @cached_property
    def training_fields(self):
        return list(CipSocLink.objects.filter(cip_code__in=self.career.cip_codes))

    @cached_property
    def onet_tasks(self):
        tasks = OnetTask.objects.filter(onet_code=self.career.onet_code, is_core=True)
        return list(tasks[:ONET_TASKS_SHOWN])

    @cached_property
    def onet_skills(self):
        return list(OnetSkill.objects.filter(onet_code=self.career.onet_code)[:ONET_SKILLS_SHOWN])

    @cached_property
    def onet_technology(self):
        technology = OnetTechnology.objects.filter(onet_code=self.career.onet_code)
        return list(technology[:ONET_TECHNOLOGY_SHOWN])


class CareerDetailView(PageCacheQueryMixin, PageMixin, DetailView):
    template_name = "careers/career_detail.html"
    og_type = "article"

    def get_queryset(self):
        # Staff who can view careers in the admin may preview a draft guide.
        careers = Career.objects.all()
        if not self.request.user.has_perm("careers.view_career"):
            careers = careers.published()
        return careers

    @cached_property
    def preview(self):
        """Staff who edit guides see unpublished edits with ?preview."""
        return "preview" in self.request.GET and self.request.user.has_perm(
            "careers.change_guidesection"
        )

    @cached_property
    def versions(self):
        """The versions of what the guide shows: what every page shares (`site`: careers, their
        sections, pay, certifications) and its career's programs (their count and lengths)."""
        return versions_of(SITE, f"career:{self.kwargs['slug']}")

    @property
    def site_versions(self):
        """The versions of all the guide shows but its career's programs."""
        return self.versions[:1]

    def get_object(self, queryset=None):
        """The published career, kept while `site` stands; staff read it afresh."""
        if self.request.user.has_perm("careers.view_career"):
            return super().get_object(queryset)
        return kept(
            f"guide-career:{self.kwargs['slug']}",
            self.site_versions,
            lambda: super(CareerDetailView, self).get_object(queryset),
        )

    def get_page_title(self):
        if get_language() in (None, settings.LANGUAGE_CODE):
            return f"How to become {self.object.with_article}: training, certification and pay"
        # Spanish has no "a/an" before the title: the sentence is written around it.
        # Translators: %(title)s is the career's title in lower case, without an article.
        return _("How to become %(title)s: training, certification and pay") % {
            "title": translated(self.object, "title").lower()
        }

    def get_page_description(self):
        return _("%(summary)s Training, certification, steps, pay and outlook, sourced.") % {
            "summary": translated(self.object, "summary")
        }

    def get_breadcrumbs(self):
        return trail(
            crumb(
                _("%(title)s guide") % {"title": translated(self.object, "title")},
                self.object.get_absolute_url(),
            )
        )

    def get_structured_data(self):
        career = self.object
        occupation = kept(
            f"guide-schema:{career.pk}:{get_language()}:{self.request.build_absolute_uri('/')}",
            self.site_versions,
            lambda: structured_data.occupation(
                self.request, career, career.national_wage, career.projection
            ),
        )
        return [occupation]

    def pay_lookup(self):
        """The visitor's ZIP code form, bound only when they asked."""
        if "zip" not in self.request.GET:
            return PayLookupForm(auto_id="pay_%s"), None
        form = PayLookupForm(self.request.GET, auto_id="pay_%s")
        local = None
        if form.is_valid():
            local = pay_near(soc_code=self.object.soc_code, place=form.cleaned_data["zip"])
        return form, local

    def get_page_cache_query(self, context):
        """Stored bare, or with a known ZIP code for the local pay; not while the program counts
        it shows are being counted again."""
        form = context["pay_form"]
        if not context["counts_current"]:
            return None
        if not form.is_bound:
            return ""
        return urlencode({"zip": form.cleaned_data["zip"].code}) if form.is_valid() else None

    def get_context_data(self, **kwargs):
        career = self.object
        pay_form, local_pay = self.pay_lookup()
        # All but the visitor's local pay is in two cached fragments (the template's
        # `guide-top`, kept under `versions` and those its program counts were counted under,
        # and `guide-bottom`, which shows nothing of the career's programs, under the version of
        # `site` alone).
        _counts, counted_under, counts_current = program_counts(career)
        return super().get_context_data(
            guide=GuideBody(career, preview=self.preview),
            guide_versions=(*self.versions, *counted_under),
            counts_current=counts_current,
            site_versions=self.site_versions,
            pay_form=pay_form,
            local_pay=local_pay,
            correction_about=career,
            preview=self.preview,
            **kwargs,
        )


class CareerStateView(PageMixin, TemplateView):
    """A career in one state: programs there, pay there and in its metro areas, where rules come
    from."""

    template_name = "careers/career_state.html"

    @cached_property
    def career(self):
        return get_object_or_404(Career.objects.published(), slug=self.kwargs["slug"])

    @cached_property
    def state(self):
        code = self.kwargs["state"]
        if code != code.lower() or code.upper() not in STATES:
            raise Http404("No such state")
        return code.upper()

    @cached_property
    def state_wage(self):
        return (
            WageEstimate.objects.for_occupation(self.career.soc_code).for_state(self.state).first()
        )

    def get_page_title(self):
        return _("%(title)s in %(state)s: programs and pay") % {
            "title": translated(self.career, "title"),
            "state": state_name(self.state),
        }

    def get_page_description(self):
        return _(
            "%(title)s training programs in %(state)s and what the job pays there (BLS, May "
            "2025), with where to check the state's rules."
        ) % {"title": translated(self.career, "title"), "state": state_name(self.state)}

    def get_breadcrumbs(self):
        return trail(
            crumb(
                _("%(title)s guide") % {"title": translated(self.career, "title")},
                self.career.get_absolute_url(),
            ),
            crumb(state_name(self.state), self.request.path),
        )

    def get_structured_data(self):
        return [
            structured_data.occupation(
                self.request,
                self.career,
                self.state_wage,
                None,
                url=self.request.path,
                place={"@type": "State", "name": state_name(self.state)},
            )
        ]

    def get_context_data(self, **kwargs):
        programs = self.career.programs.published().in_state(self.state)
        program_count = programs.count()
        if program_count == 0 and self.state_wage is None:
            raise Http404("Nothing to show for this state")
        areas = (
            WageEstimate.objects.for_occupation(self.career.soc_code)
            .in_state(self.state)
            .order_by("area_type", "area_name")
        )
        return super().get_context_data(
            career=self.career,
            state_slug=self.state.lower(),
            state_name=state_name(self.state),
            program_count=program_count,
            school_count=programs.values("school").distinct().count(),
            wage=self.state_wage,
            areas=areas,
            correction_about=self.career,
            **kwargs,
        )


class CertificationListView(PageMixin, ListView):
    template_name = "careers/certification_list.html"
    page_title = gettext_lazy("Certifications for allied-health careers")
    page_description = gettext_lazy(
        "The certifications medical assistants, phlebotomists, coders, pharmacy and EKG "
        "technicians, surgical technologists and LPNs earn, and who awards them."
    )

    def get_queryset(self):
        return Certification.objects.select_related("organization").prefetch_related("careers")

    def get_breadcrumbs(self):
        return trail(crumb(_("Certifications"), reverse("careers:certification_list")))


class CertificationDetailView(PageMixin, DetailView):
    """A certification and its routes. The programs leading to each training route come from
    programs' template tag `programs_by_route`, since careers may not import programs."""

    template_name = "careers/certification_detail.html"
    og_type = "article"

    def get_queryset(self):
        return Certification.objects.select_related("organization").prefetch_related(
            "careers", "routes"
        )

    def get_page_title(self):
        cert = self.object
        return _("%(abbreviation)s: %(name)s, from %(organization)s") % {
            "abbreviation": cert.abbreviation,
            "name": cert.name,
            "organization": cert.organization.name,
        }

    def get_page_description(self):
        return _(
            "What the %(abbreviation)s shows, who awards it, how people usually become "
            "eligible, and which careers it belongs to."
        ) % {"abbreviation": self.object.abbreviation}

    def get_breadcrumbs(self):
        return trail(
            crumb(_("Certifications"), reverse("careers:certification_list")),
            crumb(self.object.abbreviation, self.object.get_absolute_url()),
        )

    def get_structured_data(self):
        return [structured_data.credential(self.request, self.object)]


class OrganizationListView(PageMixin, ListView):
    template_name = "careers/organization_list.html"
    page_title = gettext_lazy("Professional associations and certifying bodies")
    page_description = gettext_lazy(
        "The groups that award allied-health certifications and the professional associations "
        "that support medical assistants, coders, technicians and nurses."
    )

    def get_queryset(self):
        return Organization.objects.prefetch_related("careers", "certifications")

    def get_breadcrumbs(self):
        return trail(crumb(_("Associations"), reverse("careers:organization_list")))
