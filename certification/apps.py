from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CertificationConfig(AppConfig):
    name = "certification"
    verbose_name = _("Certification: requests, committee, certificates, dossiers")

    def ready(self):
        """Step 9, the links and notices this app adds to every project page,
        and its records in the project's history (``assessment.frame``,
        ``assessment.history``)."""
        from assessment import frame
        from certification import checks, history, readiness  # noqa: F401 (checks registers itself)
        from certification.frame import frame_extension, overview_extension

        frame.register_step(readiness.STEP)
        frame.register_frame_extension(frame_extension)
        frame.register_overview_extension(overview_extension)
        history.register()
