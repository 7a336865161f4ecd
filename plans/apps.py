from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlansConfig(AppConfig):
    name = "plans"
    verbose_name = _("Upgrade plans")

    def ready(self):
        """Steps 7–8 and the plan's history join the project frame
        (``assessment.frame``, ``assessment.history``)."""
        from assessment import frame
        from plans import history, steps

        for definition in steps.STEPS:
            frame.register_step(definition)
        history.register()
