from django.apps import AppConfig

from core.tags import LISTINGS


class ProgramsConfig(AppConfig):
    name = "programs"
    verbose_name = "Schools and programs"

    def ready(self):
        from django.db.models.signals import m2m_changed, post_delete, post_save

        from careers.models import Certification, CertificationRoute
        from core.tags import invalidate_on_change

        from .certifications import link_certifications_on_change
        from .models import Program, RecordRule, School

        invalidate_on_change(Program, tags=program_tags)
        invalidate_on_change(School, tags=school_tags)
        invalidate_on_change(RecordRule)
        # Programs prepare for the certifications of their career that have a training route:
        # careers can't tell programs when those change, so programs listen.
        for signal in (post_save, post_delete):
            signal.connect(
                link_certifications_on_change, sender=CertificationRoute, dispatch_uid="link-certs"
            )
        m2m_changed.connect(
            link_certifications_on_change,
            sender=Certification.careers.through,
            dispatch_uid="link-certs",
        )


def program_tags(program):
    """The pages a program is on: its own and its school's other programs' (each lists the
    school's programs), its school's, its career's guide, and listings."""
    siblings = program.school.programs.values_list("pk", flat=True)
    return (
        *{f"program:{pk}" for pk in (program.pk, *siblings)},
        f"school:{program.school.unitid}",
        f"career:{program.career.slug}",
        LISTINGS,
    )


def school_tags(school):
    """The pages a school is on: its own, each of its programs', their guides, and listings."""
    programs = list(school.programs.values_list("pk", "career__slug"))
    return (
        f"school:{school.unitid}",
        *(f"program:{pk}" for pk, _ in programs),
        *{f"career:{slug}" for _, slug in programs},
        LISTINGS,
    )
