"""Which certifications a program's graduates can pursue, and on which route.

A certification body's training route (careers' CertificationRoute) accepts graduates of a
training program in its field, sometimes only of a programmatically accredited one. So, until a
school or an editor says otherwise, a program prepares for every certification of its career
that has a training route: `link_certifications` keeps `Program.certifications` so after each
import and each change to the routes. A program whose certifications an editor or the school set
(its `field_sources` names them) keeps theirs.

`routes_for` says, per certification, which of its routes a program's graduate can take and
whether the program's accreditation is verified for a route that needs one (the program page);
`programs_by_route` says, per training route, which published programs lead to it (the
certification page, through programs' template tag `programs_by_route`).
"""

from collections import defaultdict
from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from careers.models import Accreditor, Certification, CertificationRoute
from core.tags import pages_changed

from .models import Program


def certifications_by_career() -> dict[int, set[int]]:
    """{career id: ids of its certifications with a training route}."""
    by_career = defaultdict(set)
    pairs = Certification.careers.through.objects.filter(
        certification__routes__basis=CertificationRoute.Basis.TRAINING
    ).values_list("career_id", "certification_id")
    for career_id, certification_id in pairs:
        by_career[career_id].add(certification_id)
    return by_career


def link_certifications() -> int:
    """Give every program whose certifications nobody set the certifications of its career with
    a training route; returns how many links were added or removed."""
    by_career = certifications_by_career()
    through = Program.certifications.through
    programs = Program.objects.exclude(field_sources__has_key="certifications")
    wanted = {
        (program_id, certification_id)
        for program_id, career_id in programs.values_list("pk", "career_id")
        for certification_id in by_career.get(career_id, ())
    }
    linked = set(
        through.objects.filter(program__in=programs).values_list("program_id", "certification_id")
    )
    stale = linked - wanted
    stale_by_certification = defaultdict(list)
    for program_id, certification_id in stale:
        stale_by_certification[certification_id].append(program_id)
    with transaction.atomic():
        for certification_id, program_ids in stale_by_certification.items():
            through.objects.filter(
                certification_id=certification_id, program_id__in=program_ids
            ).delete()
        through.objects.bulk_create(
            [through(program_id=p, certification_id=c) for p, c in wanted - linked],
            batch_size=1000,
        )
    return len(stale) + len(wanted - linked)


def link_certifications_on_change(*, raw=False, action="post_", **kwargs) -> None:
    """Receiver (programs/apps.py): a certification route was saved or deleted, or a
    certification's careers changed, so the links follow. A fixture load (`raw`) is left alone;
    a bulk load runs `link_certifications` itself."""
    if not raw and action.startswith("post_") and link_certifications():
        pages_changed()  # the links moved after the change that made pages stale


@dataclass(frozen=True)
class RouteForProgram:
    route: CertificationRoute
    # For a route that needs a programmatically accredited program: whether an editor verified
    # this program's accreditation by one of the route's accreditors (None: no such need).
    accreditation_verified: bool | None

    @property
    def ask_the_school(self) -> bool:
        return self.accreditation_verified is False


def routes_for(program: Program, certification: Certification) -> list[RouteForProgram]:
    """The certification's routes a graduate of `program` can take: its training routes (marked
    where accreditation is needed), then the others (work experience, military...), which don't
    depend on the program. Reads `certification.routes.all()` (prefetch it)."""
    verified = program.accreditation_is_verified
    found = []
    for route in certification.routes.all():
        needs = route.needs_accreditation
        found.append(
            RouteForProgram(
                route, (verified and program.accreditor in route.accreditors) if needs else None
            )
        )
    return sorted(found, key=lambda r: r.route.basis != CertificationRoute.Basis.TRAINING)


def certifications_with_routes(program: Program) -> list[tuple]:
    """The program page's certifications: (certification, its training routes, its other
    routes), from `routes_for`. Reads their organization and routes (prefetch them)."""
    found = []
    for certification in program.certifications.all():
        routes = routes_for(program, certification)
        training = [r for r in routes if r.route.basis == CertificationRoute.Basis.TRAINING]
        found.append((certification, training, routes[len(training) :]))
    return found


def accreditation_phrase(codes) -> str:
    """What a program with one of these accreditors (a code or a list of codes) is: "accredited
    by CAAHEP or ABHES", "approved by the state's board of nursing"."""
    codes = [codes] if isinstance(codes, str) else list(codes)
    names = [Accreditor(c).label.split(" (")[0] for c in codes if c != Accreditor.STATE_BOARD]
    # Translators: between the names of accreditors, or of two ways a program can be approved.
    either = pgettext("alternatives", " or ")
    ways = (
        [_("accredited by %(accreditors)s") % {"accreditors": either.join(names)}] if names else []
    )
    if Accreditor.STATE_BOARD in codes:
        ways.append(_("approved by the state's board of nursing"))
    return either.join(ways)


@dataclass(frozen=True)
class ProgramsOnRoute:
    route: CertificationRoute
    count: int  # published programs whose graduates can take the route
    programs: list  # the first of them, most graduates first


def programs_by_route(certification: Certification, shown=10) -> dict:
    """For each of the certification's training routes, the published programs whose graduates
    can take it: every program that prepares for it or, for a route that needs an accredited
    program, those whose accreditation by one of its accreditors an editor verified. Also how
    many the finder lists (`in_finder`) and, with no training route, the first of them that a
    school or an editor linked (`reported`). Reads `certification.routes.all()` (prefetch it)."""
    preparing = Program.objects.published().preparing_for(certification)
    in_finder = preparing.count()

    def first(programs, count):
        return list(programs.select_related("school").by_graduates()[:shown]) if count else []

    routes = []
    for route in certification.routes.all():
        if route.basis != CertificationRoute.Basis.TRAINING:
            continue
        programs, count = preparing, in_finder
        if route.needs_accreditation:
            programs = preparing.accredited_by(route.accreditors)
            count = programs.count() if in_finder else 0
        routes.append(ProgramsOnRoute(route, count, first(programs, count)))
    reported = [] if routes else first(preparing, in_finder)
    return {"in_finder": in_finder, "routes": routes, "reported": reported}
