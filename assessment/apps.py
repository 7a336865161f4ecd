from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssessmentConfig(AppConfig):
    name = "assessment"
    verbose_name = _("Certification projects and assessment")

    def ready(self):
        from simple_history.signals import post_create_historical_record

        from assessment import frame, history, steps

        for definition in steps.STEPS:
            frame.register_step(definition)
        history.register_assessment_sources()
        post_create_historical_record.connect(history.record_change, dispatch_uid="pso-readable-history")
