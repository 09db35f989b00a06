from django.apps import AppConfig


class ProgramsConfig(AppConfig):
    name = "programs"
    verbose_name = "Schools and programs"

    def ready(self):
        from django.db.models.signals import m2m_changed, post_delete, post_save

        from careers.models import Certification, CertificationRoute
        from core.pagecache import invalidate_on_change

        from .certifications import link_certifications_on_change
        from .models import Program, RecordRule, School

        invalidate_on_change(School, Program, RecordRule)
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
