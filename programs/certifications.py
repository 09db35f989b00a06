"""Which certifications a program's graduates can pursue, and on which route.

A certification body's training route (careers' CertificationRoute) accepts graduates of a
training program in its field, sometimes only of a programmatically accredited one. So, until a
school or an editor says otherwise, a program prepares for every certification of its career
that has a training route: `link_certifications` keeps `Program.certifications` so after each
import and each change to the routes. A program whose certifications an editor or the school set
(its `field_sources` names them) keeps theirs.

`routes_for` says, per certification, which of its routes a program's graduate can take and
whether the program's accreditation is verified for a route that needs one.
"""

from collections import defaultdict
from dataclasses import dataclass

from django.db import transaction

from careers.models import Certification, CertificationRoute

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
